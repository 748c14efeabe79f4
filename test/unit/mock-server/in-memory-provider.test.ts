import { describe, expect, it } from 'vitest';
import {
  InMemoryProvider,
  TokenEndpointError,
  type AuthorizationParams,
  type Clock,
  type ClientInformation,
} from '../../../mock-server/index.js';

const CLIENT: ClientInformation = {
  client_id: 'c1',
  redirect_uris: ['http://localhost:3000/cb'],
  token_endpoint_auth_method: 'none',
  scope: 'read write',
};

const PARAMS: AuthorizationParams = {
  state: 'st',
  scopes: ['read'],
  codeChallenge: 'challenge',
  redirectUri: 'http://localhost:3000/cb',
  redirectUriProvidedExplicitly: true,
  resource: 'http://localhost:8000/mcp',
};

function manualClock(start = 1_900_000_000_000): Clock & { advance(seconds: number): void } {
  let time = start;
  return { now: () => time, advance: (seconds) => (time += seconds * 1000) };
}

async function issue(provider: InMemoryProvider, params = PARAMS) {
  const url = new URL(await provider.authorize(CLIENT, params));
  const code = await provider.loadAuthorizationCode(CLIENT, url.searchParams.get('code') ?? '');
  if (code === undefined) throw new Error('no code');
  return { url, code };
}

describe('InMemoryProvider', () => {
  it('auto-approves with a 300 s code bound to the request', async () => {
    const clock = manualClock();
    const provider = new InMemoryProvider({ clients: [CLIENT], clock });
    const { url, code } = await issue(provider);
    expect(url.searchParams.get('state')).toBe('st');
    expect(code).toStrictEqual({
      code: url.searchParams.get('code'),
      scopes: ['read'],
      expiresAt: clock.now() / 1000 + 300,
      clientId: 'c1',
      codeChallenge: 'challenge',
      redirectUri: 'http://localhost:3000/cb',
      redirectUriProvidedExplicitly: true,
      resource: 'http://localhost:8000/mcp',
    });
  });

  it('grants the registered scopes when none are requested', async () => {
    const provider = new InMemoryProvider({ clients: [CLIENT] });
    const { code } = await issue(provider, { ...PARAMS, scopes: undefined });
    expect(code.scopes).toStrictEqual(['read', 'write']);
  });

  it('issues unguessable, distinct values', async () => {
    const provider = new InMemoryProvider({ clients: [CLIENT] });
    const codes = new Set<string>();
    for (let i = 0; i < 50; i += 1) codes.add((await issue(provider)).code.code);
    expect(codes.size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('codes are single-use', async () => {
    const provider = new InMemoryProvider({ clients: [CLIENT] });
    const { code } = await issue(provider);
    const tokens = await provider.exchangeAuthorizationCode(CLIENT, code);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    expect(await provider.loadAuthorizationCode(CLIENT, code.code)).toBeUndefined();
    await expect(provider.exchangeAuthorizationCode(CLIENT, code)).rejects.toThrow(TokenEndpointError);
  });

  it('access tokens expire after 3600 s on the injected clock; refresh tokens carry their expiry', async () => {
    const clock = manualClock();
    const provider = new InMemoryProvider({ clients: [CLIENT], clock, refreshTokenSeconds: 100 });
    const tokens = await provider.exchangeAuthorizationCode(CLIENT, (await issue(provider)).code);
    const refresh = await provider.loadRefreshToken(CLIENT, tokens.refresh_token ?? '');
    expect(refresh?.expiresAt).toBe(clock.now() / 1000 + 100);
    const access = await provider.loadAccessToken(tokens.access_token);
    expect(access).toStrictEqual({
      token: tokens.access_token,
      clientId: 'c1',
      scopes: ['read'],
      expiresAt: clock.now() / 1000 + 3600,
      resource: 'http://localhost:8000/mcp',
      subject: 'mock-user',
    });
    clock.advance(3600);
    expect(await provider.loadAccessToken(tokens.access_token)).toBeDefined();
    clock.advance(1);
    expect(await provider.loadAccessToken(tokens.access_token)).toBeUndefined();
  });

  it('refresh rotates: the old refresh token stops working, the old access token lives on', async () => {
    const provider = new InMemoryProvider({ clients: [CLIENT] });
    const first = await provider.exchangeAuthorizationCode(CLIENT, (await issue(provider)).code);
    const oldRefresh = await provider.loadRefreshToken(CLIENT, first.refresh_token ?? '');
    if (oldRefresh === undefined) throw new Error('no refresh token');
    const second = await provider.exchangeRefreshToken(CLIENT, oldRefresh, ['read']);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(await provider.loadRefreshToken(CLIENT, first.refresh_token ?? '')).toBeUndefined();
    await expect(provider.exchangeRefreshToken(CLIENT, oldRefresh, ['read'])).rejects.toThrow(
      TokenEndpointError,
    );
    expect(await provider.loadAccessToken(first.access_token)).toBeDefined();
    expect(await provider.loadAccessToken(second.access_token)).toBeDefined();
  });

  it('revoking either token of a pair revokes both, and only that pair', async () => {
    const provider = new InMemoryProvider({ clients: [CLIENT] });
    const a = await provider.exchangeAuthorizationCode(CLIENT, (await issue(provider)).code);
    const b = await provider.exchangeAuthorizationCode(CLIENT, (await issue(provider)).code);
    const aAccess = await provider.loadAccessToken(a.access_token);
    if (aAccess === undefined) throw new Error('no access token');
    await provider.revokeToken(aAccess);
    expect(await provider.loadAccessToken(a.access_token)).toBeUndefined();
    expect(await provider.loadRefreshToken(CLIENT, a.refresh_token ?? '')).toBeUndefined();
    const bRefresh = await provider.loadRefreshToken(CLIENT, b.refresh_token ?? '');
    if (bRefresh === undefined) throw new Error('no refresh token');
    await provider.revokeToken(bRefresh);
    expect(await provider.loadAccessToken(b.access_token)).toBeUndefined();
    expect(await provider.loadRefreshToken(CLIENT, b.refresh_token ?? '')).toBeUndefined();
  });

  it('consent mode holds the request until a decision, with a per-request anti-forgery value', async () => {
    const clock = manualClock();
    const provider = new InMemoryProvider({
      clients: [CLIENT],
      clock,
      approval: 'consent',
      consentPageUrl: 'http://localhost:8000/consent',
    });
    const page = new URL(await provider.authorize(CLIENT, PARAMS));
    expect(`${page.origin}${page.pathname}`).toBe('http://localhost:8000/consent');
    const requestId = page.searchParams.get('request') ?? '';
    const pending = await provider.loadPendingAuthorization(requestId);
    expect(pending?.antiForgeryToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pending?.antiForgeryToken).not.toBe(requestId);
    const denied = new URL((await provider.completePendingAuthorization(requestId, 'deny')) ?? '');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(await provider.completePendingAuthorization(requestId, 'approve')).toBeUndefined();
  });

  it('rejects consent mode without a page URL', () => {
    expect(() => new InMemoryProvider({ approval: 'consent' })).toThrow(TypeError);
  });

  it('returns copies: callers cannot change stored state', async () => {
    const provider = new InMemoryProvider({ clients: [CLIENT] });
    const client = await provider.getClient('c1');
    client?.redirect_uris.push('http://evil.example/');
    expect((await provider.getClient('c1'))?.redirect_uris).toStrictEqual(['http://localhost:3000/cb']);
  });
});
