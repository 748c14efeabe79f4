/**
 * The fetch given to the MCP transport: attaches the access token to requests for the MCP server's origin,
 * and handles 401 (refresh, else one re-authorization) and 403 insufficient_scope (step-up), with at most
 * `maxAuthorizations` authorizations per request. The SDK transport gets no authProvider: it only ever sees
 * the final response.
 */
import {
  allowInsecureRequests,
  customFetch,
  protectedResourceRequest,
  WWWAuthenticateChallengeError,
} from 'oauth4webapi';
import type { ProtectedResourceRequestBody } from 'oauth4webapi';
import { bearerChallenge, parseWwwAuthenticate } from '../discovery/www-authenticate.js';
import { discardBody, limitStream } from '../bounded-body.js';
import { McpAuthError, SessionAuthError } from '../errors.js';
import { redactUrl } from '../events.js';
import { pageOrigin, refuseRedirect } from '../http.js';
import type { FetchLike } from '../http.js';
import { quoteServerText } from '../server-text.js';
import { scrubbedErrorResponse } from './error-body.js';
import type { AccessCredential, Authorizer } from './authorizer.js';

/** Options of the authed fetch. */
export interface AuthedFetchOptions {
  authorizer: Authorizer;
  fetch: FetchLike;
  mcpUrl: URL;
  /** Authorization attempts allowed for one request (spec: bounded; default 3). */
  maxAuthorizations?: number;
  /** Tells a CORS refusal from a network failure after a request got no answer (see `isCorsRefusal`). */
  isCorsRefusal?: (url: string) => Promise<boolean>;
  /**
   * Bytes one MCP response may hold (a JSON body, or one event of an event stream); undefined for the application's
   * own requests, whose bodies it reads as it sees fit.
   */
  maxMessageBytes?: number | undefined;
  /**
   * Requests to other origins than the MCP server's: sent without the token (`pass-through`, for the MCP transport,
   * which only ever targets the server), or refused with `invalid_option` (`refuse`, for the application's fetch,
   * whose caller expects the request to be authorized).
   */
  otherOrigins?: 'pass-through' | 'refuse' | undefined;
  /**
   * Replace error answers' bodies with their text scrubbed of secrets (for the MCP transport: the SDK quotes them in
   * its errors). Off for the application's own requests, which get the server's answer as it is.
   */
  scrubErrorBodies?: boolean | undefined;
  /** The secrets the client holds: a challenge is quoted scrubbed of them (and of the access token it answers). */
  secrets?: Iterable<string>;
}

const MCP_CORS_NEEDS =
  'answer its CORS preflight with Access-Control-Allow-Origin, allow the request headers Authorization, Content-Type, Mcp-Session-Id and MCP-Protocol-Version (and DPoP, for DPoP-bound tokens), and expose WWW-Authenticate and Mcp-Session-Id (and DPoP-Nonce) with Access-Control-Expose-Headers';

interface ReplayableRequest {
  url: string;
  init: RequestInit;
  replayable: boolean;
}

