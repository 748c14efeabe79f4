/**
 * The session API against the mock: what an application asks of its sign-in besides MCP calls — is anyone signed
 * in, with what, until when (without a request); connecting silently; tokens and authorized fetches for its own
 * requests to the same server; session events, also from another tab; and the SDK `OAuthClientProvider` adapter.
 * The mock's request log and provider are the witnesses.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMcpAuthorization,
  headlessAuthorize,
  inProcessLocks,
  InteractionRequiredError,
  memoryStorage,
} from '../../../src/index.js';
import type {
  AuthStorage,
  McpAuthorization,
  McpAuthorizationOptions,
  SessionEvent,
} from '../../../src/index.js';
import {
  createMockWorld,
  failure,
  INITIALIZE_REQUEST,
  MCP_URL,
  REDIRECT_URI,
  toolJson,
} from './support/mock-world.js';
import type { MockWorld } from './support/mock-world.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Moves the wall clock (client and mock both read it) without touching timers. */
function moveClockBy(seconds: number): void {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + seconds * 1000 });
}

/** The authorization alone, wired to the mock like `world.connect` wires a client. */
function authorizationFor(world: MockWorld, options: McpAuthorizationOptions = {}): McpAuthorization {
  return createMcpAuthorization(MCP_URL, {
    fetch: world.fetch,
    authorize: headlessAuthorize({ fetch: world.fetch }),
    clientMetadata: { name: 'session api test', redirectUri: REDIRECT_URI },
    ...options,
  });
}

/** Requests that only a new authorization makes (the MCP endpoint's 401 is not one). */
function authorizationRequests(world: MockWorld): number {
  return (['register', 'authorize', 'token'] as const).reduce(
    (total, endpoint) => total + world.requestsTo(endpoint).length,
    0,
  );
}

/**
 * Storage shared by several "tabs" in one process, telling each the keys the others changed, as localStorage's
 * storage event does between tabs.
 */
function sharedStorage(): () => AuthStorage {
  const entries = new Map<string, string>();
  const tabs = new Set<{ listeners: Set<(key: string) => void> }>();
  return () => {
    const tab = { listeners: new Set<(key: string) => void>() };
    tabs.add(tab);
    const tellOthers = (key: string): void => {
      for (const other of tabs) {
        if (other === tab) continue;
        for (const listener of other.listeners) queueMicrotask(() => listener(key));
      }
    };
    return {
      get: async (key) => entries.get(key),
      set: async (key, value) => {
        entries.set(key, value);
        tellOthers(key);
      },
      delete: async (key) => {
        if (entries.delete(key)) tellOthers(key);
      },
      watch: (listener) => {
        tab.listeners.add(listener);
        return () => tab.listeners.delete(listener);
      },
    };
  };
}

/** Resolves once `events` holds an event matching `predicate` (the test times out otherwise). */
async function eventually(
  events: SessionEvent[],
  predicate: (event: SessionEvent) => boolean,
): Promise<void> {
  await vi.waitFor(() => expect(events.some(predicate)).toBe(true), { timeout: 5_000, interval: 10 });
}

describe('the grant, without a request', () => {
  it('is absent before sign-in and describes issuer, client, scopes and expiry afterwards, never a token', async () => {
    const world = createMockWorld({
      requiredScopes: ['read'],
      clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write'] },
    });
    const storage = memoryStorage();
    const before = authorizationFor(world, { storage });
    expect(await before.grant()).toBeUndefined();
    expect(await before.isSignedIn()).toBe(false);
    expect(world.mock.control.totalRequests()).toBe(0);
    before.close();

    const client = await world.connect({ storage });
    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    const requests = world.mock.control.totalRequests();
    const grant = await client.grant();
    expect(await client.isSignedIn()).toBe(true);
    expect(world.mock.control.totalRequests()).toBe(requests);

    const issued = world.tokenResponses.find((r) => r.grantType === 'authorization_code')?.body ?? {};
    expect(grant).toMatchObject({
      issuer: world.mock.settings.issuerUrl,
      clientId: who['client_id'],
      resource: MCP_URL,
      expired: false,
      refreshable: true,
    });
    expect(grant?.scopes).toEqual(['read']);
    const expiresIn = Number(issued['expires_in']);
    expect(grant?.expiresAt).toBeGreaterThan(Date.now() + (expiresIn - 60) * 1000);
    expect(grant?.expiresAt).toBeLessThanOrEqual(Date.now() + expiresIn * 1000);
    expect(JSON.stringify(grant)).not.toContain(String(issued['access_token']));
    expect(JSON.stringify(grant)).not.toContain(String(issued['refresh_token']));
    expect(Object.isFrozen(grant)).toBe(true);
    await client.close();
  });

  it('counts an expired grant as signed in while it can be refreshed, and not once it cannot', async () => {
    const world = createMockWorld({ tokenLifetimes: { accessTokenSeconds: 60 } });
    const storage = memoryStorage();
    const client = await world.connect({ storage });
    await client.close();
    moveClockBy(120);
    const later = authorizationFor(world, { storage });
    expect(await later.grant()).toMatchObject({ expired: true, refreshable: true });
    expect(await later.isSignedIn()).toBe(true);
    later.close();

    const withoutRefresh = createMockWorld({ tokenLifetimes: { accessTokenSeconds: 60 } });
    // A grant whose refresh token the storage does not keep (another tab held it): expired means signed out.
    const noRefreshStorage: AuthStorage = { ...memoryStorage(), refreshTokens: false };
    vi.useRealTimers();
    const second = await withoutRefresh.connect({ storage: noRefreshStorage });
    await second.close();
    moveClockBy(120);
    const elsewhere = authorizationFor(withoutRefresh, { storage: noRefreshStorage });
    expect(await elsewhere.grant()).toMatchObject({ expired: true, refreshable: false });
    expect(await elsewhere.isSignedIn()).toBe(false);
    elsewhere.close();
  });
});

