/** Expiries over the real routes, with an injected clock (in-process only: time is moved, never waited for). */
import { describe, expect, it } from 'vitest';
import { createMockAuthServer, type Clock, type MockAuthServerSettings } from '../../../mock-server/index.js';
import {
  CALLBACK,
  POST_CLIENT,
  PUBLIC_CLIENT,
  expectJsonError,
  obtainCode,
  obtainTokens,
  postForm,
  refresh,
  type CaseContext,
} from './helpers.js';

const BASE_URL = 'http://localhost:8000';

class ManualClock implements Clock {
  constructor(private time = Date.UTC(2030, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(seconds: number): void {
    this.time += seconds * 1000;
  }
}

function setup(settings: Partial<MockAuthServerSettings> = {}) {
  const clock = new ManualClock();
  const mock = createMockAuthServer(
    { issuerUrl: BASE_URL, clients: [PUBLIC_CLIENT, POST_CLIENT], ...settings },
    { clock },
  );
  const t: CaseContext = {
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      mock.fetch(new Request(input, init))) as typeof fetch,
    baseUrl: BASE_URL,
  };
  return { clock, mock, t };
}

function exchange(t: CaseContext, code: string, verifier: string): Promise<Response> {
  return postForm(t, '/token', {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: CALLBACK,
    client_id: PUBLIC_CLIENT.client_id,
  });
}

describe('mock auth server expiries (injected clock)', () => {
  it('codes live 300 s', async () => {
    const { clock, t } = setup();
    const fresh = await obtainCode(t, PUBLIC_CLIENT);
    clock.advance(300);
    expect((await exchange(t, fresh.code, fresh.verifier)).status).toBe(200);
    const stale = await obtainCode(t, PUBLIC_CLIENT);
    clock.advance(301);
    await expectJsonError(await exchange(t, stale.code, stale.verifier), 400, {
      error: 'invalid_grant',
      error_description: 'authorization code has expired',
    });
  });

  it('access tokens last 3600 s and refresh tokens their configured lifetime', async () => {
    const { clock, mock, t } = setup({ tokenLifetimes: { refreshTokenSeconds: 7200 } });
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect(tokens.expires_in).toBe(3600);
    clock.advance(3600);
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeDefined();
    clock.advance(1);
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeUndefined();
    clock.advance(3600);
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, tokens.refresh_token), 400, {
      error: 'invalid_grant',
      error_description: 'refresh token has expired',
    });
  });

  it('refresh tokens never expire when configured with null', async () => {
    const { clock, t } = setup({ tokenLifetimes: { refreshTokenSeconds: null } });
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    clock.advance(10 * 365 * 24 * 3600);
    expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(200);
  });

  it('registered secrets expire after client_secret_expiry_seconds, and issued_at follows the clock', async () => {
    const { clock, t } = setup({
      clientRegistrationOptions: { enabled: true, clientSecretExpirySeconds: 60 },
    });
    const response = await t.fetch(`${BASE_URL}/register`, {
      method: 'POST',
      body: JSON.stringify({ redirect_uris: [CALLBACK] }),
    });
    const client = (await response.json()) as {
      client_id: string;
      client_secret: string;
      client_id_issued_at: number;
      client_secret_expires_at: number;
    };
    expect(client.client_id_issued_at).toBe(Date.UTC(2030, 0, 1) / 1000);
    expect(client.client_secret_expires_at).toBe(client.client_id_issued_at + 60);
    const attempt = () =>
      postForm(t, '/token', {
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: client.client_id,
        client_secret: client.client_secret,
      });
    clock.advance(60);
    expect((await attempt()).status).toBe(400);
    clock.advance(1);
    await expectJsonError(await attempt(), 401, {
      error: 'unauthorized_client',
      error_description: 'Client secret has expired',
    });
  });

  it('consent pages expire', async () => {
    const { clock, t } = setup({ approval: 'consent', tokenLifetimes: { consentSeconds: 30 } });
    const response = await t.fetch(
      `${BASE_URL}/authorize?client_id=${PUBLIC_CLIENT.client_id}&response_type=code&code_challenge=abc`,
      { redirect: 'manual' },
    );
    const consentUrl = response.headers.get('location') ?? '';
    expect((await t.fetch(consentUrl)).status).toBe(200);
    clock.advance(31);
    expect((await t.fetch(consentUrl)).status).toBe(400);
  });
});
