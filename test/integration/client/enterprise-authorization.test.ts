/**
 * Enterprise-managed authorization (`enterpriseAuthorization`) through the public API against the mock in
 * `spec: 'latest'`, which plays both the enterprise identity provider (`<issuer>/idp`) and the MCP authorization
 * server: the ID token is exchanged at the IdP for an identity assertion (RFC 8693), which the client redeems with the
 * JWT bearer grant authenticated with its secret. Renewal, refusals at either server, and secrecy.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAuthedMcpClient, createMcpAuthorization, McpAuthError } from '../../../src/index.js';
import type { AuthedMcpClientOptions, EnterpriseAuthorization, FlowEvent } from '../../../src/index.js';
import { mintIdToken } from '../../../mock-server/index.js';
import type { ClientInformation } from '../../../mock-server/index.js';
import { createMockWorld, failure, MCP_URL, ORIGIN, toolJson } from './support/mock-world.js';
import type { MockWorld } from './support/mock-world.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const SECRET = 'enterprise-secret-value-789';
const IDP = `${ORIGIN}/idp`;

/** One client id at both servers (the mock IdP names its own client in the assertion). */
function enterpriseClient(clientId: string): ClientInformation {
  return {
    client_id: clientId,
    client_secret: SECRET,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: [JWT_BEARER],
    redirect_uris: ['https://machine.example/unused'],
    scope: 'read write',
  };
}

function enterpriseWorld(settings: Parameters<typeof createMockWorld>[0] = {}): MockWorld {
  return createMockWorld({
    spec: 'latest',
    clients: [enterpriseClient('ent-client'), enterpriseClient('other-client')],
    ...settings,
  });
}

function option(
  idToken: EnterpriseAuthorization['idToken'],
  overrides: Partial<EnterpriseAuthorization> = {},
): EnterpriseAuthorization {
  return {
    idToken,
    identityProvider: { issuer: IDP, clientId: 'ent-client', clientSecret: SECRET },
    client: { clientId: 'ent-client', clientSecret: SECRET },
    ...overrides,
  };
}

function connect(
  world: MockWorld,
  enterpriseAuthorization: EnterpriseAuthorization,
  options: AuthedMcpClientOptions = {},
): ReturnType<typeof createAuthedMcpClient> {
  return createAuthedMcpClient(MCP_URL, { fetch: world.fetch, enterpriseAuthorization, ...options });
}

/** The requests to the IdP's token endpoint. */
function exchanges(world: MockWorld): Array<Record<string, string>> {
  return world.mock.control
    .requests()
    .filter((entry) => entry.path === '/idp/token')
    .map((entry) => entry.form);
}