describe('silent connect (interactive: false)', () => {
  it('fails with InteractionRequiredError before any authorization request when nobody is signed in', async () => {
    const world = createMockWorld();
    const error = await failure(world.connect({ interactive: false }));
    expect(error).toBeInstanceOf(InteractionRequiredError);
    expect(error.code).toBe('interaction_required');
    expect(error.step).toBe('authorization');
    expect(authorizationRequests(world)).toBe(0);
    expect(world.requestsTo('metadata')).toEqual([]);
  });

  it('connects from a stored grant, refreshing it, with no authorization', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    await (await world.connect({ storage })).close();
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();

    const client = await world.connect({ storage, interactive: false });
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['resource']).toBe(MCP_URL);
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toEqual([]);
    await client.close();
  });

  it('fails a call with InteractionRequiredError when the grant is refused and cannot be refreshed', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const client = await world.connect({ storage, interactive: false }).catch(() => undefined);
    expect(client).toBeUndefined();
    const interactive = await world.connect({ storage });
    await interactive.close();
    const silent = await world.connect({ storage, interactive: false });
    world.mock.control.revokeAllTokens();
    world.mock.control.clearRequests();
    const error = await failure(silent.callTool({ name: 'whoami', arguments: {} }));
    expect(error.code).toBe('interaction_required');
    expect(world.requestsTo('authorize')).toEqual([]);
    expect(await silent.isSignedIn()).toBe(false);
    await silent.close();
  });

  it('refuses a step-up (step: step-up) instead of asking the user for more scope', async () => {
    const world = createMockWorld({
      requiredScopes: ['read'],
      clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write', 'admin'] },
    });
    world.mock.control.usePreset('step-up');
    const storage = memoryStorage();
    await (await world.connect({ storage })).close();
    const silent = await world.connect({ storage, interactive: false });
    world.mock.control.clearRequests();
    const error = await failure(silent.callTool({ name: 'elevated_echo', arguments: { message: 'up' } }));
    expect(error).toBeInstanceOf(InteractionRequiredError);
    expect(error.step).toBe('step-up');
    expect(world.requestsTo('authorize')).toEqual([]);
    // The grant it had still works for what it covers.
    expect(toolJson(await silent.callTool({ name: 'whoami', arguments: {} }))['scopes']).toEqual(['read']);
    await silent.close();
  });
});

