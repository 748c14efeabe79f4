/**
 * The mock's `client_credentials` grant (`beyondFastMcp.clientCredentialsGrant`, on in `spec: 'latest'`): secrets
 * (Basic and post) and `private_key_jwt` assertions checked for signature, iss/sub/aud, expiry and `jti` replay;
 * advertised only when on; every client mistake a 4xx.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../../../mock-server/index.js';
import type { MockAuthServer, MockAuthServerSettings } from '../../../mock-server/index.js';
import {
  keyClient,
  machineTestKeys,
  secretClient,
  signAssertion,
} from '../client/support/machine-clients.js';
import type { TestKeyPair } from '../client/support/machine-clients.js';

const ISSUER = 'http://localhost:8000';
const TOKEN = `${ISSUER}/token`;
const MCP = `${ISSUER}/mcp`;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let es256: TestKeyPair;
let rs256: TestKeyPair;
let stranger: TestKeyPair;

beforeAll(async () => {
  ({ es256, rs256, stranger } = await machineTestKeys());
});

function createMock(settings: Partial<MockAuthServerSettings> = {}): MockAuthServer {
  return createMockAuthServer({
    issuerUrl: ISSUER,
    resourceServerUrl: MCP,
    spec: 'latest',
    revocationOptions: { enabled: true },
    clients: [
      secretClient('basic-machine', 'basic-secret-value'),
      secretClient('post-machine', 'post-secret-value', 'client_secret_post'),
      keyClient('es-machine', [{ ...es256.publicJwk, kid: 'es-1' }]),
      keyClient('rs-machine', [{ ...rs256.publicJwk, kid: 'rs-1' }]),
      {
        client_id: 'public-machine',
        token_endpoint_auth_method: 'none',
        grant_types: ['client_credentials'],
        redirect_uris: ['https://machine.example/cb'],
      },
    ],
    ...settings,
  });
}

function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;
}

async function post(
  mock: MockAuthServer,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await mock.fetch(
    new Request(TOKEN, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function claims(clientId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: clientId,
    sub: clientId,
    aud: ISSUER,
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 60,
    ...overrides,
  };
}

async function assertionForm(
  clientId: string,
  assertion: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    ...extra,
  };
}

describe('the client_credentials grant of the mock', () => {
  it('is off in FastMCP mode: not advertised, refused as an unknown grant type', async () => {
    const mock = createMock({ spec: 'fastmcp' });
    const metadata = (await (
      await mock.fetch(new Request(`${ISSUER}/.well-known/oauth-authorization-server`))
    ).json()) as Record<string, unknown>;
    expect(metadata['grant_types_supported']).toEqual(['authorization_code', 'refresh_token']);
    expect(metadata['token_endpoint_auth_methods_supported']).not.toContain('private_key_jwt');
    expect(metadata).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported');
    const answer = await post(
      mock,
      { grant_type: 'client_credentials', client_id: 'basic-machine' },
      { authorization: basic('basic-machine', 'basic-secret-value') },
    );
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toBe('invalid_request');
    // private_key_jwt stays refused as FastMCP refuses it.
    const jwt = await post(
      mock,
      await assertionForm('es-machine', await signAssertion(es256, claims('es-machine'))),
    );
    expect(jwt.status).toBe(401);
  });

  it('is advertised in spec latest', async () => {
    const mock = createMock();
    const metadata = (await (
      await mock.fetch(new Request(`${ISSUER}/.well-known/oauth-authorization-server`))
    ).json()) as Record<string, unknown>;
    expect(metadata['grant_types_supported']).toContain('client_credentials');
    expect(metadata['token_endpoint_auth_methods_supported']).toContain('private_key_jwt');
    expect(metadata['token_endpoint_auth_signing_alg_values_supported']).toEqual(['ES256', 'RS256']);
  });

  it('issues an access token alone (no refresh token) for a secret, Basic or post, acting for the client', async () => {
    const mock = createMock();
    const viaBasic = await post(
      mock,
      { grant_type: 'client_credentials', client_id: 'basic-machine', scope: 'read', resource: MCP },
      { authorization: basic('basic-machine', 'basic-secret-value') },
    );
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
    expect(viaBasic.body).not.toHaveProperty('refresh_token');
    const stored = await mock.provider.loadAccessToken(viaBasic.body['access_token'] as string);
    expect(stored).toMatchObject({
      clientId: 'basic-machine',
      subject: 'basic-machine',
      resource: MCP,
      scopes: ['read'],
    });

    const viaPost = await post(mock, {
      grant_type: 'client_credentials',
      client_id: 'post-machine',
      client_secret: 'post-secret-value',
    });
    expect(viaPost.status).toBe(200);
    // No scope asked: every scope the client registered.
    expect(viaPost.body['scope']).toBe('read write');
  });

  it('refuses a wrong secret, a public client and scopes beyond the registered ones', async () => {
    const mock = createMock();
    const wrong = await post(
      mock,
      { grant_type: 'client_credentials', client_id: 'basic-machine' },
      { authorization: basic('basic-machine', 'not-the-secret') },
    );
    expect(wrong).toMatchObject({ status: 401, body: { error: 'unauthorized_client' } });
    const publicClient = await post(mock, { grant_type: 'client_credentials', client_id: 'public-machine' });
    expect(publicClient).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
    const tooMuch = await post(
      mock,
      { grant_type: 'client_credentials', client_id: 'basic-machine', scope: 'read admin' },
      { authorization: basic('basic-machine', 'basic-secret-value') },
    );
    expect(tooMuch).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    const elsewhere = await post(
      mock,
      { grant_type: 'client_credentials', client_id: 'basic-machine', resource: 'https://other.example/mcp' },
      { authorization: basic('basic-machine', 'basic-secret-value') },
    );
    expect(elsewhere).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  });

  it.each([
    ['ES256', 'es-machine', () => es256, 'es-1'],
    ['RS256', 'rs-machine', () => rs256, 'rs-1'],
  ] as const)(
    'accepts a %s private_key_jwt assertion once (its jti cannot be replayed)',
    async (_alg, clientId, key, kid) => {
      const mock = createMock();
      const assertion = await signAssertion(key(), claims(clientId), { kid });
      const first = await post(mock, await assertionForm(clientId, assertion, { resource: MCP }));
      expect(first.status).toBe(200);
      expect(first.body).not.toHaveProperty('refresh_token');
      const replayed = await post(mock, await assertionForm(clientId, assertion));
      expect(replayed.status).toBe(401);
      expect(replayed.body['error_description']).toMatch(/jti was already used/);
    },
  );

  it.each([
    ['a key the client did not register', async () => signAssertion(stranger, claims('es-machine'))],
    [
      'an expired assertion',
      async () => signAssertion(es256, claims('es-machine', { exp: Math.floor(Date.now() / 1000) - 120 })),
    ],
    [
      'another audience',
      async () => signAssertion(es256, claims('es-machine', { aud: 'https://elsewhere.example' })),
    ],
    [
      'an iss that is not the client',
      async () => signAssertion(es256, claims('es-machine', { iss: 'rs-machine' })),
    ],
    [
      'a sub that is not the client',
      async () => signAssertion(es256, claims('es-machine', { sub: 'someone' })),
    ],
    ['no jti', async () => signAssertion(es256, claims('es-machine', { jti: undefined }))],
    [
      'an exp an hour ahead',
      async () => signAssertion(es256, claims('es-machine', { exp: Math.floor(Date.now() / 1000) + 3600 })),
    ],
    [
      'alg none',
      async () => `${btoa(JSON.stringify({ alg: 'none' }))}.${btoa(JSON.stringify(claims('es-machine')))}.`,
    ],
    ['an RS256 key named for an ES256 client', async () => signAssertion(rs256, claims('es-machine'))],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses %s with 401, never a 5xx', async (_name, make) => {
    const mock = createMock();
    const answer = await post(mock, await assertionForm('es-machine', await make()));
    expect(answer.status).toBe(401);
    expect(answer.body['error']).toBe('unauthorized_client');
  });

  it('accepts the token endpoint as audience and refuses a wrong assertion type', async () => {
    const mock = createMock();
    const toEndpoint = await signAssertion(es256, claims('es-machine', { aud: [TOKEN] }));
    expect((await post(mock, await assertionForm('es-machine', toEndpoint))).status).toBe(200);
    const wrongType = await post(mock, {
      ...(await assertionForm('es-machine', await signAssertion(es256, claims('es-machine')))),
      client_assertion_type: 'urn:example:other',
    });
    expect(wrongType.status).toBe(401);
  });

  it('revokes a client_credentials token for a private_key_jwt client', async () => {
    const mock = createMock();
    const issued = await post(
      mock,
      await assertionForm('es-machine', await signAssertion(es256, claims('es-machine'))),
    );
    const token = issued.body['access_token'] as string;
    const response = await mock.fetch(
      new Request(`${ISSUER}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token,
          client_id: 'es-machine',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await signAssertion(es256, claims('es-machine')),
        }),
      }),
    );
    expect(response.status).toBe(200);
    expect(await mock.provider.loadAccessToken(token)).toBeUndefined();
  });
});
