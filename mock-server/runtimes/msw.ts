/**
 * msw (v2) request handlers that answer the mock's requests in-process, with `setupServer` (Node) or `setupWorker`
 * (browser):
 *
 * @example
 * const mock = createMockAuthServer({ issuerUrl: 'http://auth.test', clients: [...] });
 * const server = setupServer(...createMswHandlers(mock));
 */
import { http } from 'msw';
import type { RequestHandler } from 'msw';
import { mockOrigins, mockRoutePaths } from './mock-routes.js';
import type { MockAuthServerLike } from './mock-routes.js';

export type { MockAuthServerLike } from './mock-routes.js';

export interface MswHandlerOptions {
  /**
   * Origins (or URLs: only their origin counts) to answer for. Default: the mock's issuer and resource origins.
   */
  origins?: readonly string[];
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
  const origins = options.origins
    ? new Set(options.origins.map((url) => new URL(url).origin))
    : mockOrigins(mock);
  const paths = mockRoutePaths(mock);
  const handler = http.all(
    ({ request }) => {
      const url = new URL(request.url);
      return origins.has(url.origin) && paths.has(url.pathname);
    },
    ({ request }) => mock.fetch(request),
  );
  return [handler];
}