describe('tokens and fetches for the application', () => {
  it('getAccessToken signs in when needed, then reuses the token, then refreshes it near expiry', async () => {
    const world = createMockWorld();
    const authorization = authorizationFor(world);
    const token = await authorization.getAccessToken();
    expect((await world.mock.provider.loadAccessToken(token))?.resource).toBe(MCP_URL);
    expect(world.requestsTo('authorize')).toHaveLength(1);

    world.mock.control.clearRequests();
    expect(await authorization.getAccessToken()).toBe(token);
    expect(world.mock.control.requests()).toEqual([]);

    const expiresIn = Number(world.tokenResponses[0]?.body['expires_in']);
    moveClockBy(expiresIn - 10);
    const fresh = await authorization.getAccessToken();
    expect(fresh).not.toBe(token);
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toEqual([]);
    expect(await world.mock.provider.loadAccessToken(fresh)).toBeDefined();
    authorization.close();
  });

  it('releases what the handler prepared (a popup opened ahead) once the first token request is over', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    await (await world.connect({ storage })).close();
    const released: string[] = [];
    const handler = Object.assign(headlessAuthorize({ fetch: world.fetch }), {
      release: () => released.push('released'),
    });
    const authorization = authorizationFor(world, { storage, authorize: handler });
    await authorization.getAccessToken(); // from storage: the prepared popup is not needed
    await authorization.getAccessToken();
    expect(released).toEqual(['released']);
    authorization.close();
  });

  it('getAccessToken without interaction fails with InteractionRequiredError and sends nothing', async () => {
    const world = createMockWorld();
    const authorization = authorizationFor(world, { interactive: false });
    const error = await failure(authorization.getAccessToken());
    expect(error.code).toBe('interaction_required');
    expect(world.mock.control.totalRequests()).toBe(0);
    authorization.close();
  });

  it('fetch authorizes requests to the MCP server, refreshing after a 401, and resolves relative URLs', async () => {
    const world = createMockWorld();
    const authorization = authorizationFor(world);
    const first = await authorization.fetch('/mcp', INITIALIZE_REQUEST);
    expect(first.status).toBe(200);
    expect(first.headers.get('mcp-session-id')).toBeTruthy();
    await first.body?.cancel();

    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();
    const second = await authorization.fetch(new URL(MCP_URL), INITIALIZE_REQUEST);
    expect(second.status).toBe(200);
    await second.body?.cancel();
    expect(world.requestsTo('mcp').map((entry) => entry.status)).toEqual([401, 200]);
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toEqual([]);
    authorization.close();
  });

  it('fetch hands the server its error answers as they are (the application reads its own API)', async () => {
    const world = createMockWorld();
    const authorization = authorizationFor(world);
    // A request the MCP endpoint refuses after the bearer check: no session for a non-initialize request.
    const refused = await authorization.fetch('/mcp', {
      ...INITIALIZE_REQUEST,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.headers.get('content-type')).toContain('application/json');
    expect(((await refused.json()) as { jsonrpc?: string }).jsonrpc).toBe('2.0');
    authorization.close();
  });

  it('shares the locks of a storage by default: two instances on an expired token refresh once', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const first = authorizationFor(world, { storage });
    const second = authorizationFor(world, { storage });
    await first.getAccessToken();
    const expiresIn = Number(world.tokenResponses[0]?.body['expires_in']);
    moveClockBy(expiresIn + 10);
    world.mock.control.clearRequests();
    const [a, b] = await Promise.all([first.getAccessToken(), second.getAccessToken()]);
    expect(a).toBe(b);
    expect(world.grants('refresh_token').map((entry) => entry.status)).toEqual([200]);
    expect(world.requestsTo('authorize')).toEqual([]);
    first.close();
    second.close();
  });

  it('with separate locks, the instance whose refresh token was rotated away takes the new token, no sign-in', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const first = authorizationFor(world, { storage, locks: inProcessLocks() });
    const second = authorizationFor(world, { storage, locks: inProcessLocks() });
    await first.getAccessToken();
    const expiresIn = Number(world.tokenResponses[0]?.body['expires_in']);
    moveClockBy(expiresIn + 10);
    world.mock.control.clearRequests();
    const [a, b] = await Promise.all([first.getAccessToken(), second.getAccessToken()]);
    expect(a).toBe(b);
    expect(
      world
        .grants('refresh_token')
        .map((entry) => entry.status)
        .sort(),
    ).toEqual([200, 400]);
    expect(world.requestsTo('authorize')).toEqual([]);
    first.close();
    second.close();
  });

  it('does not wait for an interactive sign-in in progress elsewhere when it may not interact', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const locks = inProcessLocks();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const interactive = authorizationFor(world, {
      storage,
      locks,
      authorize: async (url, context) => {
        await held; // the user has not finished signing in yet
        return headlessAuthorize({ fetch: world.fetch })(url, context);
      },
    });
    const signingIn = interactive.getAccessToken();
    await vi.waitFor(() => expect(world.requestsTo('register')).toHaveLength(1));
    const silent = authorizationFor(world, { storage, locks, interactive: false });
    expect((await failure(silent.getAccessToken())).code).toBe('interaction_required');
    release();
    expect(typeof (await signingIn)).toBe('string');
    expect(await silent.getAccessToken()).toBe(await signingIn);
    interactive.close();
    silent.close();
  });

  it('fetch refuses other origins before sending anything, so the token never leaves its server', async () => {
    const world = createMockWorld();
    const sent: string[] = [];
    const authorization = authorizationFor(world, {
      fetch: (input, init) => {
        sent.push(input instanceof Request ? input.url : String(input));
        return world.fetch(input, init);
      },
    });
    await authorization.getAccessToken();
    sent.length = 0;
    const error = await failure(authorization.fetch('https://elsewhere.example/api', { method: 'GET' }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toContain('https://elsewhere.example/api');
    expect(sent).toEqual([]);
    authorization.close();
  });
});

