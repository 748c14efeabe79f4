/**
 * Workload identity federation (`workloadIdentity`) through the public API against the mock in `spec: 'latest'`:
 * the workload's JWT, minted by the mock's workload platform (or a configured trusted issuer), redeemed with the
 * JWT bearer grant; renewal by a fresh assertion from the callback, once for many callers; refused assertions
 * (expired, wrong audience, replayed, untrusted) and scopes surface typed, after one request, with no other grant
 * tried; no assertion in events or errors.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthedMcpClient, createMcpAuthorization, McpAuthError } from '../../../src/index.js';
import type { AuthedMcpClientOptions, FlowEvent, WorkloadIdentity } from '../../../src/index.js';
import { mintWorkloadJwt } from '../../../mock-server/index.js';
import type { ClientInformation } from '../../../mock-server/index.js';
import { generateKeyPair, signAssertion } from './support/machine-clients.js';
import type { TestKeyPair } from './support/machine-clients.js';
import { createMockWorld, failure, MCP_URL, ORIGIN, toolJson } from './support/mock-world.js';
import type { MockWorld } from './support/mock-world.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The workload as the authorization server knows it: a public client allowed the JWT bearer grant. */
function workloadClient(clientId: string, grantTypes = [JWT_BEARER]): ClientInformation {
  return {
    client_id: clientId,
    token_endpoint_auth_method: 'none',
    grant_types: grantTypes,
    redirect_uris: ['https://machine.example/unused'],
    scope: 'read write',
  };
}

let outsider: TestKeyPair;

beforeAll(async () => {
  outsider = await generateKeyPair('RS256');
});

afterEach(() => {
  vi.useRealTimers();
});

function workloadWorld(settings: Parameters<typeof createMockWorld>[0] = {}): MockWorld {
  return createMockWorld({
    spec: 'latest',
    clients: [workloadClient('wif-client'), workloadClient('cc-only', ['client_credentials'])],
    ...settings,
  });
}

function connect(
  world: MockWorld,
  workloadIdentity: WorkloadIdentity,
  options: AuthedMcpClientOptions = {},
): ReturnType<typeof createAuthedMcpClient> {
  return createAuthedMcpClient(MCP_URL, { fetch: world.fetch, workloadIdentity, ...options });
}

function grantTypes(world: MockWorld): Array<string | undefined> {
  return world.requestsTo('token').map((entry) => entry.form['grant_type']);
}