/** Creates the fetch wrapper. */
export function createAuthedFetch(options: AuthedFetchOptions): FetchLike {
  const { authorizer, mcpUrl } = options;
  const maxAuthorizations = options.maxAuthorizations ?? 3;

  /**
   * The MCP request itself: the body is counted as the SDK reads it, and a failure without an answer that is a CORS
   * refusal says so, and what to change. Redirects are never followed by fetch: a 307 or 308 to the same origin (a
   * server mounted at `/mcp/` answering `/mcp`) is sent again here, method and body unchanged, at most
   * `MAX_SAME_ORIGIN_HOPS` times, since the token may go anywhere on that origin anyway; any other redirect is refused
   * (the token would follow it).
   */
  const send = async (
    url: string,
    init: RequestInit,
    replayable: boolean,
    credential: AccessCredential | undefined,
  ): Promise<Response> => {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      const response = await sendWithCredential(target.href, init, credential);
      const next = sameOriginRehop(response, target);
      if (next === undefined || !replayable || hop === MAX_SAME_ORIGIN_HOPS) {
        refuseRedirect(response, 'connection', 'MCP server', target);
        return options.maxMessageBytes === undefined
          ? response
          : limitMessageSize(response, options.maxMessageBytes, init.body);
      }
      discardBody(response);
      target = next;
    }
  };

  const sendOnce = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await options.fetch(url, { ...init, redirect: 'manual' });
    } catch (error) {
      if (init.signal?.aborted || !(await options.isCorsRefusal?.(url))) throw error;
      throw new McpAuthError({
        code: 'cors_refused',
        step: 'connection',
        message: `the MCP server ${redactUrl(url)} does not allow requests from ${pageOrigin() ?? 'this origin'}: it must ${MCP_CORS_NEEDS}`,
        cause: error,
      });
    }
  };

  /**
   * One request with the credential: `Authorization: Bearer`, or for a DPoP-bound token `Authorization: DPoP` and a
   * fresh proof of its key for this method and URL (RFC 9449 §7), signed by oauth4webapi's handle, which also keeps
   * the nonce the answer carries (`DPoP-Nonce`) for the next proof.
   */
  const sendWithCredential = async (
    url: string,
    init: RequestInit,
    credential: AccessCredential | undefined,
  ): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.delete('authorization');
    headers.delete('dpop');
    if (!credential?.dpop) {
      if (credential) headers.set('authorization', `Bearer ${credential.token}`);
      return sendOnce(url, { ...init, headers });
    }
    try {
      return await protectedResourceRequest(
        credential.token,
        init.method ?? 'GET',
        new URL(url),
        headers,
        (init.body ?? null) as ProtectedResourceRequestBody,
        {
          DPoP: credential.dpop.resourceHandle,
          // Sent by this fetch, with its policy: the request's own signal, no redirect followed.
          [customFetch]: (target, options) => sendOnce(target, { ...init, headers: options.headers }),
          [allowInsecureRequests]: true,
        },
      );
    } catch (error) {
      // A challenge is an answer like any other here: the caller reads it.
      if (error instanceof WWWAuthenticateChallengeError) return error.response;
      throw error;
    }
  };

  return async (input, init) => {
    // Tokens go only to the server they were issued for.
    const target = new URL(input instanceof Request ? input.url : String(input));
    if (target.origin !== mcpUrl.origin) {
      if (options.otherOrigins !== 'refuse') return options.fetch(input, init);
      throw new McpAuthError({
        code: 'invalid_option',
        step: 'connection',
        message: `the MCP server's token is sent only to its origin ${mcpUrl.origin}, not to ${redactUrl(target)}: use the global fetch for other servers`,
      });
    }
    const request = await toReplayable(input, init);

    // Each await below may outlive the caller (the SDK aborts a closed client's requests): a request whose signal
    // fired must neither go out nor start a refresh or authorization, as `fetch` itself would refuse it.
    const signal = request.init.signal ?? undefined;
    let authorizations = 0;
    let refreshed = false;
    let reauthorizedAfter401 = false;
    let nonceRetries = 0;
    for (;;) {
      signal?.throwIfAborted();
      const credential = await authorizer.accessCredential();
      const token = credential?.token;
      signal?.throwIfAborted();
      const response = await send(request.url, request.init, request.replayable, credential);
      const known = [token, ...(options.secrets ?? [])];
      // The SDK quotes an error answer's body in the error it throws: it goes back scrubbed.
      if (!request.replayable || (response.status !== 401 && response.status !== 403))
        return options.scrubErrorBodies ? scrubbedErrorResponse(response, known) : response;

      const header = response.headers.get('www-authenticate');
      const challenge = bearerChallenge(header, known);

      if (response.status === 401) {
        discardBody(response);
        signal?.throwIfAborted();
        // RFC 9449 §9: the server wants its nonce in the proof; the handle kept it from this answer. Asked again at
        // most MAX_NONCE_RETRIES times per request, so a server that keeps refusing ends up in the 401 handling below.
        if (credential?.dpop && isNonceChallenge(header) && nonceRetries < MAX_NONCE_RETRIES) {
          nonceRetries += 1;
          continue;
        }
        if (token && !refreshed) {
          refreshed = true;
          if (await authorizer.refreshAfterUnauthorized(token)) continue;
        }
        if (reauthorizedAfter401 || authorizations >= maxAuthorizations) {
          throw new SessionAuthError({
            step: 'connection',
            code: 'unauthorized',
            status: 401,
            serverError: challenge?.error,
            serverErrorDescription: challenge?.errorDescription,
            message: `the MCP server still answers 401 after a fresh authorization${
              challenge?.error ? ` (${challenge.error})` : ''
            }: the authorization server issues tokens this server does not accept; check the server configuration${
              header === null
                ? ' (the 401 had no readable WWW-Authenticate header: in a browser the server must expose it with Access-Control-Expose-Headers)'
                : ''
            }`,
          });
        }
        reauthorizedAfter401 = true;
        authorizations += 1;
        await authorizer.authorize({
          challenge,
          challengeHeaderMissing: header === null,
          presentedAccessToken: token,
          stepUp: false,
        });
        continue;
      }

      // 403: only insufficient_scope is ours to fix; anything else goes back to the caller as is.
      if (challenge?.error !== 'insufficient_scope')
        return options.scrubErrorBodies ? scrubbedErrorResponse(response, known) : response;
      discardBody(response);
      signal?.throwIfAborted();
      if (authorizations >= maxAuthorizations) {
        throw new SessionAuthError({
          step: 'step-up',
          code: 'insufficient_scope',
          status: 403,
          serverError: challenge.error,
          serverErrorDescription: challenge.errorDescription,
          message: `the MCP server still demands more scope${challenge.scope ? ` ("${quoteServerText(challenge.scope, known)}")` : ''} after ${authorizations} authorizations: the user or the authorization server does not grant it`,
        });
      }
      authorizations += 1;
      await authorizer.authorize({ challenge, presentedAccessToken: token, stepUp: true });
    }
  };
}

