/**
 * The client through its public API against the project's mock: its authorization server and its protected MCP
 * endpoint (bearer check, sessions, whoami / echo / elevated_echo). The mock's request log, controls and provider
 * are the witnesses.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage, SessionAuthError, TokenError } from '../../../src/index.js';
import type { FlowEvent } from '../../../src/index.js';
import { createMockWorld as createWorld, MCP_URL, toolJson } from './support/mock-world.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Moves the wall clock (client and mock both read it) without touching timers. */
function moveClockBy(seconds: number): void {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + seconds * 1000 });
}

describe.each(['fastmcp', 'latest'] as const)('createAuthedMcpClient against the mock (spec: %s)', (spec) => {
  const createMockWorld: typeof createWorld = (settings = {}, options) =>
    createWorld({ spec, ...settings }, options);

  it('connects cold: discovery, registration, PKCE authorization, code exchange, then authenticated calls', async () => {
    const world = createMockWorld();
    const events: FlowEvent[] = [];
    const client = await world.connect({ onEvent: (event) => events.push(event) });

    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    const registered = world.requestsTo('register');
    expect(registered).toHaveLength(1);
    expect(who['resource']).toBe(MCP_URL);

    const [authorize] = world.requestsTo('authorize');
    expect(authorize?.query['code_challenge_method']).toBe('S256');
    expect(authorize?.query['resource']).toBe(MCP_URL);
    expect(authorize?.query['state']).toBeTruthy();
    expect(world.grants('authorization_code')[0]?.form['resource']).toBe(MCP_URL);
    expect(world.requestsTo('mcp').every((entry) => entry.status !== 500)).toBe(true);

    const succeeded = new Set(events.filter((e) => e.status === 'succeeded').map((e) => e.step));
    expect([...succeeded]).toEqual(
      expect.arrayContaining(['discovery', 'registration', 'authorization', 'token', 'connection']),
    );
    // Nothing secret in the event stream.
    const issued = world.tokenResponses[0]?.body ?? {};
    const serialized = JSON.stringify(events);
    for (const secret of [issued['access_token'], issued['refresh_token']]) {
      expect(typeof secret).toBe('string');
      expect(serialized).not.toContain(secret);
    }
    await client.close();
  });

  it('connects warm from storage: a second client with the same storage makes no authorization request', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const first = await world.connect({ storage });
    const firstWho = toolJson(await first.callTool({ name: 'whoami', arguments: {} }));
    await first.close();
    world.mock.control.clearRequests();

    const second = await world.connect({ storage });
    const secondWho = toolJson(await second.callTool({ name: 'whoami', arguments: {} }));
    expect(secondWho['client_id']).toBe(firstWho['client_id']);
    for (const endpoint of ['authorize', 'register', 'token', 'metadata', 'resource-metadata'] as const) {
      expect(world.requestsTo(endpoint)).toEqual([]);
    }
    expect(world.requestsTo('mcp').every((entry) => entry.status === 200 || entry.status === 202)).toBe(true);
    await second.close();
  });

  it('refreshes when the server says the access token expired (401), with no new authorization', async () => {
    const world = createMockWorld({ tokenLifetimes: { accessTokenSeconds: 60 } });
    const client = await world.connect({ refreshSkewMs: 0 });
    world.mock.control.clock.advance(120);
    world.mock.control.clearRequests();

    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    expect(who['client_id']).toBeTruthy();
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.grants('refresh_token')[0]?.form['resource']).toBe(MCP_URL);
    expect(world.requestsTo('authorize')).toEqual([]);
    await client.close();
  });

  it('refreshes ahead of expiry instead of sending a token about to expire', async () => {
    const world = createMockWorld({ tokenLifetimes: { accessTokenSeconds: 300 } });
    const client = await world.connect({ refreshSkewMs: 60_000 });
    world.mock.control.clearRequests();
    // 250 s later the token still works at the server: only a proactive refresh explains a refresh request.
    moveClockBy(250);
    await client.listTools();
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.requestsTo('mcp').filter((entry) => entry.status === 401)).toEqual([]);
    await client.close();
  });

  it('sends exactly one refresh request for 50 concurrent calls on an expired access token', async () => {
    const world = createMockWorld({ tokenLifetimes: { accessTokenSeconds: 300 } });
    const events: FlowEvent[] = [];
    const client = await world.connect({ onEvent: (event) => events.push(event) });
    world.mock.control.clearRequests();
    moveClockBy(600);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.callTool({ name: 'echo', arguments: { message: `call ${i}` } }),
      ),
    );
    expect(results.map((r) => (r.content as Array<{ text: string }>)[0]?.text)).toEqual(
      Array.from({ length: 50 }, (_, i) => `call ${i}`),
    );
    expect(world.requestsTo('token')).toHaveLength(1);
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toEqual([]);
    // One refresh, told once: a UI drawing the flow sees one step, not fifty.
    expect(events.filter((e) => e.step === 'refresh').map((e) => e.status)).toEqual(['started', 'succeeded']);
    await client.close();
  });

  it('sends exactly one refresh request when 50 concurrent calls all get 401 for a token the server expired', async () => {
    const world = createMockWorld();
    const client = await world.connect();
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();

    const results = await Promise.all(Array.from({ length: 50 }, () => client.listTools()));
    expect(results.every((r) => r.tools.some((tool) => tool.name === 'whoami'))).toBe(true);
    expect(world.requestsTo('token')).toHaveLength(1);
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toEqual([]);
    await client.close();
  });

  it('keeps the grant when the refresh fails with 503, and refreshes on the next call', async () => {
    const world = createMockWorld();
    const client = await world.connect();
    world.mock.control.expireAllTokens('access');
    world.mock.control.failNext('token', { status: 503, error: 'temporarily_unavailable' });
    world.mock.control.clearRequests();

    const error = await client.listTools().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe('refresh_failed');
    expect((error as TokenError).status).toBe(503);

    await client.listTools();
    expect(world.grants('refresh_token')).toHaveLength(2);
    expect(world.requestsTo('authorize')).toEqual([]);
    await client.close();
  });

  it('authorizes again, once, when the refresh token was revoked (invalid_grant)', async () => {
    const world = createMockWorld();
    const client = await world.connect();
    world.mock.control.revokeAllTokens();
    world.mock.control.clearRequests();

    await client.listTools();
    const refreshes = world.requestsTo('token').filter((e) => e.form['grant_type'] === 'refresh_token');
    expect(refreshes.map((e) => e.status)).toEqual([400]);
    expect(world.tokenResponses.at(-2)?.body['error']).toBe('invalid_grant');
    expect(world.requestsTo('authorize')).toHaveLength(1);
    expect(world.grants('authorization_code')).toHaveLength(1);
    await client.close();
  });

  it('gives up with a typed error after one re-authorization when every token is refused', async () => {
    const world = createMockWorld();
    const client = await world.connect();
    world.mock.control.clearRequests();
    world.mock.control.failNext('mcp', {
      status: 401,
      error: 'invalid_token',
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      times: 10,
    });

    const error = await client.listTools().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionAuthError);
    expect((error as SessionAuthError).code).toBe('unauthorized');
    expect(world.requestsTo('authorize')).toHaveLength(1);
    await client.close();
  });

  it('steps up on 403 insufficient_scope with the union of held and demanded scopes', async () => {
    const world = createMockWorld({
      requiredScopes: ['read'],
      clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write', 'admin'] },
    });
    world.mock.control.usePreset('step-up');
    const events: FlowEvent[] = [];
    const client = await world.connect({ onEvent: (event) => events.push(event) });
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['scopes']).toEqual(['read']);

    const result = await client.callTool({ name: 'elevated_echo', arguments: { message: 'up' } });
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('up');
    const scopes = world.requestsTo('authorize').map((entry) => entry.query['scope']?.split(' ').sort());
    expect(scopes).toEqual([['read'], ['admin', 'read']]);
    expect(events.some((e) => e.step === 'step-up' && e.status === 'succeeded')).toBe(true);
    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    expect(who['scopes']).toEqual(expect.arrayContaining(['read', 'admin']));
    await client.close();
  });

  it('signs out: revokes the refresh token, then the access token, and forgets the grant', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const client = await world.connect({ storage });
    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    const issued = world.tokenResponses.find((r) => r.grantType === 'authorization_code')?.body ?? {};
    const access = String(issued['access_token']);
    const refresh = String(issued['refresh_token']);
    const registered = await world.mock.provider.getClient(String(who['client_id']));
    expect(registered).toBeDefined();
    if (!registered) return;
    expect(await world.mock.provider.loadRefreshToken(registered, refresh)).toBeDefined();

    await client.signOut();
    const revocations = world.requestsTo('revoke');
    expect(revocations[0]?.form['token_type_hint']).toBe('refresh_token');
    expect(revocations.filter((e) => e.status === 200).map((e) => e.form['token_type_hint'])).toEqual([
      'refresh_token',
      'access_token',
    ]);
    expect(revocations.map((e) => e.status)).toEqual([200, 200]);
    expect(await world.mock.provider.loadAccessToken(access)).toBeUndefined();
    expect(await world.mock.provider.loadRefreshToken(registered, refresh)).toBeUndefined();

    // Nothing left to reuse but the registration: the next client with that storage must authorize again.
    world.mock.control.clearRequests();
    const again = await world.connect({ storage });
    expect(world.requestsTo('authorize')).toHaveLength(1);
    expect(world.requestsTo('register')).toEqual([]);
    await again.close();
  });
});
