/**
 * Adversarial cases against the mock: several clients (tabs) sharing one grant, rotation with reuse detection,
 * failures and hangs of the authorization server, hidden challenge headers, and where tokens may travel.
 */
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { REDACTED_PARAMETERS } from '../../../mock-server/index.js';
import { inProcessLocks, memoryStorage, SessionAuthError, TokenError } from '../../../src/index.js';
import type { McpAuthError } from '../../../src/index.js';
import { createMockWorld } from './support/mock-world.js';

describe('several clients sharing one grant (browser tabs)', () => {
  it('refresh once between them when they share storage and locks, even with refresh-token reuse detection', async () => {
    const world = createMockWorld({ beyondFastMcp: { refreshTokenReuseRevokesFamily: true } });
    const storage = memoryStorage();
    const locks = inProcessLocks();
    const tabA = await world.connect({ storage, locks });
    const tabB = await world.connect({ storage, locks });
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();

    const calls = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? tabA : tabB).listTools());
    const results = await Promise.all(calls);
    expect(results.every((r) => r.tools.length > 0)).toBe(true);
    expect(world.requestsTo('token')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toEqual([]);
    await Promise.all([tabA.close(), tabB.close()]);
  });

  it('sign in once when opened together with shared storage and locks', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const locks = inProcessLocks();
    const tabs = await Promise.all([world.connect({ storage, locks }), world.connect({ storage, locks })]);
    expect(world.requestsTo('authorize')).toHaveLength(1);
    expect(world.requestsTo('register')).toHaveLength(1);
    await Promise.all(tabs.map((tab) => tab.listTools()));
    await Promise.all(tabs.map((tab) => tab.close()));
  });

  it('never lets a losing refresh (invalid_grant after rotation) wipe the winner’s grant', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    // No shared locks: each client refreshes on its own, so the second one may present a rotated-out token.
    const tabA = await world.connect({ storage });
    const tabB = await world.connect({ storage });
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();

    await Promise.all([tabA.listTools(), tabB.listTools()]);
    expect(world.requestsTo('authorize')).toEqual([]);
    const refreshes = world.grants('refresh_token').map((entry) => entry.status);
    expect(refreshes.filter((status) => status === 200)).toHaveLength(1);

    // The stored grant is the winner's: a third client starts warm from it.
    world.mock.control.clearRequests();
    const tabC = await world.connect({ storage });
    await tabC.listTools();
    expect(world.requestsTo('authorize')).toEqual([]);
    expect(world.requestsTo('token')).toEqual([]);
    await Promise.all([tabA.close(), tabB.close(), tabC.close()]);
  });
});

describe('a closed client', () => {
  it('sends nothing more: no late stream request, no refresh racing the clients still open', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const sentByFirst: string[] = [];
    let closed = false;
    const first = await world.connect({
      storage,
      fetch: (input, init) => {
        if (closed) sentByFirst.push(`${new Request(input, init).method} ${new Request(input, init).url}`);
        return world.fetch(input, init);
      },
    });
    closed = true;
    await first.close();
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();

    const second = await world.connect({ storage });
    await second.listTools();
    expect(sentByFirst).toEqual([]);
    expect(world.grants('refresh_token').map((entry) => entry.status)).toEqual([200]);
    await second.close();
  });
});