describe('session events', () => {
  it('tells authorized, refreshed, expiring and signed-out, from this client, with the grant and no token', async () => {
    // Only timers are faked: the `expiring` event waits for no real time, whatever the machine's load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const world = createMockWorld({ tokenLifetimes: { accessTokenSeconds: 3600 } });
    const events: SessionEvent[] = [];
    const client = await world.connect({
      onSessionEvent: (event) => events.push(event),
      refreshSkewMs: 60_000,
    });
    expect(events.map((event) => event.type)).toEqual(['authorized']);
    expect(events[0]).toMatchObject({
      source: 'this-client',
      grant: { resource: MCP_URL, refreshable: true },
    });

    await vi.advanceTimersByTimeAsync(3_540_000 - 5_000);
    expect(events.map((event) => event.type)).toEqual(['authorized']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events.map((event) => event.type)).toEqual(['authorized', 'expiring']);
    const expiring = events[1];
    expect(expiring?.type === 'expiring' && expiring.grant.expiresAt).toBe((await client.grant())?.expiresAt);
    // Once per access token: no second `expiring` for the same one.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(events.map((event) => event.type)).toEqual(['authorized', 'expiring']);

    moveClockBy(3_550);
    await client.getAccessToken();
    expect(events.map((event) => event.type)).toEqual(['authorized', 'expiring', 'refreshed']);

    await client.signOut();
    expect(events.at(-1)).toMatchObject({ type: 'signed-out', source: 'this-client', reason: 'signed-out' });
    const serialized = JSON.stringify(events);
    for (const response of world.tokenResponses) {
      expect(serialized).not.toContain(String(response.body['access_token']));
      expect(serialized).not.toContain(String(response.body['refresh_token']));
    }
  });

  it('tells signed-out (grant-refused) when the refresh token is refused, then authorized again', async () => {
    const world = createMockWorld();
    const events: SessionEvent[] = [];
    const client = await world.connect({ onSessionEvent: (event) => events.push(event) });
    world.mock.control.revokeAllTokens();
    await client.callTool({ name: 'whoami', arguments: {} });
    expect(events.map((event) => [event.type, event.type === 'signed-out' ? event.reason : ''])).toEqual([
      ['authorized', ''],
      ['signed-out', 'grant-refused'],
      ['authorized', ''],
    ]);
    await client.close();
  });

  it("follows another tab's refresh and sign-out, once each, as other-context events", async () => {
    const world = createMockWorld();
    const tab = sharedStorage();
    const first = await world.connect({ storage: tab() });
    const events: SessionEvent[] = [];
    const second = authorizationFor(world, { storage: tab(), onSessionEvent: (event) => events.push(event) });
    const before = await second.getAccessToken();

    world.mock.control.expireAllTokens('access');
    await first.callTool({ name: 'whoami', arguments: {} });
    await eventually(events, (event) => event.type === 'refreshed');
    expect(events.at(-1)).toMatchObject({ type: 'refreshed', source: 'other-context' });
    expect(await second.getAccessToken()).not.toBe(before);

    await first.signOut();
    await eventually(events, (event) => event.type === 'signed-out');
    // Let the removal of the grant arrive too: it must not be told a second time.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.filter((event) => event.type === 'signed-out')).toEqual([
      expect.objectContaining({ source: 'other-context', reason: 'signed-out' }),
    ]);
    expect(await second.isSignedIn()).toBe(false);
    second.close();
  });

  it('stops timing and following on close(): no event after it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const world = createMockWorld({ tokenLifetimes: { accessTokenSeconds: 60 } });
    const events: SessionEvent[] = [];
    const authorization = authorizationFor(world, { onSessionEvent: (event) => events.push(event) });
    await authorization.getAccessToken();
    authorization.close();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(events.map((event) => event.type)).toEqual(['authorized']);
  });

  it('times tokens that live longer than a timer can wait (about 24.8 days) in steps', async () => {
    // The clock moves with the timers: `expiring` comes 60 s before the end of a 300-day token, after 13 steps.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const world = createMockWorld({ tokenLifetimes: { accessTokenSeconds: 300 * 24 * 3600 } });
    const events: SessionEvent[] = [];
    const authorization = authorizationFor(world, { onSessionEvent: (event) => events.push(event) });
    await authorization.getAccessToken();
    const expiresAt = (await authorization.grant())?.expiresAt ?? 0;
    await vi.advanceTimersByTimeAsync(expiresAt - 61_000 - Date.now());
    expect(events.map((event) => event.type)).toEqual(['authorized']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(events.map((event) => event.type)).toEqual(['authorized', 'expiring']);
    authorization.close();
  });
});

