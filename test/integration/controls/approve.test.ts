/** `approve()`: the authorization request run through the mock without a browser, in process and under msw. */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApproveError, approve, createMswHandlers } from '../../../mock-server/runtimes/msw.js';
import { createMockAuthServer } from '../../../mock-server/index.js';
import { CALLBACK, PUBLIC_CLIENT, pkcePair } from '../mock-server/helpers.js';
import { BASE_URL, inProcess } from './support.js';

async function authorizationUrl(
  extra: Record<string, string> = {},
  base = BASE_URL,
): Promise<{ url: string; verifier: string }> {
  const { verifier, challenge } = await pkcePair();
  const query = new URLSearchParams({
    client_id: PUBLIC_CLIENT.client_id,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    redirect_uri: CALLBACK,
    state: 'st',
    ...extra,
  });
  return { url: `${base}/authorize?${query.toString()}`, verifier };
}

describe('approve (in process)', () => {
  it('returns the callback URL with a code that exchanges for tokens', async () => {
    const { mock, t } = inProcess();
    const { url, verifier } = await authorizationUrl();
    const callback = new URL(await approve(mock, url));
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('st');
    const token = await t.fetch(`${BASE_URL}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        code_verifier: verifier,
        redirect_uri: CALLBACK,
        client_id: PUBLIC_CLIENT.client_id,
      }),
    });
    expect(token.status).toBe(200);
  });

  it('goes through the consent page: approve by default, deny on request', async () => {
    const { mock } = inProcess({ approval: 'consent' });
    const approved = new URL(await approve(mock, (await authorizationUrl()).url));
    expect(approved.searchParams.get('code')).toBeTruthy();
    expect(mock.control.requests().map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
      'GET /authorize 302',
      'GET /consent 200',
      'POST /consent 302',
    ]);
    const denied = new URL(await approve(mock, (await authorizationUrl()).url, { decision: 'deny' }));
    expect(Object.fromEntries(denied.searchParams)).toStrictEqual({
      error: 'access_denied',
      error_description: 'The user denied the authorization request',
      state: 'st',
    });
  });

  it('hands back error redirects as the browser would land on them', async () => {
    const { mock } = inProcess();
    const callback = new URL(await approve(mock, (await authorizationUrl({ scope: 'admin' })).url));
    expect(callback.searchParams.get('error')).toBe('invalid_scope');
  });

  it('throws ApproveError with the OAuth error when the mock answers without a redirect', async () => {
    const { mock } = inProcess();
    const attempt = approve(mock, (await authorizationUrl({ client_id: 'nobody' })).url);
    await expect(attempt).rejects.toBeInstanceOf(ApproveError);
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      error: 'invalid_request',
      errorDescription: "Client ID 'nobody' not found",
    });
  });

  it('throws ApproveError (not a bare TypeError) for a URL that is not absolute, without asking the mock', async () => {
    const { mock } = inProcess();
    mock.control.clearRequests();
    for (const url of ['not a url', '/authorize?client_id=x', '']) {
      const attempt = approve(mock, url);
      await expect(attempt).rejects.toBeInstanceOf(ApproveError);
      await expect(attempt).rejects.toMatchObject({
        message: 'approve: the authorization URL is not an absolute URL',
        status: 0,
      });
    }
    expect(mock.control.requests()).toStrictEqual([]);
  });

  it('reports an injected non-redirect answer too', async () => {
    const { mock } = inProcess();
    mock.control.failNext('authorize', { status: 503, error: 'temporarily_unavailable' });
    await expect(approve(mock, (await authorizationUrl()).url)).rejects.toThrow(
      /\/authorize answered 503 instead of redirecting to the client: temporarily_unavailable/,
    );
  });
});

describe('approve and routes under msw (setupServer)', () => {
  const ISSUER = 'https://auth.test';
  const mock = createMockAuthServer({
    issuerUrl: ISSUER,
    clients: [PUBLIC_CLIENT],
    approval: 'consent',
  });
  const server = setupServer(...createMswHandlers(mock));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('approves while the page’s own fetches go through msw', async () => {
    const discovery = await fetch(`${ISSUER}/.well-known/oauth-authorization-server`);
    const { authorization_endpoint: endpoint } = (await discovery.json()) as {
      authorization_endpoint: string;
    };
    const { url } = await authorizationUrl({}, ISSUER);
    expect(url.startsWith(endpoint)).toBe(true);
    const callback = new URL(await approve(mock, url));
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('intercepts routes switched on at run time', async () => {
    mock.control.reconfigure({ clientRegistrationOptions: { enabled: true } });
    const response = await fetch(`${ISSUER}/register`, {
      method: 'POST',
      body: JSON.stringify({ redirect_uris: [CALLBACK] }),
    });
    expect(response.status).toBe(201);
  });
});