describe('createAuthedMcpClient with enterpriseAuthorization', () => {
  it('with dpop: proves its key at the authorization server only, never at the IdP, and gets a DPoP token', async () => {
    const world = enterpriseWorld();
    const proofs: Array<{ path: string; dpop: boolean }> = [];
    const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      if (path.endsWith('/token')) proofs.push({ path, dpop: request.headers.has('dpop') });
      return world.fetch(request);
    };
    const idToken = await mintIdToken(world.mock, { clientId: 'ent-client' });
    const client = await createAuthedMcpClient(MCP_URL, {
      fetch,
      enterpriseAuthorization: option(idToken),
      dpop: true,
    });
    await client.callTool({ name: 'whoami', arguments: {} });
    expect(proofs).toEqual([
      { path: '/idp/token', dpop: false },
      { path: '/token', dpop: true },
    ]);
    expect(await client.grant()).toMatchObject({ tokenType: 'DPoP' });
    await client.close();
  });

  it('exchanges the ID token at the IdP, then redeems the identity assertion: the token acts for the user', async () => {
    const world = enterpriseWorld();
    const events: FlowEvent[] = [];
    const idToken = await mintIdToken(world.mock, { clientId: 'ent-client', subject: 'alice@corp.example' });
    const client = await connect(world, option(idToken), { onEvent: (event) => events.push(event) });

    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    expect(who).toMatchObject({ client_id: 'ent-client', subject: 'alice@corp.example', resource: MCP_URL });
    const [exchange, ...moreExchanges] = exchanges(world);
    expect(moreExchanges).toEqual([]);
    expect(exchange).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      audience: world.mock.settings.issuerUrl,
      resource: MCP_URL,
    });
    const [grant, ...moreGrants] = world.requestsTo('token');
    expect(moreGrants).toEqual([]);
    expect(grant?.form['grant_type']).toBe(JWT_BEARER);
    expect(grant?.authorization).toMatch(/^Basic /);
    expect(grant?.status).toBe(200);
    expect(world.requestsTo('authorize')).toEqual([]);

    const idJag = world.tokenResponses.find((entry) => entry.body['issued_token_type'])?.body[
      'access_token'
    ] as string;
    expect(idJag.split('.')).toHaveLength(3);
    expect(events.filter((e) => e.step === 'token').map((e) => e.status)).toEqual([
      'started',
      'succeeded',
      'started',
      'succeeded',
    ]);
    const seen = JSON.stringify(events);
    for (const secret of [idToken, idJag, SECRET]) expect(seen).not.toContain(secret);
    await client.close();
  });

  it('uses the token endpoint it is given, without discovery at the IdP', async () => {
    const world = enterpriseWorld();
    const client = await connect(
      world,
      option(() => mintIdToken(world.mock, { clientId: 'ent-client' }), {
        identityProvider: { tokenEndpoint: `${IDP}/token`, clientId: 'ent-client', clientSecret: SECRET },
      }),
    );
    await client.listTools();
    const idpDocuments = world.mock.control
      .requests()
      .filter((entry) => entry.path.includes('idp') && entry.method === 'GET');
    expect(idpDocuments).toEqual([]);
    expect(exchanges(world)).toHaveLength(1);
    await client.close();
  });

  it('renews with a fresh ID token and assertion: once for 50 concurrent calls', async () => {
    const world = enterpriseWorld();
    const idToken = vi.fn(() => mintIdToken(world.mock, { clientId: 'ent-client' }));
    const client = await connect(world, option(idToken));
    await client.listTools();
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();

    await Promise.all(Array.from({ length: 50 }, () => client.callTool({ name: 'whoami', arguments: {} })));
    expect(exchanges(world)).toHaveLength(1);
    expect(world.requestsTo('token').map((entry) => entry.form['grant_type'])).toEqual([JWT_BEARER]);
    expect(idToken).toHaveBeenCalledTimes(2);
    await client.close();
  });

  it('fails typed when the IdP refuses the ID token, and asks the authorization server nothing', async () => {
    const world = enterpriseWorld();
    const expired = await mintIdToken(world.mock, { clientId: 'ent-client', expiresInSeconds: -600 });
    const events: FlowEvent[] = [];
    const error = await failure(connect(world, option(expired), { onEvent: (e) => events.push(e) }));
    expect(error.code).toBe('invalid_grant');
    expect(error.step).toBe('token');
    expect(error.message).toMatch(/token exchange/);
    expect(world.requestsTo('token')).toEqual([]);
    expect(exchanges(world)).toHaveLength(1);
    expect(JSON.stringify({ message: error.message, events })).not.toContain(expired);
  });

  it('fails typed when the ID token was issued to another IdP client', async () => {
    const world = enterpriseWorld();
    const foreign = await mintIdToken(world.mock, { clientId: 'other-client' });
    const error = await failure(connect(world, option(foreign)));
    expect(error.serverError).toBe('invalid_grant');
    expect(world.requestsTo('token')).toEqual([]);
  });

  it('fails typed when the identity assertion names another client than the one redeeming it', async () => {
    const world = enterpriseWorld();
    const error = await failure(
      connect(
        world,
        option(() => mintIdToken(world.mock, { clientId: 'ent-client' }), {
          client: { clientId: 'other-client', clientSecret: SECRET },
        }),
      ),
    );
    expect(error.code).toBe('invalid_grant');
    expect(error.serverErrorDescription).toMatch(/another client/);
    expect(world.requestsTo('token')).toHaveLength(1);
  });

  it('fails typed on a wrong secret at the authorization server, the secret nowhere in sight', async () => {
    const world = enterpriseWorld();
    const events: FlowEvent[] = [];
    const error = await failure(
      connect(
        world,
        option(() => mintIdToken(world.mock, { clientId: 'ent-client' }), {
          client: { clientId: 'ent-client', clientSecret: 'wrong-secret-value-000' },
        }),
        { onEvent: (e) => events.push(e) },
      ),
    );
    expect(error.step).toBe('token');
    expect(error.status).toBe(401);
    expect(world.requestsTo('token')).toHaveLength(1);
    expect(JSON.stringify({ error, message: error.message, events })).not.toContain('wrong-secret-value-000');
  });

  it('fails typed on a wrong secret at the IdP', async () => {
    const world = enterpriseWorld();
    const error = await failure(
      connect(
        world,
        option(() => mintIdToken(world.mock, { clientId: 'ent-client' }), {
          identityProvider: { issuer: IDP, clientId: 'ent-client', clientSecret: 'wrong-idp-secret-111' },
        }),
      ),
    );
    expect(error.serverError).toBe('invalid_client');
    expect(error.status).toBe(401);
    expect(error.message).not.toContain('wrong-idp-secret-111');
    expect(world.requestsTo('token')).toEqual([]);
  });

  it('signOut revokes the access token', async () => {
    const world = enterpriseWorld();
    const client = await connect(
      world,
      option(() => mintIdToken(world.mock, { clientId: 'ent-client' })),
    );
    await client.listTools();
    const token = world.tokenResponses.find((entry) => entry.grantType === JWT_BEARER)?.body[
      'access_token'
    ] as string;
    expect(await world.mock.provider.loadAccessToken(token)).toBeDefined();
    await client.signOut();
    expect(await world.mock.provider.loadAccessToken(token)).toBeUndefined();
    await client.close();
  });
});

