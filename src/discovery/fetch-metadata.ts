/**
 * Discovery's I/O: fetching the first metadata document that exists among candidate URLs.
 */
import { DiscoveryError, McpAuthError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import { redactUrl } from '../events.js';
import { exchange, isCorsRefusal, pageOrigin, readJsonObject } from '../http.js';
import type { HttpContext } from '../http.js';
import type { JsonObject } from '../json.js';

/** What the first candidate URL that answered 200 held (`body` undefined when it was no JSON object). */
export interface FetchedDocument {
  body: JsonObject | undefined;
  url: URL;
}

/**
 * Tries `urls` in order and reads the first one that answers 200; a 4xx moves on to the next candidate (reported as
 * an event), while an unreachable URL or a 5xx is a typed error. The caller judges the body.
 *
 * A redirect is never followed. At the URL the server itself named (`named`: the challenge's `resource_metadata`)
 * it is an error at once; at a guessed well-known URL it moves on like a 4xx (a site that redirects unknown paths
 * says nothing about metadata), and is the error only when no candidate has a document.
 */
export async function fetchFirstDocument(
  ctx: HttpContext,
  events: FlowEventEmitter,
  urls: Iterable<URL>,
  what: string,
  unreachableHint = '',
  named?: string,
): Promise<FetchedDocument | undefined> {
  let redirected: McpAuthError | undefined;
  for (const url of urls) {
    const request = { method: 'GET', url: redactUrl(url) };
    events.emit({ step: 'discovery', status: 'started', message: what, request });
    let response: Response;
    try {
      response = await exchange(ctx, 'discovery', what, url, { headers: { accept: 'application/json' } });
    } catch (error) {
      if (error instanceof McpAuthError && error.code === 'redirect_refused' && url.href !== named) {
        redirected = error;
        events.emit({ step: 'discovery', status: 'skipped', message: `${what}: ${error.message}`, request });
        continue;
      }
      // Unreachable is not "absent": falling back to 2025-03-26 defaults here would skip the PKCE and resource checks
      // on a network failure or, in a browser, a CORS refusal.
      events.emit({ step: 'discovery', status: 'failed', message: `could not fetch ${redactUrl(url)}` });
      if (error instanceof McpAuthError && error.code !== 'network_error') throw error;
      if (await isCorsRefusal(ctx, url)) {
        throw new DiscoveryError({
          code: 'cors_refused',
          message: `the ${what} at ${redactUrl(url)} exists but its server does not allow requests from ${
            pageOrigin() ?? 'this origin'
          }: it must answer with Access-Control-Allow-Origin (CORS)${unreachableHint}`,
          cause: error,
        });
      }
      throw new DiscoveryError({
        code: 'network_error',
        message: `could not fetch the ${what} at ${redactUrl(url)}: the server is unreachable, or in a browser it does not allow this origin (CORS).${unreachableHint}`,
        cause: error,
      });
    }
    if (response.status >= 500) {
      events.emit({ step: 'discovery', status: 'failed', message: `${what} answered ${response.status}` });
      throw new DiscoveryError({
        code: 'invalid_response',
        status: response.status,
        message: `the ${what} at ${redactUrl(url)} answered ${response.status}: the server failed, try again later`,
      });
    }
    if (response.status !== 200) {
      events.emit({
        step: 'discovery',
        status: 'skipped',
        message: `no ${what} here`,
        request,
        response: { status: response.status },
      });
      continue;
    }
    return { body: await readJsonObject(response), url };
  }
  if (redirected) throw redirected;
  return undefined;
}
