/**
 * Which requests belong to the mock: for runtimes that share an origin or a process with other handlers (Vite's dev
 * server, msw) and for `approve`, which follows redirects only while they stay within the mock. Derived from the
 * mock's own route table, so it follows the settings that switch routes on.
 */
import { slashTwin } from './routes/router.js';

/**
 * The part of a mock that `approve`, the msw handlers and the Vite plugin use: its fetch handler, its URLs
 * and its route paths. Any `MockAuthServer` is one; the fields are read on every request, so a mock reconfigured at
 * run time is followed.
 */
export interface MockAuthServerLike {
  /** Answers one request, as `MockAuthServer.fetch`. */
  fetch(request: Request): Promise<Response>;
  /** The settings in force; only the two URLs that decide which origins the mock serves are read. */
  readonly settings: {
    /** The issuer URL (its origin is served). */
    readonly issuerUrl: string;
    /** The protected MCP endpoint's URL (its origin is served, and its path is a route). */
    readonly resourceServerUrl: string;
  };
  /** The routes in force; only their paths are read, to tell the mock's requests from everyone else's. */
  readonly routes: ReadonlyArray<{ readonly path: string }>;
}

/**
 * Paths the mock answers: its routes (the MCP endpoint, at the resource's path, among them; routes added with
 * `extraRoutes` too) and the trailing-slash twins it redirects (307).
 */
export function mockRoutePaths(mock: Pick<MockAuthServerLike, 'settings' | 'routes'>): ReadonlySet<string> {
  const paths = new Set<string>();
  for (const path of [
    ...mock.routes.map((route) => route.path),
    new URL(mock.settings.resourceServerUrl).pathname,
  ]) {
    paths.add(path);
    const twin = slashTwin(path);
    if (twin !== undefined) paths.add(twin);
  }
  return paths;
}

/** Origins the mock serves: the issuer's and the protected resource's. */
export function mockOrigins(mock: Pick<MockAuthServerLike, 'settings'>): ReadonlySet<string> {
  return new Set([new URL(mock.settings.issuerUrl).origin, new URL(mock.settings.resourceServerUrl).origin]);
}

/** True when `url` is one of the mock's routes on one of `origins` (default: the mock's own). */
export function servedByMock(
  mock: Pick<MockAuthServerLike, 'settings' | 'routes'>,
  url: URL,
  origins: ReadonlySet<string> = mockOrigins(mock),
): boolean {
  return origins.has(url.origin) && mockRoutePaths(mock).has(url.pathname);
}
