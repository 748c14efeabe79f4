/**
 * The static build's server: the mock runs inside the page, behind msw's service worker, so the demo needs no
 * server of its own. A service worker never sees a navigation, so the sign-in cannot be a popup on /authorize here:
 * `approve()` drives the mock's authorization endpoint (and its consent page) from the page instead.
 */
import { setupWorker } from 'msw/browser';
import { http, passthrough } from 'msw';
import type { AuthorizationHandler } from 'mcp-authed-client';
import { createControlApiHandler, createMockAuthServer } from '../mock-server/index.js';
import { approve, createMswHandlers } from '../mock-server/runtimes/msw.js';
import { CONTROL_PATH, demoMockSettings } from './mock-settings.js';

/** Starts the worker with the mock; resolves to the sign-in handler that approves in the page. */
export async function startEmbeddedMock(): Promise<
  AuthorizationHandler & { prepare(): void; release(): void }
> {
  const mock = createMockAuthServer(demoMockSettings(location.origin));
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
