/**
 * The mock's JWT bearer grant and identity provider (`beyondFastMcp.jwtBearerGrant`, on in `spec: 'latest'`):
 * assertions checked for trusted issuer, signature, audience, lifetime by the mock's clock, subject and `jti`
 * replay; identity assertions for the authenticating client and this MCP server; the IdP's token exchange of its
 * own ID tokens for identity assertions the authorization server accepts; advertised only when on; every client
 * mistake a 4xx.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createManualClock,
  SettingsError,
  createMockAuthServer,
  mintIdToken,
  mintWorkloadJwt,
} from '../../../mock-server/index.js';
import type {
  ClientInformation,
  MockAuthServer,
  MockAuthServerSettings,
} from '../../../mock-server/index.js';
import { generateKeyPair, signAssertion } from '../client/support/machine-clients.js';
import type { TestKeyPair } from '../client/support/machine-clients.js';

const ISSUER = 'http://localhost:8000';
const MCP = `${ISSUER}/mcp`;
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
const ID_JAG_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
const SECRET = 'ent-secret-value';

let outsider: TestKeyPair;
let rsa: TestKeyPair;

beforeAll(async () => {
  [outsider, rsa] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('RS256')]);
});

function client(clientId: string, extra: Partial<ClientInformation> = {}): ClientInformation {
  return {
    client_id: clientId,
    token_endpoint_auth_method: 'none',
    grant_types: [JWT_BEARER],
    redirect_uris: ['https://machine.example/cb'],
    scope: 'read write',
    ...extra,
  };
}

function createMock(settings: Partial<MockAuthServerSettings> = {}): MockAuthServer {
  return createMockAuthServer({
    issuerUrl: ISSUER,
    resourceServerUrl: MCP,
    spec: 'latest',
    clients: [
      client('workload'),
      client('ent', { client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic' }),
      client('other', { client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic' }),
    ],
    ...settings,
  });
}

function basic(id: string): Record<string, string> {
  return { authorization: `Basic ${btoa(`${id}:${SECRET}`)}` };
}

async function post(
  mock: MockAuthServer,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await mock.fetch(
    new Request(`${ISSUER}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function redeem(
  mock: MockAuthServer,
  assertion: string,
  clientId = 'workload',
  extra: Record<string, string> = {},
): ReturnType<typeof post> {
  const headers = clientId === 'workload' ? {} : basic(clientId);
  return post(mock, '/token', { grant_type: JWT_BEARER, client_id: clientId, assertion, ...extra }, headers);
}

function decode(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = jwt.split('.').map((part) => {
    try {
      return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    } catch {
      return {};
    }
  });
  return { header: header ?? {}, payload: payload ?? {} };
}

function outsiderClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'https://ci.example',
    sub: 'job',
    aud: ISSUER,
    exp: now + 120,
    jti: crypto.randomUUID(),
    ...overrides,
  };
}

describe('the JWT bearer grant', () => {
  it('is advertised and served only when switched on', async () => {
    const on = await (await createMock().fetch(`${ISSUER}/.well-known/oauth-authorization-server`)).json();
    expect(on.grant_types_supported).toContain(JWT_BEARER);
    const off = createMock({ spec: 'fastmcp' });
    const metadata = await (await off.fetch(`${ISSUER}/.well-known/oauth-authorization-server`)).json();
    expect(metadata.grant_types_supported).not.toContain(JWT_BEARER);
    const refused = await redeem(off, await mintWorkloadJwt(off));
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toBe('invalid_request');
    expect((await off.fetch(`${ISSUER}/idp/.well-known/openid-configuration`)).status).toBe(404);
  });

  it("issues a token for the assertion's subject, scoped as asked within the client's scope", async () => {
    const mock = createMock();
    const { status, body } = await redeem(
      mock,
      await mintWorkloadJwt(mock, { subject: 'job-9' }),
      'workload',
      {
        scope: 'read',
        resource: MCP,
      },
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
    expect(body).not.toHaveProperty('refresh_token');
    const token = await mock.provider.loadAccessToken(body['access_token'] as string);
    expect(token).toMatchObject({ clientId: 'workload', subject: 'job-9', scopes: ['read'], resource: MCP });
  });

  it('accepts the token endpoint as audience, and a configured issuer with RS256', async () => {
    const mock = createMock({
      trustedAssertionIssuers: [{ issuer: 'https://ci.example', jwks: { keys: [rsa.publicJwk] } }],
    });
    expect((await redeem(mock, await mintWorkloadJwt(mock, { audience: `${ISSUER}/token` }))).status).toBe(
      200,
    );
    expect((await redeem(mock, await signAssertion(rsa, outsiderClaims()))).status).toBe(200);
  });

  it.each<[string, (mock: MockAuthServer) => Promise<string>, RegExp]>([
    ['not a JWT', async () => 'not-a-jwt', /not a signed JWT/],
    ['from an untrusted issuer', async () => signAssertion(outsider, outsiderClaims()), /not trusted/],
    [
      'signed by another key than its issuer’s',
      async (mock) => signAssertion(outsider, outsiderClaims({ iss: `${mock.settings.issuerUrl}workload` })),
      /signature/,
    ],
    [
      'for another audience',
      (mock) => mintWorkloadJwt(mock, { audience: 'https://wrong.example' }),
      /audience/,
    ],
    ['expired', (mock) => mintWorkloadJwt(mock, { expiresInSeconds: -60 }), /expired/],
    [
      'not valid yet',
      (mock) => mintWorkloadJwt(mock, { claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }),
      /nbf/,
    ],
    [
      'issued in the future',
      (mock) => {
        const now = Math.floor(Date.now() / 1000);
        return mintWorkloadJwt(mock, { claims: { iat: now + 3600, exp: now + 7200 } });
      },
      /iat/,
    ],
    ['without a subject', (mock) => mintWorkloadJwt(mock, { claims: { sub: '' } }), /sub/],
    [
      // An ID token is for the client that signed the user in: only an identity assertion of the IdP is a grant.
      'of the identity provider that is no identity assertion (an ID token addressed to this server)',
      (mock) => mintIdToken(mock, { clientId: 'ent', audience: mock.settings.issuerUrl }),
      /identity assertion/,
    ],
    ['without an expiry', (mock) => mintWorkloadJwt(mock, { claims: { exp: 'never' } }), /exp/],
  ])('refuses an assertion %s: 400 invalid_grant', async (_name, make, description) => {
    const mock = createMock();
    const { status, body } = await redeem(mock, await make(mock));
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_grant');
    expect(body['error_description']).toMatch(description);
  });

  it('refuses a replayed assertion, and takes one without jti every time', async () => {
    const mock = createMock();
    const assertion = await mintWorkloadJwt(mock);
    expect((await redeem(mock, assertion)).status).toBe(200);
    const replay = await redeem(mock, assertion);
    expect(replay.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/already used/),
    });
    const noJti = await mintWorkloadJwt(mock, { claims: { jti: undefined } });
    expect((await redeem(mock, noJti)).status).toBe(200);
    expect((await redeem(mock, noJti)).status).toBe(200);
  });

  it("judges expiry by the mock's clock", async () => {
    const clock = createManualClock(Date.now());
    const mock = createMockAuthServer(
      { issuerUrl: ISSUER, resourceServerUrl: MCP, spec: 'latest', clients: [client('workload')] },
      { clock },
    );
    const assertion = await mintWorkloadJwt(mock, { expiresInSeconds: 60 });
    mock.control.clock.advance(120_000);
    expect((await redeem(mock, assertion)).body['error_description']).toMatch(/expired/);
  });

  it('refuses a missing assertion, a scope beyond the client, and a foreign resource, as 4xx', async () => {
    const mock = createMock();
    const missing = await post(mock, '/token', { grant_type: JWT_BEARER, client_id: 'workload' });
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const scope = await redeem(mock, await mintWorkloadJwt(mock), 'workload', { scope: 'admin' });
    expect(scope).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    const resource = await redeem(mock, await mintWorkloadJwt(mock), 'workload', {
      resource: 'https://x.example/mcp',
    });
    expect(resource).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  });
});

describe('trustedAssertionIssuers', () => {
  it.each([
    ['not a list', { issuer: 'https://ci.example' }],
    ['an entry without issuer', [{ jwks: { keys: [] } }]],
    ['an entry without a key set', [{ issuer: 'https://ci.example', jwks: [] }]],
  ])('refuses %s, naming the field', (_name, value) => {
    expect(() =>
      createMock({
        trustedAssertionIssuers: value as unknown as MockAuthServerSettings['trustedAssertionIssuers'],
      }),
    ).toThrow(SettingsError);
  });
});

describe('the identity provider', () => {
  async function exchange(
    mock: MockAuthServer,
    overrides: Record<string, string | undefined> = {},
    clientId = 'ent',
  ): ReturnType<typeof post> {
    const form = Object.fromEntries(
      Object.entries({
        grant_type: TOKEN_EXCHANGE,
        client_id: clientId,
        subject_token: await mintIdToken(mock, { clientId, subject: 'alice' }),
        subject_token_type: ID_TOKEN_TYPE,
        requested_token_type: ID_JAG_TYPE,
        audience: `${ISSUER}/`,
        resource: MCP,
        ...overrides,
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return post(mock, '/idp/token', form, basic(clientId));
  }

  it('publishes its metadata and keys', async () => {
    const mock = createMock();
    const metadata = await (await mock.fetch(`${ISSUER}/idp/.well-known/openid-configuration`)).json();
    expect(metadata).toMatchObject({
      issuer: `${ISSUER}/idp`,
      token_endpoint: `${ISSUER}/idp/token`,
      grant_types_supported: [TOKEN_EXCHANGE],
    });
    const rfc8414 = await (await mock.fetch(`${ISSUER}/.well-known/oauth-authorization-server/idp`)).json();
    expect(rfc8414).toStrictEqual(metadata);
    const jwks = (await (await mock.fetch(`${ISSUER}/idp/jwks`)).json()) as { keys: JsonWebKey[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect((await mock.fetch(`${ISSUER}/idp/authorize`)).status).toBe(400);
  });

  it('exchanges its ID token for an identity assertion the authorization server redeems', async () => {
    const mock = createMock();
    const { status, body } = await exchange(mock, { scope: 'read' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ issued_token_type: ID_JAG_TYPE, token_type: 'N_A' });
    const idJag = body['access_token'] as string;
    const { header, payload } = decode(idJag);
    expect(header).toMatchObject({ typ: 'oauth-id-jag+jwt', alg: 'ES256' });
    expect(payload).toMatchObject({
      iss: `${ISSUER}/idp`,
      sub: 'alice',
      client_id: 'ent',
      resource: MCP,
      scope: 'read',
    });

    const redeemed = await redeem(mock, idJag, 'ent');
    expect(redeemed.status).toBe(200);
    expect(await mock.provider.loadAccessToken(redeemed.body['access_token'] as string)).toMatchObject({
      clientId: 'ent',
      subject: 'alice',
    });
    expect((await redeem(mock, idJag, 'ent')).body['error_description']).toMatch(/already used/);
  });

  it('lets only the client it names redeem an identity assertion, only for this MCP server', async () => {
    const mock = createMock();
    const idJag = (await exchange(mock)).body['access_token'] as string;
    expect((await redeem(mock, idJag, 'other')).body['error_description']).toMatch(/another client/);

    const key = await mock.fetch(`${ISSUER}/idp/jwks`);
    expect(key.status).toBe(200);
    const otherResource = createMock({ resourceServerUrl: `${ISSUER}/other-mcp` });
    const foreign = (await exchange(otherResource, { resource: `${ISSUER}/other-mcp` })).body[
      'access_token'
    ] as string;
    otherResource.control.reconfigure({ resourceServerUrl: MCP });
    expect((await redeem(otherResource, foreign, 'ent')).body['error_description']).toMatch(/resource/);
  });

  it.each<[string, Record<string, string | undefined>, number, string]>([
    ['another grant type', { grant_type: 'client_credentials' }, 400, 'unsupported_grant_type'],
    ['no subject token', { subject_token: undefined }, 400, 'invalid_request'],
    [
      'another subject token type',
      { subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' },
      400,
      'invalid_request',
    ],
    ['another requested token type', { requested_token_type: 'urn:x' }, 400, 'invalid_request'],
    ['a subject token that is no JWT', { subject_token: 'garbage' }, 400, 'invalid_grant'],
    ['an unknown audience', { audience: 'https://elsewhere.example' }, 400, 'invalid_target'],
    ['an unknown resource', { resource: 'https://elsewhere.example/mcp' }, 400, 'invalid_target'],
  ])('refuses %s', async (_name, overrides, status, error) => {
    const result = await exchange(createMock(), overrides);
    expect(result.status).toBe(status);
    expect(result.body['error']).toBe(error);
  });

  it('refuses ID tokens it did not issue to the client, expired ones, and identity assertions as subject', async () => {
    const mock = createMock();
    const cases = [
      await mintIdToken(mock, { clientId: 'other' }),
      await mintIdToken(mock, { clientId: 'ent', expiresInSeconds: -600 }),
      await mintWorkloadJwt(mock, { audience: 'ent' }),
      (await exchange(mock)).body['access_token'] as string,
    ];
    for (const subjectToken of cases) {
      expect((await exchange(mock, { subject_token: subjectToken })).body['error']).toBe('invalid_grant');
    }
  });

  it('authenticates its clients: a wrong secret is 401 invalid_client', async () => {
    const mock = createMock();
    const response = await post(
      mock,
      '/idp/token',
      { grant_type: TOKEN_EXCHANGE, client_id: 'ent' },
      { authorization: `Basic ${btoa('ent:wrong')}` },
    );
    expect(response).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('answers malformed bodies with 4xx, never 5xx', async () => {
    const mock = createMock();
    for (const path of ['/idp/token', '/token']) {
      for (const body of ['', '%%%', 'grant_type=' + JWT_BEARER + '&assertion=a.b.c&client_id=workload']) {
        const response = await mock.fetch(
          new Request(`${ISSUER}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
          }),
        );
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }
    }
  });
});