describe('createAuthedMcpClient with workloadIdentity', () => {
  it('redeems the workload JWT with one JWT bearer request: the token acts for the workload', async () => {
    const world = workloadWorld();
    const events: FlowEvent[] = [];
    const assertion = await mintWorkloadJwt(world.mock, { subject: 'ci-job-42' });
    const client = await connect(
      world,
      { clientId: 'wif-client', assertion },
      { onEvent: (event) => events.push(event) },
    );

    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    expect(who).toMatchObject({ client_id: 'wif-client', subject: 'ci-job-42', resource: MCP_URL });
    expect(world.requestsTo('authorize')).toEqual([]);
    expect(world.requestsTo('register')).toEqual([]);
    const [request, ...others] = world.requestsTo('token');
    expect(others).toEqual([]);
    expect(request?.form).toMatchObject({
      grant_type: JWT_BEARER,
      client_id: 'wif-client',
      resource: MCP_URL,
    });
    expect(request?.form).toHaveProperty('assertion');
    expect(request?.authorization).toBeUndefined();
    expect(request?.status).toBe(200);
    expect(events.filter((e) => e.step === 'token').map((e) => e.status)).toEqual(['started', 'succeeded']);
    expect(JSON.stringify(events)).not.toContain(assertion);
    await client.close();
  });

  it('asks the callback for a fresh assertion on renewal: once for 50 concurrent calls', async () => {
    const world = workloadWorld();
    const assertion = vi.fn(() => mintWorkloadJwt(world.mock));
    const client = await connect(world, { clientId: 'wif-client', assertion });
    await client.listTools();
    expect(assertion).toHaveBeenCalledTimes(1);
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.callTool({ name: 'echo', arguments: { message: `${i}` } })),
    );
    expect(results.map((r) => (r.content as Array<{ text: string }>)[0]?.text)).toEqual(
      Array.from({ length: 50 }, (_, i) => `${i}`),
    );
    expect(grantTypes(world)).toEqual([JWT_BEARER]);
    expect(assertion).toHaveBeenCalledTimes(2);
    await client.close();
  });

  it('renews ahead of expiry with a fresh assertion, once for 50 concurrent calls', async () => {
    const world = workloadWorld({ tokenLifetimes: { accessTokenSeconds: 300 } });
    const assertion = vi.fn(() => mintWorkloadJwt(world.mock));
    const client = await connect(world, { clientId: 'wif-client', assertion });
    await client.listTools();
    world.mock.control.clearRequests();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 250_000 });

    await Promise.all(Array.from({ length: 50 }, () => client.listTools()));
    expect(grantTypes(world)).toEqual([JWT_BEARER]);
    expect(world.requestsTo('mcp').filter((entry) => entry.status === 401)).toEqual([]);
    expect(assertion).toHaveBeenCalledTimes(2);
    await client.close();
  });

  it.each([
    ['expired', { expiresInSeconds: -120 }, /expired/],
    ['meant for another audience', { audience: 'https://wrong.example' }, /audience/],
  ])(
    'refuses an assertion that is %s: invalid_grant, one request, no retry, no other grant',
    async (_name, mint, description) => {
      const world = workloadWorld();
      const assertion = await mintWorkloadJwt(world.mock, mint);
      const events: FlowEvent[] = [];
      const error = await failure(
        connect(world, { clientId: 'wif-client', assertion }, { onEvent: (e) => events.push(e) }),
      );
      expect(error.code).toBe('invalid_grant');
      expect(error.step).toBe('token');
      expect(error.serverError).toBe('invalid_grant');
      expect(error.serverErrorDescription).toMatch(description);
      expect(grantTypes(world)).toEqual([JWT_BEARER]);
      expect(world.requestsTo('authorize')).toEqual([]);
      expect(JSON.stringify({ message: error.message, events })).not.toContain(assertion);
      expect(events.some((e) => e.step === 'token' && e.status === 'failed')).toBe(true);
    },
  );

  it('refuses a replayed assertion: the same JWT a second time is invalid_grant', async () => {
    const world = workloadWorld();
    const assertion = await mintWorkloadJwt(world.mock);
    const first = await connect(world, { clientId: 'wif-client', assertion });
    await first.close();
    const error = await failure(connect(world, { clientId: 'wif-client', assertion }));
    expect(error.code).toBe('invalid_grant');
    expect(error.serverErrorDescription).toMatch(/already used/);
  });

  it('sends a refused assertion once: a fixed JWT refused at renewal is thrown typed, not sent again as a new sign-in', async () => {
    const world = workloadWorld();
    const assertion = await mintWorkloadJwt(world.mock);
    const client = await connect(world, { clientId: 'wif-client', assertion });
    world.mock.control.clearRequests();
    world.mock.control.expireAllTokens('access');
    const error = await failure(client.callTool({ name: 'whoami', arguments: {} }));
    expect(error.code).toBe('invalid_grant');
    expect(error.message).toContain('check the assertion');
    // One token request (the renewal, refused as a replay), no discovery and no second request.
    expect(world.mock.control.requests().map((entry) => entry.endpoint)).toEqual(['mcp', 'token']);
    await client.close();
  });

  it('refuses an assertion from an issuer the server does not trust, and accepts one it was told to trust', async () => {
    const claims = {
      iss: 'https://ci.example',
      sub: 'pipeline-7',
      aud: ORIGIN,
      exp: Math.floor(Date.now() / 1000) + 300,
      jti: crypto.randomUUID(),
    };
    const untrusted = workloadWorld();
    const refused = await failure(
      connect(untrusted, { clientId: 'wif-client', assertion: await signAssertion(outsider, claims) }),
    );
    expect(refused.serverErrorDescription).toMatch(/not trusted/);

    const trusting = workloadWorld({
      trustedAssertionIssuers: [{ issuer: 'https://ci.example', jwks: { keys: [outsider.publicJwk] } }],
    });
    const client = await connect(trusting, {
      clientId: 'wif-client',
      assertion: await signAssertion(outsider, { ...claims, jti: crypto.randomUUID() }),
    });
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['subject']).toBe('pipeline-7');
    await client.close();
  });

  it('surfaces invalid_scope typed after one request', async () => {
    const world = workloadWorld();
    const error = await failure(
      connect(
        world,
        { clientId: 'wif-client', assertion: () => mintWorkloadJwt(world.mock) },
        { scopes: ['admin'] },
      ),
    );
    expect(error.code).toBe('token_request_failed');
    expect(error.serverError).toBe('invalid_scope');
    expect(grantTypes(world)).toEqual([JWT_BEARER]);
  });

  it('surfaces a client the server does not allow the grant, without trying another grant', async () => {
    const world = workloadWorld();
    const error = await failure(
      connect(world, { clientId: 'cc-only', assertion: () => mintWorkloadJwt(world.mock) }),
    );
    expect(error.code).toBe('token_request_failed');
    expect(error.serverError).toBe('unsupported_grant_type');
    expect(grantTypes(world)).toEqual([JWT_BEARER]);
  });

  it('fails typed, without a token request, when the callback fails or returns no JWT', async () => {
    const world = workloadWorld();
    const thrown = await failure(
      connect(world, {
        clientId: 'wif-client',
        assertion: () => {
          throw new Error('metadata server down, token eyJsecret');
        },
      }),
    );
    expect(thrown.code).toBe('token_request_failed');
    expect(thrown.message).not.toContain('eyJsecret');
    const empty = await failure(
      connect(world, { clientId: 'wif-client', assertion: async () => '' as string }),
    );
    expect(empty.code).toBe('token_request_failed');
    expect(world.requestsTo('token')).toEqual([]);
  });

  it('signOut revokes the access token', async () => {
    const world = workloadWorld();
    const client = await connect(world, {
      clientId: 'wif-client',
      assertion: () => mintWorkloadJwt(world.mock),
    });
    await client.listTools();
    const token = world.tokenResponses.find((entry) => entry.grantType === JWT_BEARER)?.body[
      'access_token'
    ] as string;
    expect(await world.mock.provider.loadAccessToken(token)).toBeDefined();
    await client.signOut();
    expect(await world.mock.provider.loadAccessToken(token)).toBeUndefined();
    await client.close();
  });

  it('works the same through createMcpAuthorization', async () => {
    const world = workloadWorld();
    const authorization = createMcpAuthorization(MCP_URL, {
      fetch: world.fetch,
      workloadIdentity: { clientId: 'wif-client', assertion: () => mintWorkloadJwt(world.mock) },
    });
    const token = await authorization.getAccessToken();
    expect((await world.mock.provider.loadAccessToken(token))?.subject).toBe('workload-1');
    expect((await authorization.grant())?.clientId).toBe('wif-client');
    authorization.close();
  });
});

