/**
 * The mock's state is bounded (`stateLimits`): registered clients, codes, consent requests and tokens are capped and
 * expired ones are swept as new ones arrive, while what a client sees in normal operation stays FastMCP's. Counts are
 * read from `InMemoryProvider.stats()`; every request goes through `mock.fetch`.
 */
import { describe, expect, it } from 'vitest';
import {
  createManualClock,
  createMockAuthServer,
  InMemoryProvider,
  type InMemoryProviderStats,
  type MockAuthServer,
  type MockAuthServerSettings,
} from '../../../mock-server/index.js';
import {
  authorize,
  CALLBACK,
  clientFields,
  expectJsonError,
  location,
  obtainCode,
  obtainTokens,
  pkcePair,
  postForm,
  PUBLIC_CLIENT,
  refresh,
  type CaseContext,
  type TokenSet,
} from './helpers.js';
import { BASE, caseContext, mcpPost, INITIALIZE } from './mcp-helpers.js';

const DAY = 24 * 3600;
/** How long an expired code or refresh token is still recognised as expired (provider/expiry.ts). */
const RETENTION = DAY;

function mockWith(settings: Partial<MockAuthServerSettings> = {}): MockAuthServer {
  return createMockAuthServer(
    {
      issuerUrl: BASE,
      clientRegistrationOptions: { enabled: true },
      revocationOptions: { enabled: true },
      clients: [PUBLIC_CLIENT],
      ...settings,
    },
    { clock: createManualClock(Date.UTC(2030, 0, 1)) },
  );
}

function stats(mock: MockAuthServer): InMemoryProviderStats {
  if (!(mock.provider instanceof InMemoryProvider)) throw new Error('expected the default provider');
  return mock.provider.stats();
}