describe('enterpriseAuthorization validation', () => {
  const valid = option('header.payload.signature');
  it.each([
    ['no ID token', { ...valid, idToken: undefined }],
    ['an IdP with neither issuer nor token endpoint', { ...valid, identityProvider: { clientId: 'a' } }],
    [
      'an IdP token endpoint that is no URL',
      { ...valid, identityProvider: { tokenEndpoint: 'x', clientId: 'a' } },
    ],
    ['no IdP client id', { ...valid, identityProvider: { issuer: IDP } }],
    ['no MCP client', { ...valid, client: undefined }],
    ['an empty MCP client secret', { ...valid, client: { clientId: 'a', clientSecret: '' } }],
  ])('refuses %s with invalid_option', async (_name, value) => {
    const options = { enterpriseAuthorization: value as unknown as EnterpriseAuthorization };
    expect((await failure(createAuthedMcpClient(MCP_URL, options))).code).toBe('invalid_option');
    expect(() => createMcpAuthorization(MCP_URL, options)).toThrow(McpAuthError);
  });

  it('refuses enterpriseAuthorization together with another client', () => {
    expect(() =>
      createMcpAuthorization(MCP_URL, {
        enterpriseAuthorization: valid,
        workloadIdentity: { clientId: 'w', assertion: 'x.y.z' },
      }),
    ).toThrow(/two clients/);
    expect(() =>
      createMcpAuthorization(MCP_URL, {
        enterpriseAuthorization: valid,
        clientMetadataUrl: 'https://a.example/c',
      }),
    ).toThrow(/client of its own/);
  });
});