/** `use_dpop_nonce` answers one request may get before the ordinary 401 handling takes over. */
const MAX_NONCE_RETRIES = 2;

/** Whether a 401's challenge is a DPoP `use_dpop_nonce` (RFC 9449 §9). */
function isNonceChallenge(header: string | null): boolean {
  return (
    header !== null &&
    parseWwwAuthenticate(header).some(
      (challenge) => challenge.scheme === 'dpop' && challenge.params['error'] === 'use_dpop_nonce',
    )
  );
}

/** Same-origin redirects the MCP endpoint may make before one is refused. */
const MAX_SAME_ORIGIN_HOPS = 3;

/** Where a 307 or 308 to the same origin points (those keep method and body); undefined for anything else. */
function sameOriginRehop(response: Response, from: URL): URL | undefined {
  if (response.status !== 307 && response.status !== 308) return undefined;
  const location = response.headers.get('location');
  if (location === null || !URL.canParse(location, from)) return undefined;
  const next = new URL(location, from);
  return next.origin === from.origin ? next : undefined;
}

/**
 * The response with its body counted as it is read, past the cap `response_too_large`: a JSON body errors with it.
 * An event stream answering a POST ends with a JSON-RPC error for each request the POST carried instead, since the
 * SDK treats a broken event stream as a dropped connection and would leave those requests waiting until they time
 * out.
 */
function limitMessageSize(response: Response, limit: number, requestBody: RequestInit['body']): Response {
  if (!response.body) return response;
  const eventStream = (response.headers.get('content-type') ?? '')
    .toLowerCase()
    .startsWith('text/event-stream');
  const message = `response_too_large: the MCP server sent ${eventStream ? 'an event' : 'a response'} larger than ${limit} bytes, so it was not read (raise maxMcpMessageBytes if this server's messages really are that large)`;
  const tooLarge = new McpAuthError({ code: 'response_too_large', step: 'connection', message });
  const pending = eventStream ? jsonRpcRequestIds(requestBody) : [];
  const overflow = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    if (pending.length === 0) return controller.error(tooLarge);
    // The blank line first ends the event cut short (the SDK drops it as unparsable).
    const errors = pending.map(
      (id) =>
        `data: ${JSON.stringify({ jsonrpc: '2.0', id, error: { code: RESPONSE_TOO_LARGE, message, data: { code: 'response_too_large' } } })}\n\n`,
    );
    controller.enqueue(new TextEncoder().encode(`\n\n${errors.join('')}`));
    controller.terminate();
  };
  return new Response(limitStream(response.body, limit, eventStream ? 'event' : 'body', overflow), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** JSON-RPC error code of a response the client refused to read (implementation-defined server-error range). */
const RESPONSE_TOO_LARGE = -32099;

/** The ids of the JSON-RPC requests in a POST body (none for notifications, responses or other bodies). */
function jsonRpcRequestIds(body: RequestInit['body']): Array<string | number> {
  if (typeof body !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const messages: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  return messages.flatMap((message) => {
    if (typeof message !== 'object' || message === null) return [];
    const { id, method } = message as { id?: unknown; method?: unknown };
    return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? [id] : [];
  });
}

async function toReplayable(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<ReplayableRequest> {
  if (input instanceof Request) {
    const body = input.body ? await input.arrayBuffer() : undefined;
    return {
      url: input.url,
      init: {
        method: input.method,
        headers: input.headers,
        signal: input.signal,
        ...(body !== undefined ? { body } : {}),
        ...init,
      },
      replayable: true,
    };
  }
  const body = init?.body;
  // A stream can be sent once only: such a request is passed through without retries.
  const replayable = !(typeof ReadableStream !== 'undefined' && body instanceof ReadableStream);
  return { url: String(input), init: init ?? {}, replayable };
}