describe("the SDK's OAuthClientProvider adapter", () => {
  async function sdkClient(world: MockWorld, authorization: McpAuthorization): Promise<Client> {
    const client = new Client({ name: 'own transport', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(MCP_URL), {
        authProvider: authorization.asOAuthClientProvider(),
        fetch: world.fetch,
      }),
    );
    return client;
  }

  it("connects an SDK transport with this package's sign-in, and refreshes ahead of expiry itself", async () => {
    const world = createMockWorld();
    const authorization = authorizationFor(world);
    const client = await sdkClient(world, authorization);
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['resource']).toBe(MCP_URL);
    expect(world.requestsTo('register')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toHaveLength(1);

    const expiresIn = Number(world.tokenResponses[0]?.body['expires_in']);
    moveClockBy(expiresIn + 10);
    world.mock.control.clearRequests();
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['resource']).toBe(MCP_URL);
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toEqual([]);
    expect(world.requestsTo('mcp').map((entry) => entry.status)).not.toContain(401);
    await client.close();
    authorization.close();
  });

  it('after a refused token: refreshes with its own flow, fails that one call as the SDK does, and the retry succeeds', async () => {
    const world = createMockWorld();
    const authorization = authorizationFor(world);
    const client = await sdkClient(world, authorization);
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();
    await expect(client.callTool({ name: 'whoami', arguments: {} })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toEqual([]);
    expect(world.requestsTo('register')).toEqual([]);
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['resource']).toBe(MCP_URL);
    await client.close();
    authorization.close();
  });

  it('shares one refresh between auth() calls the SDK makes for requests refused together, even one started late', async () => {
    const world = createMockWorld();
    const authorization = authorizationFor(world);
    const provider = authorization.asOAuthClientProvider();
    await authorization.getAccessToken();
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();
    const authorizationUrl = new URL('http://localhost:8000/authorize?scope=');
    // Two auth() calls begun together (a POST and the event stream refused at once), then one begun after the
    // refresh for a request that had carried the old token too.
    await Promise.all([provider.discoveryState?.(), provider.discoveryState?.()]);
    await Promise.all([
      provider.redirectToAuthorization(authorizationUrl),
      provider.redirectToAuthorization(authorizationUrl),
    ]);
    await provider.discoveryState?.();
    await provider.redirectToAuthorization(authorizationUrl);
    expect(world.grants('refresh_token')).toHaveLength(1);
    expect(world.requestsTo('authorize')).toEqual([]);
    expect(
      await world.mock.provider.loadAccessToken((await provider.tokens())?.access_token ?? ''),
    ).toBeDefined();
    authorization.close();
  });

  it('gives the SDK the client id from storage, no secret, and never a refresh token', async () => {
    const world = createMockWorld();
    const authorization = authorizationFor(world);
    const provider = authorization.asOAuthClientProvider();
    const tokens = await provider.tokens();
    world.mock.control.clearRequests();
    const info = await provider.clientInformation();
    expect(world.mock.control.requests()).toEqual([]);
    expect(info).toEqual({ client_id: (await authorization.grant())?.clientId });
    expect(tokens).not.toHaveProperty('refresh_token');
    expect(tokens?.token_type).toBe('Bearer');
    authorization.close();
  });

  it("steps up with this package's flow when the SDK meets 403 insufficient_scope", async () => {
    const world = createMockWorld({
      requiredScopes: ['read'],
      clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write', 'admin'] },
    });
    world.mock.control.usePreset('step-up');
    const authorization = authorizationFor(world);
    const client = await sdkClient(world, authorization);
    await expect(
      client.callTool({ name: 'elevated_echo', arguments: { message: 'up' } }),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    const scopes = world.requestsTo('authorize').map((entry) => entry.query['scope']?.split(' ').sort());
    expect(scopes).toEqual([['read'], ['admin', 'read']]);
    const result = await client.callTool({ name: 'elevated_echo', arguments: { message: 'up' } });
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('up');
    await client.close();
    authorization.close();
  });
});
