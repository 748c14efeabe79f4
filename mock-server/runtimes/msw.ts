/**
 * msw (v2) request handlers that answer the mock's requests in-process, with `setupServer` (Node) or `setupWorker`
 * (browser):
 *
 * @example
 * const mock = createMockAuthServer({ issuerUrl: 'http://auth.test', clients: [...] });
 * const server = setupServer(...createMswHandlers(mock));
 *
 * In the browser (`setupWorker`) the service worker answers `fetch` but never a navigation, so a redirect to
 * `/authorize` cannot reach the mock: call {@link approve} with the authorization URL instead, and hand the callback
 * URL it returns to the client as if the browser had landed there.
 */
import { http } from 'msw';
import type { RequestHandler } from 'msw';
import { servedByMock, type MockAuthServerLike } from '../mock-routes.js';

export type { MockAuthServerLike } from '../mock-routes.js';
export { approve, ApproveError, type ApproveOptions } from '../controls/approve.js';
export type { ConsentDecision } from '../provider/types.js';

/** Options of {@link createMswHandlers}. */
export interface MswHandlerOptions {
  /**
   * Origins (or URLs: only their origin counts) to answer for. Default: the mock's issuer and resource origins.
   */
  origins?: readonly string[] | undefined;
}

/**
 * One `http.all` handler that passes requests for the mock's routes on its origins to `mock.fetch`. Anything else
 * (other origins, or other paths on a shared origin, such as an app's own files) is left to the next handler or the
 * network, so a page can share its origin with the mock.
 */
export function createMswHandlers(
  mock: MockAuthServerLike,
  options: MswHandlerOptions = {},
): RequestHandler[] {
  const fixedOrigins = options.origins
    ? new Set(options.origins.map((url) => new URL(url).origin))
    : undefined;
  const handler = http.all(
    ({ request }) => {
      // Read per request: `mock.control.reconfigure` can switch routes (and the issuer) at run time.
      return servedByMock(mock, new URL(request.url), fixedOrigins);
    },
    ({ request }) => mock.fetch(request),
  );
  return [handler];
}
