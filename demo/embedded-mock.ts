/**
 * The static build's server: the mock runs inside the page, behind msw's service worker, so the demo needs no
 * server of its own. A service worker never sees a navigation, so the sign-in cannot be a popup on /authorize here:
 * `approve()` drives the mock's authorization endpoint (and its consent page) from the page instead.
 */
import { setupWorker } from 'msw/browser';
import { http, passthrough } from 'msw';
import type { AuthorizationHandler } from 'mcp-authed-client';
import { createControlApiHandler } from '../mock-server/index.js';
import { approve, createMswHandlers } from '../mock-server/runtimes/msw.js';
import { createDemoMock } from './demo-mock.js';
import { CONTROL_PATH } from './mock-settings.js';

/** Starts the worker with the mock; resolves to the sign-in handler that approves in the page. */
export async function startEmbeddedMock(): Promise<
  AuthorizationHandler & { prepare(): void; release(): void }
> {
  // The page may be hosted under a path: its pre-registered clients and document name the callback found there.
  const mock = createDemoMock(location.origin, new URL('callback.html', location.href).href);
  const controls = createControlApiHandler(mock, CONTROL_PATH);
  const worker = setupWorker(
    http.all(
      `${location.origin}${CONTROL_PATH}/*`,
      async ({ request }) => (await controls(request)) ?? passthrough(),
    ),
    ...createMswHandlers(mock),
  );
  await worker.start({
    serviceWorker: { url: new URL('mockServiceWorker.js', location.href).pathname },
    onUnhandledRequest: 'bypass',
    quiet: true,
  });
  const handler = (authorizationUrl: URL) => approve(mock, authorizationUrl);
  return Object.assign(handler, { prepare: () => undefined, release: () => undefined });
}
