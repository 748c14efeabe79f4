/**
 * A web app's view of the installed package (`moduleResolution: bundler`, the DOM lib, `skipLibCheck: false`,
 * `exactOptionalPropertyTypes`; see pack.test.ts): the browser options take the DOM's own types, and every option
 * given as `undefined` type-checks. Compiled only, never run.
 */
import {
  completeAuthorization,
  createAuthedMcpClient,
  indexedDbStorage,
  popupAuthorize,
  redirectAuthorize,
  webLocks,
  webStorage,
  type CompleteAuthorizationOptions,
} from 'mcp-authed-client';
import { createMockAuthServer } from 'mcp-authed-client/mock-server';
import { createMswHandlers } from 'mcp-authed-client/msw';
import { mockAuthServerPlugin } from 'mcp-authed-client/vite';

export const popup = popupAuthorize({
  fallback: undefined,
  width: undefined,
  height: undefined,
  connectingText: undefined,
  openNow: undefined,
  returnTo: undefined,
  closedPollMs: undefined,
  closeDetection: undefined,
  window,
});
export const redirect = redirectAuthorize({ returnTo: undefined, window: undefined });
export const storages = [
  webStorage(sessionStorage, { refreshTokens: undefined, events: window }),
  indexedDbStorage({
    databaseName: undefined,
    storeName: undefined,
    factory: indexedDB,
    refreshTokens: undefined,
  }),
];
const callbackOptions: CompleteAuthorizationOptions = {
  storage: webStorage(sessionStorage),
  credentials: undefined,
  fetch: undefined,
  timeoutMs: undefined,
  maxAgeMs: undefined,
  signal: undefined,
  onEvent: undefined,
  window: undefined,
};
export const completed = completeAuthorization(location.href, callbackOptions);
export const connecting = createAuthedMcpClient('https://mcp.example.com/mcp', {
  authorize: popup,
  locks: webLocks(navigator.locks),
});

const mock = createMockAuthServer({ issuerUrl: 'http://localhost:8000', approval: undefined });
export const handlers = createMswHandlers(mock);
export const plugin = mockAuthServerPlugin({ issuerUrl: undefined }, { controlPath: undefined });

export function wrongCalls(): void {
  // @ts-expect-error a popup is opened from a window, not a string
  popupAuthorize({ window: 'main' });
}
