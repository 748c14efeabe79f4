/**
 * Headless authorization for tests and CI: fetch the authorization URL without following redirects and return
 * the `Location`. Works against servers that auto-approve (conformance suite, mock servers).
 */
import { discardBody } from '../bounded-body.js';
import { HeadlessAuthorizeError } from '../errors.js';
import { redactUrl } from '../events.js';
import type { FetchLike } from '../http.js';
import { timeoutSignal } from '../signals.js';

/** Options of `headlessAuthorize`. */
export interface HeadlessAuthorizeOptions {
  /** The fetch to use (default: global fetch). */
  fetch?: FetchLike | undefined;
  /** Milliseconds before giving up (default 30 s). */
  timeoutMs?: number | undefined;
  /** Cancels the request to the authorization endpoint. */
  signal?: AbortSignal | undefined;
}

/** An authorization handler that follows no redirect and returns the redirect target. */
export function headlessAuthorize(
  options: HeadlessAuthorizeOptions = {},
): (authorizationUrl: URL) => Promise<string> {
  return async (authorizationUrl) => {
    const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
    const signal = timeoutSignal(options.timeoutMs ?? 30_000, options.signal);
    let response: Response;
    try {
      response = await doFetch(authorizationUrl.href, { method: 'GET', redirect: 'manual', signal });
    } catch (error) {
      throw new HeadlessAuthorizeError({
        code: 'network_error',
        message: `could not reach the authorization endpoint ${redactUrl(authorizationUrl)}`,
        cause: error,
      });
    }
    discardBody(response);
    if (response.type === 'opaqueredirect') {
      throw new HeadlessAuthorizeError({
        code: 'no_redirect',
        message:
          'this runtime hides redirect targets (a browser): headlessAuthorize only works in Node, Deno, Bun or workers; use a redirect or popup handler in a page',
      });
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location) {
      throw new HeadlessAuthorizeError({
        code: 'no_redirect',
        status: response.status,
        message: `the authorization endpoint answered HTTP ${response.status} without a redirect: it needs a user (login or consent page), so headlessAuthorize cannot complete it; use an auto-approving test server or an interactive handler`,
      });
    }
    return new URL(location, authorizationUrl).href;
  };
}
