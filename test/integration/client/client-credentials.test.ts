/**
 * Machine-to-machine clients (`clientCredentials`) through the public API against the mock in `spec: 'latest'`:
 * no user, no registration, no redirect; a secret (Basic, post) or a private key (ES256 PEM, RS256 CryptoKey);
 * renewal by asking again, once for many concurrent callers; typed, scrubbed errors; sign-out revokes.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createAuthedMcpClient,
  createMcpAuthorization,
  McpAuthError,
  memoryStorage,
} from '../../../src/index.js';
import type { AuthedMcpClientOptions, ClientCredentials, FlowEvent } from '../../../src/index.js';
import { createMockAuthServer } from '../../../mock-server/index.js';
import { resourceMovedTo } from '../../../mock-server/presets.js';
import { keyClient, machineTestKeys, secretClient } from './support/machine-clients.js';
import type { TestKeyPair } from './support/machine-clients.js';
import { createMockWorld, failure, MCP_URL, toolJson } from './support/mock-world.js';
import type { MockWorld } from './support/mock-world.js';

const SECRET = 'machine-secret-value-123';

let es256: TestKeyPair;
let rs256: TestKeyPair;
let stranger: TestKeyPair;

beforeAll(async () => {
  ({ es256, rs256, stranger } = await machineTestKeys());
});

afterEach(() => {
  vi.useRealTimers();
});

function machineWorld(settings: Parameters<typeof createMockWorld>[0] = {}): MockWorld {
  return createMockWorld({
    spec: 'latest',
    clients: [
      secretClient('basic-machine', SECRET),
      secretClient('post-machine', SECRET, 'client_secret_post'),
      keyClient('es-machine', [{ ...es256.publicJwk, kid: 'es-1' }]),
      keyClient('rs-machine', [{ ...rs256.publicJwk, kid: 'rs-1' }]),
    ],
    ...settings,
  });
}

function connect(
  world: MockWorld,
  clientCredentials: ClientCredentials,
  options: AuthedMcpClientOptions = {},
): ReturnType<typeof createAuthedMcpClient> {
  return createAuthedMcpClient(MCP_URL, { fetch: world.fetch, clientCredentials, ...options });
}

const CASES: Array<[string, () => ClientCredentials, string]> = [
  ['client_secret_basic', () => ({ clientId: 'basic-machine', clientSecret: SECRET }), 'basic-machine'],
  [
    'client_secret_post',
    () => ({ clientId: 'post-machine', clientSecret: SECRET, tokenEndpointAuthMethod: 'client_secret_post' }),
    'post-machine',
  ],
  [
    'private_key_jwt with an ES256 PKCS#8 PEM',
    () => ({ clientId: 'es-machine', privateKey: es256.pem, algorithm: 'ES256', keyId: 'es-1' }),
    'es-machine',
  ],
  [
    'private_key_jwt with an RS256 CryptoKey',
    () => ({ clientId: 'rs-machine', privateKey: rs256.privateKey, algorithm: 'RS256' }),
    'rs-machine',
  ],
];

describe('createAuthedMcpClient with clientCredentials', () => {
  it('drops a grant whose renewal the server refuses, so the next call authorizes afresh instead of failing forever', async () => {
    const world = machineWorld();
    const storage = memoryStorage();
    const client = await connect(world, { clientId: 'basic-machine', clientSecret: SECRET }, { storage });
    // The stored grant asks for a scope the server no longer grants this client (an operator changed it).
    const key = `mcp-authed-client/v1/grant/${MCP_URL}`;
    const stored = JSON.parse(String(await storage.get(key))) as { requestedScopes: string[] };
    await storage.set(
      key,
      JSON.stringify({ ...stored, requestedScopes: [...stored.requestedScopes, 'legacy'] }),
    );
    world.mock.control.expireAllTokens('access');

    const refused = await failure(client.callTool({ name: 'whoami', arguments: {} }));
    expect(refused.serverError).toBe('invalid_scope');
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({
      client_id: 'basic-machine',
    });
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({
      client_id: 'basic-machine',
    });
    // One refused renewal, then one new token; the refused scope is never asked for again.
    const scopes = world.requestsTo('token').map((entry) => entry.form['scope'] ?? '');
    expect(scopes.filter((scope) => scope.split(' ').includes('legacy'))).toHaveLength(1);
    await client.close();
  });

  it.each(CASES)(
    'connects with %s: no user, no registration, one client_credentials request',
    async (_name, credentials, clientId) => {
      const world = machineWorld();
      const events: FlowEvent[] = [];
      const client = await connect(world, credentials(), { onEvent: (event) => events.push(event) });

      const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
      expect(who).toMatchObject({ client_id: clientId, subject: clientId, resource: MCP_URL });
      expect(world.requestsTo('authorize')).toEqual([]);
      expect(world.requestsTo('register')).toEqual([]);
      const tokenRequests = world.requestsTo('token');
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0]?.form['grant_type']).toBe('client_credentials');
      expect(tokenRequests[0]?.form['resource']).toBe(MCP_URL);
      expect(tokenRequests[0]?.status).toBe(200);
      const tokenEvents = events.filter((event) => event.step === 'token').map((event) => event.status);
      expect(tokenEvents).toEqual(['started', 'succeeded']);
      expect(events.some((event) => event.status === 'failed')).toBe(false);
      await client.close();
    },
  );

  it('authenticates as asked: Basic carries the secret in the header, private_key_jwt an assertion in the form', async () => {
    const world = machineWorld();
    const basic = await connect(world, { clientId: 'basic-machine', clientSecret: SECRET });
    await basic.listTools();
    const [basicRequest] = world.requestsTo('token');
    expect(basicRequest?.authorization).toMatch(/^Basic /);
    expect(basicRequest?.form).not.toHaveProperty('client_secret');
    await basic.close();

    world.mock.control.clearRequests();
    const signed = await connect(world, {
      clientId: 'es-machine',
      privateKey: es256.pem,
      algorithm: 'ES256',
    });
    await signed.listTools();
    const [jwtRequest] = world.requestsTo('token');
    expect(jwtRequest?.authorization).toBeUndefined();
    expect(jwtRequest?.form['client_assertion_type']).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    expect(jwtRequest?.form).toHaveProperty('client_assertion');
    await signed.close();
  });

  it('needs no user, so interactive: false does not stop it', async () => {
    const world = machineWorld();
    const client = await connect(
      world,
      { clientId: 'basic-machine', clientSecret: SECRET },
      { interactive: false },
    );
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it('replaces a stored grant of another client with a token for this one', async () => {
    const world = machineWorld();
    const storage = memoryStorage();
    const first = await connect(world, { clientId: 'basic-machine', clientSecret: SECRET }, { storage });
    await first.close();
    world.mock.control.expireAllTokens('access');
    const second = await connect(
      world,
      { clientId: 'post-machine', clientSecret: SECRET, tokenEndpointAuthMethod: 'client_secret_post' },
      { storage },
    );
    const who = toolJson(await second.callTool({ name: 'whoami', arguments: {} }));
    expect(who['client_id']).toBe('post-machine');
    expect((await second.grant())?.clientId).toBe('post-machine');
    await second.close();
  });

  it('requests the scopes given, within what the client may have', async () => {
    const world = machineWorld();
    const client = await connect(
      world,
      { clientId: 'basic-machine', clientSecret: SECRET },
      { scopes: ['read'] },
    );
    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    expect(who['scopes']).toEqual(['read']);
    expect(world.requestsTo('token')[0]?.form['scope']).toBe('read');
    await client.close();
  });

  it('asks for a new token once when 50 concurrent calls meet a token the server expired', async () => {
    const world = machineWorld();
    const events: FlowEvent[] = [];
    const client = await connect(
      world,
      { clientId: 'es-machine', privateKey: es256.pem, algorithm: 'ES256' },
      {
        onEvent: (event) => events.push(event),
      },
    );
    await client.listTools();
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();
    events.length = 0;

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.callTool({ name: 'echo', arguments: { message: `call ${i}` } }),
      ),
    );
    expect(results.map((r) => (r.content as Array<{ text: string }>)[0]?.text)).toEqual(
      Array.from({ length: 50 }, (_, i) => `call ${i}`),
    );
    const tokenRequests = world.requestsTo('token');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.form['grant_type']).toBe('client_credentials');
    expect(events.filter((e) => e.step === 'token').map((e) => e.status)).toEqual(['started', 'succeeded']);
    await client.close();
  });

  it('renews ahead of expiry: once, for 50 concurrent calls', async () => {
    const world = machineWorld({ tokenLifetimes: { accessTokenSeconds: 300 } });
    const client = await connect(world, { clientId: 'basic-machine', clientSecret: SECRET });
    await client.listTools();
    world.mock.control.clearRequests();
    // 250 s on, the token is still good at the server but inside the client's renewal margin.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 250_000 });

    await Promise.all(Array.from({ length: 50 }, () => client.listTools()));
    expect(world.requestsTo('token')).toHaveLength(1);
    expect(world.requestsTo('mcp').filter((entry) => entry.status === 401)).toEqual([]);
    await client.close();
  });

  it('counts as signed in after its token expired: it renews without the user', async () => {
    const world = machineWorld({ tokenLifetimes: { accessTokenSeconds: 300 } });
    const client = await connect(world, { clientId: 'basic-machine', clientSecret: SECRET });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 600_000 });
    expect(await client.grant()).toMatchObject({ expired: true, refreshable: true });
    expect(await client.isSignedIn()).toBe(true);
    await client.close();
  });

  it('never sends its secret to another authorization server the MCP server names later', async () => {
    const world = machineWorld();
    const impostor = createMockAuthServer({
      spec: 'latest',
      issuerUrl: 'http://localhost:9000',
      resourceServerUrl: MCP_URL,
      clients: [secretClient('basic-machine', SECRET)],
    });
    world.addServer(impostor);
    const client = await connect(world, { clientId: 'basic-machine', clientSecret: SECRET });
    await client.listTools();
    world.mock.control.reconfigure(resourceMovedTo(impostor.settings.issuerUrl));
    world.mock.control.revokeAllTokens();
    const error = await failure(client.listTools());
    expect(error.code).toBe('issuer_mismatch');
    expect(error.message).not.toContain(SECRET);
    expect(impostor.control.requests().filter((entry) => entry.endpoint === 'token')).toEqual([]);
    await client.close();
  });

  it('fails typed on a wrong secret, quoting the server without the secret', async () => {
    const world = machineWorld();
    const events: FlowEvent[] = [];
    const error = await failure(
      connect(
        world,
        { clientId: 'basic-machine', clientSecret: 'wrong-secret-value-456' },
        {
          onEvent: (event) => events.push(event),
        },
      ),
    );
    expect(error.step).toBe('token');
    expect(error.status).toBe(401);
    expect(error.serverError).toBe('unauthorized_client');
    expect(JSON.stringify({ error, message: error.message, events })).not.toContain('wrong-secret-value-456');
    expect(events.some((event) => event.step === 'token' && event.status === 'failed')).toBe(true);
  });

  it('fails typed when the key is not the registered one', async () => {
    const world = machineWorld();
    const error = await failure(
      connect(world, { clientId: 'es-machine', privateKey: stranger.pem, algorithm: 'ES256' }),
    );
    expect(error.step).toBe('token');
    expect(error.serverError).toBe('unauthorized_client');
    expect(error.serverErrorDescription).toMatch(/signature does not verify|No registered key/);
  });

  it('never lets a secret or an assertion out, even when the server quotes them back', async () => {
    const world = machineWorld();
    let assertion = '';
    // A hostile token endpoint that echoes what it was sent.
    const echoing: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.endsWith('/token')) return world.fetch(request);
      const form = new URLSearchParams(await request.text());
      assertion = form.get('client_assertion') ?? '';
      return Response.json(
        {
          error: 'invalid_client',
          error_description: `bad assertion ${assertion} or header ${request.headers.get('authorization')}`,
        },
        { status: 401 },
      );
    };
    const events: FlowEvent[] = [];
    const error = await failure(
      createAuthedMcpClient(MCP_URL, {
        fetch: echoing,
        clientCredentials: { clientId: 'es-machine', privateKey: es256.pem, algorithm: 'ES256' },
        onEvent: (event) => events.push(event),
      }),
    );
    expect(assertion.length).toBeGreaterThan(100);
    expect(error.serverError).toBe('invalid_client');
    const seen = JSON.stringify({
      message: error.message,
      description: error.serverErrorDescription,
      events,
    });
    expect(seen).not.toContain(assertion);
    expect(seen).not.toContain(assertion.split('.')[2]);

    const secretError = await failure(
      createAuthedMcpClient(MCP_URL, {
        fetch: echoing,
        clientCredentials: { clientId: 'basic-machine', clientSecret: SECRET },
        onEvent: (event) => events.push(event),
      }),
    );
    const secretSeen = JSON.stringify({
      m: secretError.message,
      d: secretError.serverErrorDescription,
      events,
    });
    expect(secretSeen).not.toContain(SECRET);
    expect(secretSeen).not.toContain(btoa(`basic-machine:${SECRET}`));
  });

  it('signOut revokes the access token', async () => {
    const world = machineWorld();
    const client = await connect(world, {
      clientId: 'es-machine',
      privateKey: es256.pem,
      algorithm: 'ES256',
    });
    await client.listTools();
    const issued = world.tokenResponses.find((entry) => entry.grantType === 'client_credentials');
    const token = issued?.body['access_token'] as string;
    expect(await world.mock.provider.loadAccessToken(token)).toBeDefined();
    await client.signOut();
    expect(world.requestsTo('revoke').map((entry) => entry.status)).toEqual([200]);
    expect(await world.mock.provider.loadAccessToken(token)).toBeUndefined();
    await client.close();
  });

  it('works the same through createMcpAuthorization', async () => {
    const world = machineWorld();
    const authorization = createMcpAuthorization(MCP_URL, {
      fetch: world.fetch,
      clientCredentials: { clientId: 'basic-machine', clientSecret: SECRET },
    });
    const token = await authorization.getAccessToken();
    expect((await world.mock.provider.loadAccessToken(token))?.clientId).toBe('basic-machine');
    expect(await authorization.getAccessToken()).toBe(token);
    expect(world.requestsTo('token')).toHaveLength(1);
    expect((await authorization.grant())?.clientId).toBe('basic-machine');
    await authorization.signOut();
    expect(await world.mock.provider.loadAccessToken(token)).toBeUndefined();
    authorization.close();
  });
});

describe('clientCredentials validation', () => {
  it.each([
    ['no clientId', { clientSecret: 'x' }],
    ['both a secret and a key', { clientId: 'a', clientSecret: 'x', privateKey: 'k', algorithm: 'ES256' }],
    ['neither a secret nor a key', { clientId: 'a' }],
    ['an empty secret', { clientId: 'a', clientSecret: '' }],
    ['a key that is not PEM', { clientId: 'a', privateKey: 'secret-key-material', algorithm: 'ES256' }],
    [
      'an unknown algorithm',
      {
        clientId: 'a',
        privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
        algorithm: 'HS256',
      },
    ],
    ['an unknown auth method', { clientId: 'a', clientSecret: 'x', tokenEndpointAuthMethod: 'none' }],
  ])('refuses %s with invalid_option, quoting no key material', async (_name, value) => {
    const options = { clientCredentials: value as unknown as ClientCredentials };
    const error = await failure(createAuthedMcpClient(MCP_URL, options));
    expect(error.code).toBe('invalid_option');
    expect(error.message).not.toContain('secret-key-material');
    expect(() => createMcpAuthorization(MCP_URL, options)).toThrow(McpAuthError);
  });

  it('refuses clientCredentials together with credentials', () => {
    expect(() =>
      createMcpAuthorization(MCP_URL, {
        clientCredentials: { clientId: 'a', clientSecret: 'x' },
        credentials: { clientId: 'b' },
      }),
    ).toThrow(/clientCredentials/);
  });

  it('refuses a CryptoKey of another algorithm, or one that cannot sign', async () => {
    const world = machineWorld();
    const mismatched = await failure(
      connect(world, { clientId: 'es-machine', privateKey: es256.privateKey, algorithm: 'RS256' }),
    );
    expect(mismatched.code).toBe('invalid_option');
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    expect(() =>
      createMcpAuthorization(MCP_URL, {
        clientCredentials: { clientId: 'es-machine', privateKey: pair.publicKey, algorithm: 'ES256' },
      }),
    ).toThrow(/private CryptoKey/);
    expect(world.requestsTo('token')).toEqual([]);
  });

  it('refuses a PEM that holds no key of the algorithm, when it is first used', async () => {
    const world = machineWorld();
    const error = await failure(
      connect(world, { clientId: 'es-machine', privateKey: rs256.pem, algorithm: 'ES256' }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.message).not.toContain(rs256.pem.split('\n')[1]);
    expect(world.requestsTo('token')).toEqual([]);
  });
});

describe('pre-registered credentials at a server that has only client_credentials', () => {
  it('are used as a machine client: no authorization request, a client_credentials grant', async () => {
    const world = machineWorld();
    // An authorization server for machines only: its metadata lists client_credentials alone.
    const machineOnly: typeof fetch = async (input, init) => {
      const response = await world.fetch(input, init);
      if (!new Request(input, init).url.endsWith('/.well-known/oauth-authorization-server')) return response;
      const metadata = (await response.json()) as Record<string, unknown>;
      return Response.json({ ...metadata, grant_types_supported: ['client_credentials'] });
    };
    const client = await createAuthedMcpClient(MCP_URL, {
      fetch: machineOnly,
      credentials: { clientId: 'basic-machine', clientSecret: SECRET },
    });
    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    expect(who['client_id']).toBe('basic-machine');
    expect(world.requestsTo('authorize')).toEqual([]);
    expect(world.requestsTo('token').map((entry) => entry.form['grant_type'])).toEqual([
      'client_credentials',
    ]);
    // Renewed as a machine client too.
    world.mock.control.expireAllTokens('access');
    await client.listTools();
    expect(world.requestsTo('token').map((entry) => entry.form['grant_type'])).toEqual([
      'client_credentials',
      'client_credentials',
    ]);
    await client.close();
  });

  it('are not, where the server also offers authorization_code', async () => {
    const world = machineWorld();
    const error = await failure(
      createAuthedMcpClient(MCP_URL, {
        fetch: world.fetch,
        credentials: { clientId: 'basic-machine', clientSecret: SECRET },
        interactive: false,
      }),
    );
    expect(error.code).toBe('interaction_required');
    expect(world.requestsTo('token')).toEqual([]);
  });
});
