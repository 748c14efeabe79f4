/**
 * The fetch given to the MCP transport: attaches the access token to requests for the MCP server's origin,
 * and handles 401 (refresh, else one re-authorization) and 403 insufficient_scope (step-up), with at most
 * `maxAuthorizations` authorizations per request. The SDK transport gets no authProvider: it only ever sees
 * the final response.
 */
import { bearerChallenge } from '../discovery/www-authenticate.js';
import { McpAuthError, SessionAuthError } from '../errors.js';
import { redactUrl } from '../events.js';
import { pageOrigin } from '../http.js';
import type { FetchLike } from '../http.js';
import type { Authorizer } from './authorizer.js';

/** Options of the authed fetch. */
export interface AuthedFetchOptions {
  authorizer: Authorizer;
  fetch: FetchLike;
  mcpUrl: URL;
  /** Authorization attempts allowed for one request (spec: bounded; default 3). */
  maxAuthorizations?: number;
  /** Tells a CORS refusal from a network failure after a request got no answer (see `isCorsRefusal`). */
  isCorsRefusal?: (url: string) => Promise<boolean>;
}

const MCP_CORS_NEEDS =
  'answer its CORS preflight with Access-Control-Allow-Origin, allow the request headers Authorization, Content-Type, Mcp-Session-Id and MCP-Protocol-Version, and expose WWW-Authenticate and Mcp-Session-Id with Access-Control-Expose-Headers';

interface ReplayableRequest {
  url: string;
  init: RequestInit;
  replayable: boolean;
}

/** Creates the fetch wrapper. */
export function createAuthedFetch(options: AuthedFetchOptions): FetchLike {
  const { authorizer, mcpUrl } = options;
  const maxAuthorizations = options.maxAuthorizations ?? 3;

  /** The MCP request itself; a failure without an answer that is a CORS refusal says so, and what to change. */
  const send = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await options.fetch(url, init);
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

  return async (input, init) => {
    // Tokens go only to the server they were issued for.
    const target = new URL(input instanceof Request ? input.url : String(input));
    if (target.origin !== mcpUrl.origin) return options.fetch(input, init);
    const request = await toReplayable(input, init);

    // Each await below may outlive the caller (the SDK aborts a closed client's requests): a request whose signal
    // fired must neither go out nor start a refresh or authorization, as `fetch` itself would refuse it.
    const signal = request.init.signal ?? undefined;
    let authorizations = 0;
    let refreshed = false;
    let reauthorizedAfter401 = false;
    for (;;) {
      signal?.throwIfAborted();
      const token = await authorizer.accessToken();
      signal?.throwIfAborted();
      const headers = new Headers(request.init.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      else headers.delete('authorization');
      const response = await send(request.url, { ...request.init, headers });
      if (!request.replayable || (response.status !== 401 && response.status !== 403)) return response;

      const header = response.headers.get('www-authenticate');
      const challenge = bearerChallenge(header);

      if (response.status === 401) {
        await response.body?.cancel().catch(() => undefined);
        signal?.throwIfAborted();
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
      if (challenge?.error !== 'insufficient_scope') return response;
      await response.body?.cancel().catch(() => undefined);
      signal?.throwIfAborted();
      if (authorizations >= maxAuthorizations) {
        throw new SessionAuthError({
          step: 'step-up',
          code: 'insufficient_scope',
          status: 403,
          serverError: challenge.error,
          serverErrorDescription: challenge.errorDescription,
          message: `the MCP server still demands more scope${challenge.scope ? ` ("${challenge.scope}")` : ''} after ${authorizations} authorizations: the user or the authorization server does not grant it`,
        });
      }
      authorizations += 1;
      await authorizer.authorize({ challenge, presentedAccessToken: token, stepUp: true });
    }
  };
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