async function register(t: CaseContext): Promise<string> {
  const response = await t.fetch(`${t.baseUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none', scope: 'read' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

/** One PKCE pair for many flows: the volume tests measure the mock's bookkeeping, not hashing. */
type Pkce = Awaited<ReturnType<typeof pkcePair>>;

async function codeFor(t: CaseContext, clientId: string, pkce: Pkce): Promise<string> {
  const response = await authorize(t, {
    client_id: clientId,
    response_type: 'code',
    code_challenge: pkce.challenge,
    redirect_uri: CALLBACK,
  });
  return location(response).searchParams.get('code') ?? '';
}

async function redeem(t: CaseContext, clientId: string, code: string, pkce: Pkce): Promise<Response> {
  return postForm(t, '/token', {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: pkce.verifier,
    redirect_uri: CALLBACK,
  });
}

async function tokensFor(t: CaseContext, clientId: string, pkce: Pkce): Promise<TokenSet> {
  const response = await redeem(t, clientId, await codeFor(t, clientId, pkce), pkce);
  expect(response.status).toBe(200);
  return (await response.json()) as TokenSet;
}

async function mcpStatus(mock: MockAuthServer, accessToken: string): Promise<number> {
  const response = await mcpPost(mock, INITIALIZE, { authorization: `Bearer ${accessToken}` });
  await response.body?.cancel();
  return response.status;
}

describe('bounded state: caps', () => {
  it('keeps the defaults documented in the settings', () => {
    expect(mockWith().settings.stateLimits).toStrictEqual({
      maxClients: 10_000,
      maxTokens: 100_000,
      maxPendingAuthorizations: 10_000,
    });
  });

  it('5,000 registrations keep the 100 most recently used clients, and pre-registered ones are never counted', async () => {
    const mock = mockWith({ stateLimits: { maxClients: 100 } });
    const t = caseContext(mock);
    const first = await register(t);
    for (let i = 1; i < 5_000; i++) await register(t);
    expect(stats(mock)).toMatchObject({ registeredClients: 100, preRegisteredClients: 1 });
    // The first one was forgotten: FastMCP's unknown-client answers.
    const pkce = await pkcePair();
    const refused = await authorize(t, {
      client_id: first,
      response_type: 'code',
      code_challenge: pkce.challenge,
    });
    await expectJsonError(refused, 400, {
      error: 'invalid_request',
      error_description: `Client ID '${first}' not found`,
    });
    expect((await obtainTokens(t, PUBLIC_CLIENT)).access_token).toBeTruthy();
  }, 60_000);

  it('forgets the least recently used client, not the oldest, and revokes its tokens', async () => {
    const mock = mockWith({ stateLimits: { maxClients: 3 } });
    const t = caseContext(mock);
    const pkce = await pkcePair();
    const [a, b, c] = [await register(t), await register(t), await register(t)];
    // Using `a` makes `b` the least recently used.
    const tokensOfA = await tokensFor(t, a, pkce);
    const tokensOfB = await tokensFor(t, b, pkce);
    await codeFor(t, c, pkce);
    await codeFor(t, a, pkce);
    expect(stats(mock)).toMatchObject({ registeredClients: 3, accessTokens: 2, refreshTokens: 2 });
    await register(t);
    expect(stats(mock)).toMatchObject({ registeredClients: 3, accessTokens: 1, refreshTokens: 1 });
    // `b` is gone with its tokens: the MCP endpoint refuses its access token, /token its refresh token.
    expect(await mcpStatus(mock, tokensOfB.access_token)).toBe(401);
    await expectJsonError(
      await postForm(t, '/token', {
        grant_type: 'refresh_token',
        refresh_token: tokensOfB.refresh_token,
        client_id: b,
      }),
      401,
      { error: 'unauthorized_client', error_description: 'Invalid client_id' },
    );
    // `a` and `c` are kept.
    expect(await mcpStatus(mock, tokensOfA.access_token)).toBe(200);
    expect((await refresh(t, { ...PUBLIC_CLIENT, client_id: a }, tokensOfA.refresh_token)).status).toBe(200);
    expect(await codeFor(t, c, pkce)).toBeTruthy();
  });

  it('5,000 token issuances keep the newest 50 access and 50 refresh tokens', async () => {
    const mock = mockWith({ stateLimits: { maxTokens: 50 } });
    const t = caseContext(mock);
    const pkce = await pkcePair();
    const first = await tokensFor(t, PUBLIC_CLIENT.client_id, pkce);
    let last = first;
    for (let i = 1; i < 5_000; i++) last = await tokensFor(t, PUBLIC_CLIENT.client_id, pkce);
    expect(stats(mock)).toMatchObject({ accessTokens: 50, refreshTokens: 50, authorizationCodes: 0 });
    // The oldest answer like revoked tokens; the newest still work.
    expect(await mcpStatus(mock, first.access_token)).toBe(401);
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, first.refresh_token), 400, {
      error: 'invalid_grant',
      error_description: 'refresh token does not exist',
    });
    expect(await mcpStatus(mock, last.access_token)).toBe(200);
    expect((await refresh(t, PUBLIC_CLIENT, last.refresh_token)).status).toBe(200);
    expect(stats(mock)).toMatchObject({ accessTokens: 50, refreshTokens: 50 });
  }, 60_000);

  it('unredeemed codes beyond the cap: the oldest is forgotten, the newest still redeems', async () => {
    const mock = mockWith({ stateLimits: { maxPendingAuthorizations: 30 } });
    const t = caseContext(mock);
    const pkce = await pkcePair();
    const first = await codeFor(t, PUBLIC_CLIENT.client_id, pkce);
    let last = first;
    for (let i = 1; i < 2_000; i++) last = await codeFor(t, PUBLIC_CLIENT.client_id, pkce);
    expect(stats(mock).authorizationCodes).toBe(30);
    await expectJsonError(await redeem(t, PUBLIC_CLIENT.client_id, first, pkce), 400, {
      error: 'invalid_grant',
      error_description: 'authorization code does not exist',
    });
    expect((await redeem(t, PUBLIC_CLIENT.client_id, last, pkce)).status).toBe(200);
    expect(stats(mock).authorizationCodes).toBe(29);
  });

  it('consent requests beyond the cap: the oldest page is gone, the newest still approves', async () => {
    const mock = mockWith({ approval: 'consent', stateLimits: { maxPendingAuthorizations: 10 } });
    const t = caseContext(mock);
    const pkce = await pkcePair();
    const pages: URL[] = [];
    for (let i = 0; i < 500; i++) {
      pages.push(
        location(
          await authorize(t, {
            client_id: PUBLIC_CLIENT.client_id,
            response_type: 'code',
            code_challenge: pkce.challenge,
          }),
        ),
      );
    }
    expect(stats(mock).pendingConsents).toBe(10);
    const oldest = await t.fetch(pages[0]?.href ?? '');
    expect(oldest.status).toBe(400);
    expect(await oldest.text()).toBe('Unknown or expired authorization request');
    const newest = await t.fetch(pages.at(-1)?.href ?? '');
    expect(newest.status).toBe(200);
    await newest.body?.cancel();
  });

  it('a lowered cap takes effect at the next write, without a reset', async () => {
    const mock = mockWith();
    const t = caseContext(mock);
    for (let i = 0; i < 20; i++) await register(t);
    mock.control.reconfigure({ stateLimits: { maxClients: 5 } });
    expect(stats(mock).registeredClients).toBe(20);
    await register(t);
    expect(stats(mock).registeredClients).toBe(5);
  });
});

describe('bounded state: expiry on the mock clock', () => {
  /** Issues 40 unredeemed codes, 40 token pairs and 40 consent requests. */
  async function fill(mock: MockAuthServer): Promise<{ code: string; tokens: TokenSet; pkce: Pkce }> {
    const t = caseContext(mock);
    const pkce = await pkcePair();
    let code = '';
    let tokens: TokenSet | undefined;
    for (let i = 0; i < 40; i++) {
      code = await codeFor(t, PUBLIC_CLIENT.client_id, pkce);
      tokens = await tokensFor(t, PUBLIC_CLIENT.client_id, pkce);
    }
    mock.control.reconfigure({ approval: 'consent' });
    for (let i = 0; i < 40; i++) {
      await authorize(t, {
        client_id: PUBLIC_CLIENT.client_id,
        response_type: 'code',
        code_challenge: pkce.challenge,
      });
    }
    mock.control.reconfigure({ approval: 'auto' });
    if (tokens === undefined) throw new Error('no tokens');
    return { code, tokens, pkce };
  }

  it('moving the clock a month and one request frees every expired code, consent and token', async () => {
    const mock = mockWith();
    const t = caseContext(mock);
    await fill(mock);
    const full = {
      authorizationCodes: 40,
      pendingConsents: 40,
      accessTokens: 40,
      refreshTokens: 40,
    };
    expect(stats(mock)).toMatchObject(full);
    // Refresh tokens live 30 days and are recognised as expired for a day more.
    mock.control.clock.advance(31 * DAY + 1);
    // Reading the counts sweeps nothing: the request below does.
    expect(stats(mock)).toMatchObject(full);
    await register(t);
    expect(stats(mock)).toStrictEqual({
      registeredClients: 1,
      preRegisteredClients: 1,
      authorizationCodes: 0,
      pendingConsents: 0,
      accessTokens: 0,
      refreshTokens: 0,
    });
  });

  it('keeps what is still live: after an hour only the access tokens and consent requests go', async () => {
    const mock = mockWith();
    const t = caseContext(mock);
    const { tokens } = await fill(mock);
    mock.control.clock.advance(3601);
    await register(t);
    // Codes expired at 300 s but are kept (the retention) to answer "has expired"; refresh tokens live on.
    expect(stats(mock)).toMatchObject({
      authorizationCodes: 40,
      pendingConsents: 0,
      accessTokens: 0,
      refreshTokens: 40,
    });
    expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(200);
  });

  it('an expired code answers "has expired" for a day after expiry, whatever else happens, then "does not exist"', async () => {
    const mock = mockWith();
    const t = caseContext(mock);
    const pkce = await pkcePair();
    const early = await codeFor(t, PUBLIC_CLIENT.client_id, pkce);
    const late = await codeFor(t, PUBLIC_CLIENT.client_id, pkce);
    mock.control.clock.advance(300 + RETENTION - 10);
    await register(t); // a write: sweeps
    await expectJsonError(await redeem(t, PUBLIC_CLIENT.client_id, early, pkce), 400, {
      error: 'invalid_grant',
      error_description: 'authorization code has expired',
    });
    mock.control.clock.advance(20);
    await register(t);
    await expectJsonError(await redeem(t, PUBLIC_CLIENT.client_id, late, pkce), 400, {
      error: 'invalid_grant',
      error_description: 'authorization code does not exist',
    });
  });

  it('an expired refresh token answers "has expired" for a day after expiry, then "does not exist"', async () => {
    const mock = mockWith({ tokenLifetimes: { refreshTokenSeconds: 600 } });
    const t = caseContext(mock);
    const first = await obtainTokens(t, PUBLIC_CLIENT);
    const second = await obtainTokens(t, PUBLIC_CLIENT);
    mock.control.clock.advance(600 + RETENTION - 10);
    await obtainTokens(t, PUBLIC_CLIENT);
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, first.refresh_token), 400, {
      error: 'invalid_grant',
      error_description: 'refresh token has expired',
    });
    mock.control.clock.advance(20);
    await obtainTokens(t, PUBLIC_CLIENT);
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, second.refresh_token), 400, {
      error: 'invalid_grant',
      error_description: 'refresh token does not exist',
    });
  });

  it('refresh tokens that never expire are never swept, only capped', async () => {
    const mock = mockWith({ tokenLifetimes: { refreshTokenSeconds: null }, stateLimits: { maxTokens: 3 } });
    const t = caseContext(mock);
    for (let i = 0; i < 5; i++) await obtainTokens(t, PUBLIC_CLIENT);
    mock.control.clock.advance(365 * DAY);
    const kept = await obtainTokens(t, PUBLIC_CLIENT);
    expect(stats(mock)).toMatchObject({ accessTokens: 1, refreshTokens: 3 });
    expect((await refresh(t, PUBLIC_CLIENT, kept.refresh_token)).status).toBe(200);
  });

  it('expireAllTokens leaves refresh tokens recognisable as expired, and the next day sweeps them', async () => {
    const mock = mockWith();
    const t = caseContext(mock);
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect(mock.control.expireAllTokens()).toBe(2);
    await register(t);
    expect(stats(mock)).toMatchObject({ accessTokens: 0, refreshTokens: 1 });
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, tokens.refresh_token), 400, {
      error: 'invalid_grant',
      error_description: 'refresh token has expired',
    });
    mock.control.clock.advance(RETENTION + 2);
    await register(t);
    expect(stats(mock)).toMatchObject({ accessTokens: 0, refreshTokens: 0 });
  });

  it('reset still forgets everything, and revoking a pair leaves nothing behind', async () => {
    const mock = mockWith();
    const t = caseContext(mock);
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    await obtainCode(t, PUBLIC_CLIENT);
    const revoked = await postForm(t, '/revoke', {
      token: tokens.refresh_token,
      ...clientFields(PUBLIC_CLIENT),
      client_secret: '',
    });
    expect(revoked.status).toBe(200);
    expect(stats(mock)).toMatchObject({ accessTokens: 0, refreshTokens: 0, authorizationCodes: 1 });
    await register(t);
    mock.control.reset();
    expect(stats(mock)).toStrictEqual({
      registeredClients: 0,
      preRegisteredClients: 1,
      authorizationCodes: 0,
      pendingConsents: 0,
      accessTokens: 0,
      refreshTokens: 0,
    });
  });
});