describe('workloadIdentity validation', () => {
  it.each([
    ['no clientId', { assertion: 'eyJ.a.b' }],
    ['an empty assertion', { clientId: 'a', assertion: '' }],
    ['an assertion that is neither a string nor a function', { clientId: 'a', assertion: 42 }],
    ['an issuer that is no URL', { clientId: 'a', assertion: 'x.y.z', issuer: 'nowhere' }],
  ])('refuses %s with invalid_option', async (_name, value) => {
    const options = { workloadIdentity: value as unknown as WorkloadIdentity };
    expect((await failure(createAuthedMcpClient(MCP_URL, options))).code).toBe('invalid_option');
    expect(() => createMcpAuthorization(MCP_URL, options)).toThrow(McpAuthError);
  });

  it('refuses workloadIdentity together with another client', () => {
    const workloadIdentity = { clientId: 'a', assertion: 'x.y.z' };
    expect(() =>
      createMcpAuthorization(MCP_URL, {
        workloadIdentity,
        clientCredentials: { clientId: 'b', clientSecret: 's' },
      }),
    ).toThrow(/two clients/);
    expect(() =>
      createMcpAuthorization(MCP_URL, { workloadIdentity, credentials: { clientId: 'b' } }),
    ).toThrow(/client of its own/);
  });
});
