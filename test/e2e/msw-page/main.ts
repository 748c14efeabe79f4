/**
 * A page that runs the whole mock in the browser behind msw's service worker, then does what an app would: discovery
 * by fetch, authorization through `approve()` (the worker never sees navigations), and the code exchange by fetch.
 * The test reads `window.flowResult`.
 */
import { setupWorker } from 'msw/browser';
import { createMockAuthServer } from '../../../mock-server/index.js';
import { approve, createMswHandlers } from '../../../mock-server/runtimes/msw.js';

export interface FlowResult {
  readonly controlled: boolean;
  readonly issuer: unknown;
  readonly callbackOrigin: string;
  readonly state: string | null;
  readonly hasCode: boolean;
  readonly tokenStatus: number;
  readonly tokenType: unknown;
  readonly hasAccessToken: boolean;
  readonly injectedStatus: number;
  readonly injectedBody: unknown;
  readonly log: readonly string[];
}

declare global {
  interface Window {
    flowResult?: FlowResult | { error: string };
  }
}

const ISSUER = 'https://auth.test';
const CALLBACK = `${location.origin}/callback`;
const CLIENT_ID = 'browser-app';

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

async function run(): Promise<FlowResult> {
  const mock = createMockAuthServer({
    issuerUrl: ISSUER,
    clients: [
      { client_id: CLIENT_ID, redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none', scope: 'read' },
    ],
  });
  const worker = setupWorker(...createMswHandlers(mock));
  await worker.start({
    serviceWorker: { url: '/mockServiceWorker.js' },
    onUnhandledRequest: 'bypass',
    quiet: true,
  });

  const discovery = await fetch(`${ISSUER}/.well-known/oauth-authorization-server`);
  const metadata = (await discovery.json()) as Record<string, unknown>;

  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const authorizationUrl = new URL(String(metadata['authorization_endpoint']));
  authorizationUrl.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    redirect_uri: CALLBACK,
    state: 'browser-state',
    scope: 'read',
  }).toString();
  const callback = new URL(await approve(mock, authorizationUrl));
  const code = callback.searchParams.get('code');

  const exchange = (): Promise<Response> =>
    fetch(String(metadata['token_endpoint']), {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code ?? '',
        code_verifier: verifier,
        redirect_uri: CALLBACK,
        client_id: CLIENT_ID,
      }),
    });
  mock.control.failNext('token', { status: 503, error: 'temporarily_unavailable' });
  const injected = await exchange();
  const token = await exchange();
  const tokenBody = (await token.json()) as Record<string, unknown>;

  return {
    controlled: navigator.serviceWorker.controller !== null,
    issuer: metadata['issuer'],
    callbackOrigin: `${callback.origin}${callback.pathname}`,
    state: callback.searchParams.get('state'),
    hasCode: code !== null && code !== '',
    tokenStatus: token.status,
    tokenType: tokenBody['token_type'],
    hasAccessToken: typeof tokenBody['access_token'] === 'string',
    injectedStatus: injected.status,
    injectedBody: await injected.json(),
    log: mock.control.requests().map((entry) => `${entry.method} ${entry.path} ${String(entry.status)}`),
  };
}

run().then(
  (result) => {
    window.flowResult = result;
    const status = document.getElementById('status');
    if (status !== null) status.textContent = 'done';
  },
  (error: unknown) => {
    window.flowResult = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  },
);
