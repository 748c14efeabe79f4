import { describe, expect, it, vi } from 'vitest';
import {
  AuthorizationError,
  ClientRegistrationError,
  createAuthedMcpClient,
  DiscoveryError,
  headlessAuthorize,
  memoryStorage,
  SessionAuthError,
} from '../../../src/index.js';
import type { AuthedMcpClientOptions, FlowEvent } from '../../../src/index.js';
import { createTestWorld, tokenRequests } from './support/protected-mcp.js';
import type { TestWorld } from './support/protected-mcp.js';

function connect(world: TestWorld, options: AuthedMcpClientOptions = {}) {
  return createAuthedMcpClient(world.mcpUrl, {
    fetch: world.fetch,
    authorize: headlessAuthorize({ fetch: world.fetch }),
    clientMetadata: { name: 'e2e', redirectUri: 'http://127.0.0.1:9999/callback' },
    ...options,
  });
}

function currentAccessToken(world: TestWorld): string {
  const last = world.requests.filter((r) => r.url.pathname === '/mcp' && r.authorization).at(-1);
  return last?.authorization?.slice('Bearer '.length) ?? '';
}

describe('createAuthedMcpClient against the mock authorization server', () => {
  it('discovers, registers, authorizes, exchanges and then makes authenticated MCP calls', async () => {
    const world = createTestWorld();
    const events: FlowEvent[] = [];
    const client = await connect(world, { onEvent: (event) => events.push(event) });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['whoami']);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(JSON.stringify(result.content)).toContain('"type":"text"');

    const steps = new Set(events.filter((e) => e.status === 'succeeded').map((e) => e.step));
    expect([...steps]).toEqual(
      expect.arrayContaining(['discovery', 'registration', 'authorization', 'token', 'connection']),
    );

    const authorize = world.requests.find((r) => r.url.pathname === '/authorize');
    expect(authorize?.url.searchParams.get('resource')).toBe(world.mcpUrl);
    expect(authorize?.url.searchParams.get('code_challenge_method')).toBe('S256');
    const exchange = tokenRequests(world, 'authorization_code')[0];
    expect(exchange?.form?.get('resource')).toBe(world.mcpUrl);

    // Nothing secret in the event stream.
    const token = currentAccessToken(world);
    expect(token).not.toBe('');
    const serialized = JSON.stringify(events);
    expect(serialized).not.toContain(token);
    expect(serialized).not.toContain(exchange?.form?.get('code') ?? 'no-code');
    expect(serialized).not.toContain(exchange?.form?.get('code_verifier') ?? 'no-verifier');
    await client.close();
  });

  it('refreshes once for many concurrent requests after the access token is refused (rotation-safe)', async () => {
    const world = createTestWorld();
    const client = await connect(world);
    world.rejectedTokens.add(currentAccessToken(world));
    const results = await Promise.all(Array.from({ length: 8 }, () => client.listTools()));
    expect(results.every((r) => r.tools.length === 1)).toBe(true);
    expect(tokenRequests(world, 'refresh_token')).toHaveLength(1);
    expect(world.requests.filter((r) => r.url.pathname === '/authorize')).toHaveLength(1);
    await client.close();
  });

  it('refreshes ahead of expiry instead of sending an expiring token', async () => {
    const world = createTestWorld({ settings: { tokenLifetimes: { accessTokenSeconds: 30 } } });
    const client = await connect(world, { refreshSkewMs: 60_000 });
    await client.listTools();
    expect(tokenRequests(world, 'refresh_token')).toHaveLength(0);
    // Only the wall clock moves (client and mock server share it): 25 s later the token still works at the
    // server, so only a proactive refresh can explain a refresh request.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 25_000 });
    try {
      await client.listTools();
    } finally {
      vi.useRealTimers();
    }
    expect(tokenRequests(world, 'refresh_token')).toHaveLength(1);
    const refused = world.requests.filter(
      (r) => r.url.pathname === '/mcp' && r.authorization !== null && r.status === 401,
    );
    expect(refused).toEqual([]);
    await client.close();
  });

  it('re-authorizes when the refresh token was revoked (invalid_grant), once', async () => {
    const world = createTestWorld();
    const client = await connect(world);
    const issued = tokenRequests(world, 'authorization_code')[0]?.json;
    const clientId = tokenRequests(world, 'authorization_code')[0]?.form?.get('client_id') ?? '';
    const registered = await world.mock.provider.getClient(clientId);
    const refresh =
      registered &&
      (await world.mock.provider.loadRefreshToken(registered, String(issued?.['refresh_token'])));
    expect(refresh).toBeDefined();
    if (refresh) await world.mock.provider.revokeToken(refresh);

    world.rejectedTokens.add(currentAccessToken(world));
    await client.listTools();
    const refreshes = tokenRequests(world, 'refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.json?.['error']).toBe('invalid_grant');
    expect(world.requests.filter((r) => r.url.pathname === '/authorize')).toHaveLength(2);
    await client.close();
  });

  it('gives up after one re-authorization when the server refuses every fresh token', async () => {
    const world = createTestWorld();
    const client = await connect(world);
    const before = world.requests.filter((r) => r.url.pathname === '/authorize').length;
    world.rejectAll.value = true;
    const error = await client.listTools().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionAuthError);
    expect((error as SessionAuthError).code).toBe('unauthorized');
    expect(world.requests.filter((r) => r.url.pathname === '/authorize').length - before).toBe(1);
    await client.close();
  });

  it('registers again when the resource moves to another authorization server, never sending the old client id', async () => {
    const world = createTestWorld();
    const client = await connect(world);
    const oldClientId = tokenRequests(world, 'authorization_code')[0]?.form?.get('client_id');
    expect(oldClientId).toBeTruthy();
    world.migrateTo('http://127.0.0.1:9000');
    await client.listTools();
    const atNewServer = world.requests.filter((r) => r.url.origin === 'http://127.0.0.1:9000');
    expect(atNewServer.some((r) => r.url.pathname === '/register')).toBe(true);
    const sentIds = atNewServer.flatMap((r) => [
      r.url.searchParams.get('client_id'),
      r.form?.get('client_id'),
    ]);
    expect(sentIds).not.toContain(oldClientId);
    expect(atNewServer.some((r) => r.url.pathname === '/token' && r.status === 200)).toBe(true);
    await client.close();
  });

  it('signs out by revoking the refresh token first, then the access token, then forgetting them', async () => {
    const world = createTestWorld();
    const storage = memoryStorage();
    const client = await connect(world, { storage });
    const access = currentAccessToken(world);
    await client.signOut();
    const revocations = world.requests.filter((r) => r.url.pathname === '/revoke');
    expect(revocations.map((r) => r.form?.get('token_type_hint'))).toEqual(['refresh_token', 'access_token']);
    expect(revocations[1]?.form?.get('token')).toBe(access);
    expect(await world.mock.provider.loadAccessToken(access)).toBeUndefined();
  });

  it('uses pre-registered credentials with client_secret_basic when registration is off', async () => {
    const world = createTestWorld({
      settings: {
        clientRegistrationOptions: { enabled: false },
        clients: [
          {
            client_id: 'pre:registered',
            client_secret: 's3cret value',
            redirect_uris: ['http://127.0.0.1:9999/callback'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
      },
    });
    const client = await connect(world, {
      credentials: {
        clientId: 'pre:registered',
        clientSecret: 's3cret value',
        issuer: 'http://localhost:8000/',
      },
    });
    await client.listTools();
    const exchange = tokenRequests(world, 'authorization_code')[0];
    expect(exchange?.authorization).toBe(`Basic ${btoa('pre%3Aregistered:s3cret%20value')}`);
    expect(world.requests.some((r) => r.url.pathname === '/register')).toBe(false);
    await client.close();
  });

  it('tells the application to pass credentials when the server cannot register clients', async () => {
    const world = createTestWorld({ settings: { clientRegistrationOptions: { enabled: false } } });
    const error = await connect(world).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientRegistrationError);
    expect((error as ClientRegistrationError).code).toBe('client_id_required');
    expect((error as Error).message).toContain('credentials');
  });

  it('stops before any authorization request when the resource metadata names another server', async () => {
    const world = createTestWorld({ resourceOverride: 'https://evil.example/mcp' });
    const error = await connect(world).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as DiscoveryError).code).toBe('resource_mismatch');
    expect(
      world.requests.some((r) => r.url.pathname === '/authorize' || r.url.pathname === '/register'),
    ).toBe(false);
  });

  it('steps up with the union of scopes on 403 insufficient_scope', async () => {
    const world = createTestWorld({
      settings: {
        requiredScopes: ['mcp:read'],
        clientRegistrationOptions: { enabled: true, validScopes: ['mcp:read', 'mcp:write'] },
      },
      toolCallScopes: ['mcp:write'],
    });
    const client = await connect(world);
    await client.callTool({ name: 'whoami', arguments: {} });
    const scopes = world.requests
      .filter((r) => r.url.pathname === '/authorize')
      .map((r) => r.url.searchParams.get('scope'));
    expect(scopes).toEqual(['mcp:read', 'mcp:read mcp:write']);
    await client.close();
  });

  it('surfaces a step-up the authorization server refuses as a typed error with its code', async () => {
    const world = createTestWorld({
      settings: { requiredScopes: ['mcp:read'] },
      toolCallScopes: ['mcp:admin'],
    });
    const client = await connect(world);
    const error = await client.callTool({ name: 'whoami', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthorizationError);
    expect((error as AuthorizationError).serverError).toBe('invalid_scope');
    await client.close();
  });

  it('bounds step-up to 3 authorizations per request, then throws insufficient_scope', async () => {
    const world = createTestWorld({
      settings: { clientRegistrationOptions: { enabled: true, validScopes: ['mcp:admin'] } },
      toolCallAlwaysDemands: 'mcp:admin',
    });
    const client = await connect(world);
    const before = world.requests.filter((r) => r.url.pathname === '/authorize').length;
    const error = await client.callTool({ name: 'whoami', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionAuthError);
    expect((error as SessionAuthError).code).toBe('insufficient_scope');
    expect((error as SessionAuthError).step).toBe('step-up');
    expect(world.requests.filter((r) => r.url.pathname === '/authorize').length - before).toBe(3);
    await client.close();
  });
});