describe('concurrent step-up', () => {
  it('authorizes once for 10 concurrent calls that all need more scope', async () => {
    const world = createMockWorld({
      requiredScopes: ['read'],
      clientRegistrationOptions: { enabled: true, validScopes: ['read', 'admin'] },
    });
    world.mock.control.usePreset('step-up');
    const client = await world.connect();
    world.mock.control.clearRequests();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.callTool({ name: 'elevated_echo', arguments: { message: `m${i}` } }),
      ),
    );
    expect(results.map((r) => (r.content as Array<{ text: string }>)[0]?.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i}`),
    );
    expect(world.requestsTo('authorize')).toHaveLength(1);
    await client.close();
  });
});

describe('authorization server failures', () => {
  it('signing out during a refresh revokes the refreshed tokens too', async () => {
    const world = createMockWorld();
    let refreshStarted!: () => void;
    const started = new Promise<void>((resolve) => (refreshStarted = resolve));
    let releaseRefresh!: () => void;
    const held = new Promise<void>((resolve) => (releaseRefresh = resolve));
    const fetch: typeof world.fetch = async (input, init) => {
      const request = new Request(input, init);
      const isRefresh =
        request.url.endsWith('/token') && (await request.clone().text()).includes('grant_type=refresh_token');
      const response = await world.fetch(request);
      if (isRefresh) {
        // The server has rotated the tokens; the client has not stored them yet.
        refreshStarted();
        await held;
      }
      return response;
    };
    const client = await world.connect({ fetch });
    world.mock.control.expireAllTokens('access');

    const call = client.listTools();
    await started;
    const signOut = client.signOut();
    releaseRefresh();
    await Promise.allSettled([call, signOut]);

    const refreshed = world.tokenResponses.find((r) => r.grantType === 'refresh_token')?.body ?? {};
    expect(typeof refreshed['access_token']).toBe('string');
    expect(await world.mock.provider.loadAccessToken(String(refreshed['access_token']))).toBeUndefined();
    const registered = await world.mock.provider.getClient(
      String(world.grants('refresh_token')[0]?.form['client_id']),
    );
    expect(registered).toBeDefined();
    if (registered) {
      const refreshToken = String(refreshed['refresh_token']);
      expect(await world.mock.provider.loadRefreshToken(registered, refreshToken)).toBeUndefined();
    }
  });

  it('still revokes the access token and clears storage when revoking the refresh token fails', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const client = await world.connect({ storage });
    world.mock.control.failNext('revoke', { status: 503, error: 'temporarily_unavailable' });
    world.mock.control.clearRequests();

    const error = (await client.signOut().catch((e: unknown) => e)) as McpAuthError;
    expect(error).toBeInstanceOf(TokenError);
    expect(error.code).toBe('revocation_failed');
    expect(error.step).toBe('revocation');
    expect(world.requestsTo('revoke').map((e) => [e.form['token_type_hint'], e.status])).toEqual([
      ['refresh_token', 503],
      ['access_token', 200],
    ]);
    world.mock.control.clearRequests();
    const again = await world.connect({ storage });
    expect(world.requestsTo('authorize')).toHaveLength(1);
    await again.close();
  });

  it('keeps using a still-valid token when a proactive refresh fails', async () => {
    const world = createMockWorld({ tokenLifetimes: { accessTokenSeconds: 100 } });
    const client = await world.connect({ refreshSkewMs: 60_000 });
    world.mock.control.failNext('token', { status: 500, error: 'server_error', times: 1 });
    world.mock.control.clearRequests();
    // 60 s on, the token is inside the refresh margin but still valid at the server.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    try {
      await client.listTools();
    } finally {
      vi.useRealTimers();
    }
    expect(world.grants('refresh_token').map((e) => e.status)).toEqual([500]);
    expect(world.requestsTo('mcp').every((entry) => entry.status === 200)).toBe(true);
    expect(world.requestsTo('authorize')).toEqual([]);
    await client.close();
  });

  it('abandons a token request that hangs, with a typed timeout', async () => {
    const world = createMockWorld();
    world.mock.control.delayNext('token', 60_000);
    const error = (await world.connect({ timeoutMs: 50 }).catch((e: unknown) => e)) as McpAuthError;
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('timeout');
    expect(error.step).toBe('token');
  });

  it('says the challenge header may be hidden by CORS when 401s come without WWW-Authenticate', async () => {
    const world = createMockWorld();
    const client = await world.connect();
    world.mock.control.failNext('mcp', { status: 401, error: 'invalid_token', times: 3, methods: ['POST'] });
    const error = (await client.listTools().catch((e: unknown) => e)) as McpAuthError;
    expect(error).toBeInstanceOf(SessionAuthError);
    expect(error.message).toContain('Access-Control-Expose-Headers');
    await client.close();
  });
});

describe('secrets in errors', () => {
  it('keeps the tokens of a malformed token response out of the error, its causes and the events', async () => {
    const world = createMockWorld();
    const events: unknown[] = [];
    // A server that forgets token_type: oauth4webapi refuses the answer, which still holds live tokens.
    const fetch: typeof world.fetch = async (input, init) => {
      const response = await world.fetch(input, init);
      if (!new URL(new Request(input, init).url).pathname.endsWith('/token')) return response;
      await response.body?.cancel();
      return Response.json({
        access_token: 'LEAKED-ACCESS',
        refresh_token: 'LEAKED-REFRESH',
        expires_in: 60,
      });
    };
    const error = (await world
      .connect({ fetch, onEvent: (event) => events.push(event) })
      .catch((e: unknown) => e)) as McpAuthError;
    expect(error).toBeInstanceOf(TokenError);
    expect(error.code).toBe('token_request_failed');
    expect(error.message).toContain('token_type');
    const everything = `${inspect(error, { depth: 20 })} ${JSON.stringify(events)}`;
    expect(everything).not.toContain('LEAKED');
  });
});

describe('where tokens travel', () => {
  it('puts no token, code or secret in any URL and sends the bearer token in the header only', async () => {
    const world = createMockWorld();
    const client = await world.connect();
    await client.callTool({ name: 'whoami', arguments: {} });
    const log = world.mock.control.requests();
    for (const entry of log) {
      const secretKeys = Object.keys(entry.query).filter(
        (key) => key !== 'code_challenge' && REDACTED_PARAMETERS.has(key),
      );
      expect(secretKeys).toEqual([]);
    }
    const mcp = log.filter((entry) => entry.endpoint === 'mcp');
    expect(mcp.length).toBeGreaterThan(0);
    expect(
      mcp.filter((entry) => entry.status !== 401).every((e) => e.authorization === 'Bearer [redacted]'),
    ).toBe(true);
    await client.close();
  });
});

describe('token types', () => {
  it('refuses a DPoP-bound token with a typed error instead of sending it as a bearer token', async () => {
    const world = createMockWorld();
    // The mock issues bearer tokens; relabel its token responses as a DPoP server would answer.
    const dpopFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const response = await world.fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname !== '/token' || response.status !== 200) return response;
      const body = (await response.json()) as Record<string, unknown>;
      return Response.json({ ...body, token_type: 'DPoP' }, { headers: { 'cache-control': 'no-store' } });
    };
    const error = (await world.connect({ fetch: dpopFetch }).catch((e: unknown) => e)) as McpAuthError;
    expect(error).toBeInstanceOf(TokenError);
    expect(error.code).toBe('token_request_failed');
    expect(error.message).toContain('DPoP');
    expect(world.requestsTo('mcp').every((entry) => !/^DPoP /i.test(entry.authorization ?? ''))).toBe(true);
  });
});

describe('connection failures', () => {
  it('reports an MCP server that answers 500 as invalid_response with its status, not as a network error', async () => {
    const world = createMockWorld();
    world.mock.control.failNext('mcp', { status: 500, error: 'server_error', errorDescription: 'boom' });
    const error = (await world.connect().catch((e: unknown) => e)) as McpAuthError;
    expect(error.code).toBe('invalid_response');
    expect(error.step).toBe('connection');
    expect(error.status).toBe(500);
  });
});
