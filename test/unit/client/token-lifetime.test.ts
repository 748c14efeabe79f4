import { describe, expect, it } from 'vitest';
import { AuthStateStore } from '../../../src/storage/auth-state.js';
import { memoryStorage } from '../../../src/storage/storage.js';
import {
  MAX_TOKEN_LIFETIME_SECONDS,
  tokenLifetimeSeconds,
  withUsableLifetime,
} from '../../../src/tokens/token-lifetime.js';
import { isExpiring, tokenSetFromResponse, withUsableTimes } from '../../../src/tokens/token-set.js';

const YEAR_MS = MAX_TOKEN_LIFETIME_SECONDS * 1000;

describe('tokenLifetimeSeconds', () => {
  it.each([
    [3600, 3600],
    [0.5, 0.5],
    [1e308, MAX_TOKEN_LIFETIME_SECONDS],
    [MAX_TOKEN_LIFETIME_SECONDS + 1, MAX_TOKEN_LIFETIME_SECONDS],
    ['3600', 3600],
    [' 90.5 ', 90.5],
  ])('reads %j as %j seconds', (stated, seconds) => {
    expect(tokenLifetimeSeconds(stated)).toBe(seconds);
  });

  it.each([
    0,
    -1,
    -1e308,
    NaN,
    Infinity,
    -Infinity,
    null,
    undefined,
    '',
    'NaN',
    'Infinity',
    '1e3',
    '-5',
    '3600abc',
    '0',
    true,
    {},
    [],
  ])('reads %j as no lifetime', (stated) => {
    expect(tokenLifetimeSeconds(stated)).toBeUndefined();
  });
});

describe('tokenSetFromResponse with absurd lifetimes', () => {
  const base = { access_token: 'at', token_type: 'bearer' } as const;

  it('caps a huge lifetime at a year, so the expiry stays a finite number that JSON can store', () => {
    const tokens = tokenSetFromResponse({ ...base, expires_in: 1e308 }, 1_000, []);
    expect(tokens.expiresAt).toBe(1_000 + YEAR_MS);
    expect(JSON.parse(JSON.stringify(tokens))).toEqual(tokens);
  });

  it('keeps fractions of a second as whole milliseconds', () => {
    expect(tokenSetFromResponse({ ...base, expires_in: 1.2345 }, 0, []).expiresAt).toBe(1235);
  });

  it('treats zero and negative lifetimes as unknown: the token is used until the server refuses it', () => {
    for (const expiresIn of [0, -30]) {
      const tokens = tokenSetFromResponse({ ...base, expires_in: expiresIn }, 1_000, []);
      expect(tokens.expiresAt).toBeUndefined();
      expect(tokens.issuedAt).toBeUndefined();
      expect(isExpiring(tokens, 1_000, 60_000)).toBe(false);
    }
  });
});

async function rewritten(body: string, status = 200): Promise<unknown> {
  const response = await withUsableLifetime(
    new Response(body, { status, headers: { 'content-type': 'application/json', 'content-length': '1' } }),
  );
  return JSON.parse(await response.text()) as unknown;
}

describe('withUsableLifetime', () => {
  it('rewrites what oauth4webapi would refuse or misread, and keeps the rest of the body', async () => {
    expect(await rewritten('{"access_token":"at","expires_in":-5,"scope":"a"}')).toEqual({
      access_token: 'at',
      scope: 'a',
    });
    expect(await rewritten('{"access_token":"at","expires_in":1e400}')).toEqual({ access_token: 'at' });
    expect(await rewritten('{"access_token":"at","expires_in":"abc"}')).toEqual({ access_token: 'at' });
    expect(await rewritten('{"access_token":"at","expires_in":null}')).toEqual({ access_token: 'at' });
    expect(await rewritten('{"access_token":"at","expires_in":"60"}')).toEqual({
      access_token: 'at',
      expires_in: 60,
    });
    expect(await rewritten('{"access_token":"at","expires_in":1e308}')).toEqual({
      access_token: 'at',
      expires_in: MAX_TOKEN_LIFETIME_SECONDS,
    });
  });

  it('passes usable bodies, error answers and non-JSON through untouched', async () => {
    const usable = new Response('{"expires_in":60}', { status: 200 });
    expect(await withUsableLifetime(usable)).toBe(usable);
    const refused = new Response('{"error":"invalid_grant","expires_in":-1}', { status: 400 });
    expect(await withUsableLifetime(refused)).toBe(refused);
    const broken = new Response('{"expires_in":', { status: 200 });
    expect(await withUsableLifetime(broken)).toBe(broken);
  });

  it('drops the stale Content-Length of a rewritten body and keeps the other headers', async () => {
    const response = await withUsableLifetime(
      new Response('{"expires_in":-1}', {
        status: 200,
        headers: { 'content-type': 'application/json', 'content-length': '17' },
      }),
    );
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('content-type')).toBe('application/json');
  });
});

describe('reading stored expiry', () => {
  it('drops unusable times instead of the grant', () => {
    const tokens = { accessToken: 'at', scopes: [] };
    expect(withUsableTimes({ ...tokens, expiresAt: null, issuedAt: 5 })).toEqual(tokens);
    expect(withUsableTimes({ ...tokens, expiresAt: '9', issuedAt: 5 })).toEqual(tokens);
    expect(withUsableTimes({ ...tokens, expiresAt: 10, issuedAt: 20 })).toEqual({ ...tokens, expiresAt: 10 });
    expect(withUsableTimes({ ...tokens, expiresAt: 10, issuedAt: 5 })).toEqual({
      ...tokens,
      expiresAt: 10,
      issuedAt: 5,
    });
  });

  it('keeps a grant whose expiry an older version stored as null (an infinite expiry in JSON)', async () => {
    const storage = memoryStorage();
    const grant = {
      issuer: 'https://as.example',
      clientId: 'c',
      resource: 'https://mcp.example/mcp',
      requestedScopes: [],
      tokens: { accessToken: 'at-1', refreshToken: 'rt-1', scopes: [], expiresAt: null, issuedAt: 1 },
    };
    await storage.set('mcp-authed-client/v1/grant/https://mcp.example/mcp', JSON.stringify(grant));
    const loaded = await new AuthStateStore(storage).loadGrant('https://mcp.example/mcp');
    expect(loaded?.tokens).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1', scopes: [] });
  });
});
