/**
 * Which requests belong to the mock, for runtimes that share an origin or a process with other handlers (Vite's
 * dev server, msw). Derived from the mock's own route table, so it follows the settings that switch routes on.
 */
import type { MockAuthServer } from '../index.js';

/** The mock as the runtimes need it: its fetch handler and its resolved settings. */
export type MockAuthServerLike = Pick<MockAuthServer, 'fetch' | 'settings' | 'routes'>;

/**
 * Paths the mock answers: its authorization-server routes, the MCP endpoint (the resource's path) and the
 * trailing-slash twins it redirects (307).
 */
export function mockRoutePaths(mock: Pick<MockAuthServer, 'settings' | 'routes'>): ReadonlySet<string> {
  // The mock's own table, so routes added with `extraRoutes` are served too.
  const paths = mock.routes.map((route) => route.path);
  paths.push(new URL(mock.settings.resourceServerUrl).pathname);
  const withTwins = new Set<string>();
  for (const path of paths) {
    withTwins.add(path);
    if (path !== '/') withTwins.add(path.endsWith('/') ? path.replace(/\/+$/, '') : `${path}/`);
  }
  return withTwins;
}

/** Origins the mock serves: the issuer's and the protected resource's. */
export function mockOrigins(mock: Pick<MockAuthServer, 'settings'>): ReadonlySet<string> {
  return new Set([new URL(mock.settings.issuerUrl).origin, new URL(mock.settings.resourceServerUrl).origin]);
}
