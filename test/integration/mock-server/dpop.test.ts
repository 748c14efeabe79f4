/**
 * DPoP on the mock (RFC 9449; `beyondFastMcp.dpop`, on in `spec: 'latest'`): proofs made here with WebCrypto and
 * sent over the mock's own fetch handler. The token endpoint checks the proof before any grant, binds tokens to its
 * key (`token_type: "DPoP"`), demands nonces when told to; the MCP endpoint wants `Authorization: DPoP` with a proof
 * for each request made with the token's key. Every refusal is a 4xx with a reason, never a 5xx.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../../../mock-server/index.js';
import type { MockAuthServer, MockAuthServerSettings } from '../../../mock-server/index.js';
import { ProofReplayCache } from '../../../mock-server/dpop/replay-cache.js';
import { jwkThumbprint } from '../../../mock-server/dpop/thumbprint.js';
import { keyClient, machineTestKeys, signAssertion } from '../client/support/machine-clients.js';
import { obtainCode, PUBLIC_CLIENT, POST_CLIENT, type TokenSet } from './helpers.js';
import { BASE, caseContext, INITIALIZE, MCP_URL, PRM_URL } from './mcp-helpers.js';

const TOKEN_URL = `${BASE}/token`;
const AS_METADATA = `${BASE}/.well-known/oauth-authorization-server`;
const TOOLS_CALL = {
  jsonrpc: '2.0',
  id: 2,
  method: 'tools/call',
  params: { name: 'whoami', arguments: {} },
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Proofs, made the way a client makes them.

interface DpopKey {
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JsonWebKey;
}

const KEY_PARAMS = {
  ES256: { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  ES384: { generate: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } },
  PS256: {
    generate: {
      name: 'RSA-PSS',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    sign: { name: 'RSA-PSS', saltLength: 32 },
  },
  EdDSA: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
} as const;

async function generateDpopKey(alg: keyof typeof KEY_PARAMS = 'ES256'): Promise<DpopKey> {
  const pair = (await crypto.subtle.generateKey(KEY_PARAMS[alg].generate, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const { kty, crv, x, y, n, e } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk = Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined),
  ) as JsonWebKey;
  return { alg, privateKey: pair.privateKey, publicJwk };
}

function b64url(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

async function ath(accessToken: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
}

interface ProofOptions {
  htm?: string;
  htu?: string;
  /** Seconds since the epoch; default the mock's now. */
  iat?: number;
  jti?: string;
  accessToken?: string;
  nonce?: string;
  /** Header members to change (`undefined` removes one). */
  header?: Record<string, unknown>;
  /** Claims to change (`undefined` removes one). */
  claims?: Record<string, unknown>;
  /** Sign with this key instead (the header still names `key`'s public key). */
  signWith?: DpopKey;
  /** Replace the signature with one over other bytes. */
  badSignature?: boolean;
}

async function makeProof(mock: MockAuthServer, key: DpopKey, options: ProofOptions = {}): Promise<string> {
  const header = dropUndefined({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk, ...options.header });
  const claims = dropUndefined({
    jti: options.jti ?? crypto.randomUUID(),
    htm: options.htm ?? 'POST',
    htu: options.htu ?? TOKEN_URL,
    // The client's time: the mock's clock without the time tests skipped forward.
    iat: options.iat ?? Math.floor(mock.control.clock.now() / 1000 - mock.control.clock.offsetSeconds()),
    ...(options.accessToken === undefined ? {} : { ath: await ath(options.accessToken) }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  });
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signer = options.signWith ?? key;
  const signed = options.badSignature ? `${signingInput}x` : signingInput;
  const signature = new Uint8Array(
    await crypto.subtle.sign(
      KEY_PARAMS[signer.alg as keyof typeof KEY_PARAMS].sign,
      signer.privateKey,
      new TextEncoder().encode(signed),
    ),
  );
  return `${signingInput}.${b64url(signature)}`;
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

// ---------------------------------------------------------------------------------------------------------------
// The mock and its requests.

let mock: MockAuthServer;
let key: DpopKey;
let otherKey: DpopKey;

beforeAll(async () => {
  [key, otherKey] = await Promise.all([generateDpopKey(), generateDpopKey()]);
});

/** Every answer the test saw: none may be a 5xx. */
const statuses: number[] = [];
afterEach(() => {
  expect(statuses.filter((status) => status >= 500)).toStrictEqual([]);
  statuses.length = 0;
});

function createMock(settings: Partial<MockAuthServerSettings> = {}): MockAuthServer {
  mock = createMockAuthServer({
    issuerUrl: BASE,
    resourceServerUrl: MCP_URL,
    spec: 'latest',
    clients: [PUBLIC_CLIENT, POST_CLIENT],
    ...settings,
  });
  return mock;
}

async function send(request: Request): Promise<Response> {
  const response = await mock.fetch(request);
  statuses.push(response.status);
  return response;
}

async function tokenRequest(
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return send(
    new Request(TOKEN_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    }),
  );
}

/** An authorization-code token request for the public client, with `proof` as its `DPoP` header (if any). */
async function codeExchange(proof: string | undefined, client = PUBLIC_CLIENT): Promise<Response> {
  const { code, verifier, redirectUri } = await obtainCode(caseContext(mock), client);
  const form: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
    client_id: client.client_id,
  };
  if (client.client_secret !== undefined) form['client_secret'] = client.client_secret;
  return tokenRequest(form, proof === undefined ? {} : { dpop: proof });
}

/** DPoP-bound tokens for the public client, bound to `with`. */
async function boundTokens(withKey: DpopKey = key): Promise<TokenSet> {
  const response = await codeExchange(await makeProof(mock, withKey));
  expect(response.status).toBe(200);
  const tokens = (await response.json()) as TokenSet;
  expect(tokens.token_type).toBe('DPoP');
  return tokens;
}

async function mcpRequest(body: unknown, headers: Record<string, string>): Promise<Response> {
  return send(
    new Request(MCP_URL, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: JSON.stringify(body),
    }),
  );
}

/** An MCP initialize with the DPoP scheme and a fresh proof for it. */
async function dpopInitialize(accessToken: string, options: ProofOptions = {}): Promise<Response> {
  const proof = await makeProof(mock, key, { htu: MCP_URL, accessToken, ...options });
  return mcpRequest(INITIALIZE, { authorization: `DPoP ${accessToken}`, dpop: proof });
}

async function errorOf(response: Response): Promise<{ error: string; error_description: string }> {
  return (await response.json()) as { error: string; error_description: string };
}

/** Asserts a 400 from the token endpoint with this error, and returns its description. */
async function expectTokenError(response: Response, error: string): Promise<string> {
  expect(response.status).toBe(400);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = await errorOf(response);
  expect(body.error).toBe(error);
  return body.error_description;
}

/** Asserts the MCP endpoint's 401 DPoP challenge with this error, and returns its description. */
async function expectDpopChallenge(response: Response, error: string): Promise<string> {
  expect(response.status).toBe(401);
  const challenge = response.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(new RegExp(`^DPoP error="${error}"`));
  expect(challenge).toContain(`resource_metadata="${PRM_URL}"`);
  expect(challenge).toContain('algs="ES256 ES384 ES512 RS256 PS256"');
  const body = await errorOf(response);
  expect(body.error).toBe(error);
  return body.error_description;
}

// ---------------------------------------------------------------------------------------------------------------

describe('DPoP on the mock', () => {
  it('is off in FastMCP mode: nothing advertised, a DPoP header ignored, the DPoP scheme unknown', async () => {
    createMock({ spec: 'fastmcp' });
    const metadata = (await (await send(new Request(AS_METADATA))).json()) as Record<string, unknown>;
    expect(metadata).not.toHaveProperty('dpop_signing_alg_values_supported');
    const prm = (await (await send(new Request(PRM_URL))).json()) as Record<string, unknown>;
    expect(prm).not.toHaveProperty('dpop_bound_access_tokens_required');
    const response = await codeExchange(await makeProof(mock, key));
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as TokenSet;
    expect(tokens.token_type).toBe('Bearer');
    const dpopScheme = await dpopInitialize(tokens.access_token);
    expect(dpopScheme.status).toBe(401);
    expect(dpopScheme.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(dpopScheme.headers.get('www-authenticate')).not.toContain('DPoP');
  });

  it('advertises its algorithms in both metadata documents', async () => {
    createMock();
    const metadata = (await (await send(new Request(AS_METADATA))).json()) as Record<string, unknown>;
    expect(metadata['dpop_signing_alg_values_supported']).toStrictEqual([
      'ES256',
      'ES384',
      'ES512',
      'RS256',
      'PS256',
    ]);
    const prm = (await (await send(new Request(PRM_URL))).json()) as Record<string, unknown>;
    expect(prm['dpop_signing_alg_values_supported']).toStrictEqual([
      'ES256',
      'ES384',
      'ES512',
      'RS256',
      'PS256',
    ]);
    expect(prm['dpop_bound_access_tokens_required']).toBe(false);

    createMock({ dpop: { algorithms: ['EdDSA', 'ES256'], boundTokensRequired: true } });
    const narrowed = (await (await send(new Request(PRM_URL))).json()) as Record<string, unknown>;
    expect(narrowed['dpop_signing_alg_values_supported']).toStrictEqual(['ES256', 'EdDSA']);
    expect(narrowed['dpop_bound_access_tokens_required']).toBe(true);
  });

  it('refuses bad dpop settings with a SettingsError', () => {
    expect(() => createMock({ dpop: { nonce: 'sometimes' as never } })).toThrow(/dpop\.nonce/);
    expect(() => createMock({ dpop: { algorithms: ['HS256' as never] } })).toThrow(/dpop\.algorithms/);
    expect(() => createMock({ dpop: { algorithms: [] } })).toThrow(/dpop\.algorithms/);
    expect(() => createMock({ dpop: { nonceLifetimeSeconds: 0 } })).toThrow(/dpop\.nonceLifetimeSeconds/);
    expect(() => createMock({ dpop: { nonces: 'as' } as never })).toThrow(/dpop\.nonces: unknown option/);
  });

  it('happy path: code → DPoP-bound token (cnf.jkt) → initialize and tools/call with the DPoP scheme', async () => {
    createMock();
    const tokens = await boundTokens();
    const stored = await mock.provider.loadAccessToken(tokens.access_token);
    expect(stored?.cnf?.jkt).toBe(jwkThumbprint(key.publicJwk as Record<string, unknown>));

    const opened = await dpopInitialize(tokens.access_token);
    expect(opened.status).toBe(200);
    await opened.body?.cancel();
    const session = opened.headers.get('mcp-session-id') ?? '';
    expect(session).not.toBe('');
    const called = await mcpRequest(TOOLS_CALL, {
      authorization: `DPoP ${tokens.access_token}`,
      dpop: await makeProof(mock, key, { htu: MCP_URL, accessToken: tokens.access_token }),
      'mcp-session-id': session,
      'mcp-protocol-version': '2025-06-18',
    });
    expect(called.status).toBe(200);
    expect(await called.text()).toContain('public-client');
  });

  it('the thumbprint is RFC 7638 §3.1 (its worked example)', () => {
    const example = {
      kty: 'RSA',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
        'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5h' +
        'ajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(example)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('binds a public client refresh token: refresh with the same key works, another key or no proof is refused', async () => {
    createMock();
    const tokens = await boundTokens();
    const refreshForm = {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'public-client',
    };
    expect(await expectTokenError(await tokenRequest(refreshForm), 'invalid_dpop_proof')).toMatch(
      /DPoP-bound/,
    );
    const wrongKey = await tokenRequest(refreshForm, { dpop: await makeProof(mock, otherKey) });
    expect(await expectTokenError(wrongKey, 'invalid_grant')).toMatch(/another DPoP key/);
    // Neither refusal spent the refresh token.
    const refreshed = await tokenRequest(refreshForm, { dpop: await makeProof(mock, key) });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as TokenSet;
    expect(next.token_type).toBe('DPoP');
    expect((await mock.provider.loadRefreshToken(PUBLIC_CLIENT, next.refresh_token))?.cnf?.jkt).toBe(
      jwkThumbprint(key.publicJwk as Record<string, unknown>),
    );
  });

  it("leaves a confidential client's refresh token unbound; its access token is bound", async () => {
    createMock();
    const response = await codeExchange(await makeProof(mock, key), POST_CLIENT);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as TokenSet;
    expect(tokens.token_type).toBe('DPoP');
    expect((await mock.provider.loadRefreshToken(POST_CLIENT, tokens.refresh_token))?.cnf).toBeUndefined();
    expect((await mock.provider.loadAccessToken(tokens.access_token))?.cnf).toBeDefined();
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: POST_CLIENT.client_id,
      client_secret: POST_CLIENT.client_secret ?? '',
    });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as TokenSet).token_type).toBe('Bearer');
  });

  it('binds client_credentials tokens too (the check sits before every grant)', async () => {
    const { es256 } = await machineTestKeys();
    createMock({ clients: [keyClient('machine', [{ ...es256.publicJwk, kid: 'k1' }])] });
    // A fresh assertion each time: client authentication (which spends its jti) comes before the proof check.
    const form = async (): Promise<Record<string, string>> => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: 'machine',
        sub: 'machine',
        aud: BASE,
        jti: crypto.randomUUID(),
        iat: now,
        exp: now + 60,
      };
      return {
        grant_type: 'client_credentials',
        client_id: 'machine',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await signAssertion(es256, claims),
      };
    };
    const refused = await tokenRequest(await form(), { dpop: await makeProof(mock, key, { htm: 'GET' }) });
    expect(await expectTokenError(refused, 'invalid_dpop_proof')).toMatch(/htm/);
    const response = await tokenRequest(await form(), { dpop: await makeProof(mock, key) });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as TokenSet;
    expect(tokens.token_type).toBe('DPoP');
    expect((await mock.provider.loadAccessToken(tokens.access_token))?.cnf?.jkt).toBeDefined();
  });

  it('issues a Bearer token to a request without a proof, which the MCP endpoint takes as Bearer only', async () => {
    createMock();
    const response = await codeExchange(undefined);
    const tokens = (await response.json()) as TokenSet;
    expect(tokens.token_type).toBe('Bearer');
    const asBearer = await mcpRequest(INITIALIZE, { authorization: `Bearer ${tokens.access_token}` });
    expect(asBearer.status).toBe(200);
    await asBearer.body?.cancel();
    const asDpop = await dpopInitialize(tokens.access_token);
    expect(asDpop.status).toBe(401);
    expect((await errorOf(asDpop)).error_description).toBe('The access token is not DPoP-bound');

    createMock({ dpop: { boundTokensRequired: true } });
    const unbound = (await (await codeExchange(undefined)).json()) as TokenSet;
    const required = await mcpRequest(INITIALIZE, { authorization: `Bearer ${unbound.access_token}` });
    expect(required.status).toBe(401);
    expect((await errorOf(required)).error_description).toBe('A DPoP-bound access token is required');
  });

  describe('refuses a bad proof at the token endpoint with 400 invalid_dpop_proof, spending nothing', () => {
    const cases: Array<[string, () => Promise<string>, RegExp]> = [
      ['an empty header', async () => '', /missing/],
      [
        'two DPoP headers',
        async () => `${await makeProof(mock, key)}, ${await makeProof(mock, key)}`,
        /more than one/,
      ],
      ['not a JWS', async () => 'not.a-jws', /compact serialization/],
      ['typ JWT', () => makeProof(mock, key, { header: { typ: 'JWT' } }), /typ/],
      ['no typ', () => makeProof(mock, key, { header: { typ: undefined } }), /typ/],
      ['alg none', () => makeProof(mock, key, { header: { alg: 'none' } }), /alg must be one of/],
      ['alg HS256', () => makeProof(mock, key, { header: { alg: 'HS256' } }), /alg must be one of/],
      [
        'alg not matching the key',
        () => makeProof(mock, key, { header: { alg: 'PS256' } }),
        /kty must be RSA/,
      ],
      ['no jwk', () => makeProof(mock, key, { header: { jwk: undefined } }), /no jwk/],
      [
        'a private jwk',
        () => makeProof(mock, key, { header: { jwk: { ...key.publicJwk, d: 'AAAA' } } }),
        /public key/,
      ],
      [
        'a symmetric jwk',
        () => makeProof(mock, key, { header: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } }),
        /public key/,
      ],
      ['a bad signature', () => makeProof(mock, key, { badSignature: true }), /signature/],
      ['a signature by another key', () => makeProof(mock, key, { signWith: otherKey }), /signature/],
      ['htm GET', () => makeProof(mock, key, { htm: 'GET' }), /htm must be POST/],
      [
        'htu of another endpoint',
        () => makeProof(mock, key, { htu: `${BASE}/revoke` }),
        /htu does not match/,
      ],
      [
        'htu of another host',
        () => makeProof(mock, key, { htu: 'http://evil.example/token' }),
        /htu does not match/,
      ],
      ['htu with a query', () => makeProof(mock, key, { htu: `${TOKEN_URL}?a=1` }), /query or fragment/],
      ['no htu', () => makeProof(mock, key, { claims: { htu: undefined } }), /no htu/],
      ['no jti', () => makeProof(mock, key, { claims: { jti: undefined } }), /no jti/],
      ['an oversized jti', () => makeProof(mock, key, { jti: 'j'.repeat(300) }), /jti is longer/],
      ['no iat', () => makeProof(mock, key, { claims: { iat: undefined } }), /no iat/],
      ['a stale iat', () => makeProof(mock, key, { iat: Math.floor(Date.now() / 1000) - 301 }), /iat/],
      ['a future iat', () => makeProof(mock, key, { iat: Math.floor(Date.now() / 1000) + 301 }), /iat/],
    ];
    it.each(cases)('%s', async (_name, proof, description) => {
      createMock();
      const { code, verifier, redirectUri } = await obtainCode(caseContext(mock), PUBLIC_CLIENT);
      const form = {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: redirectUri,
        client_id: 'public-client',
      };
      const refused = await tokenRequest(form, { dpop: await proof() });
      expect(await expectTokenError(refused, 'invalid_dpop_proof')).toMatch(description);
      // The code was not spent: the same request with a good proof still works.
      const retried = await tokenRequest(form, { dpop: await makeProof(mock, key) });
      expect(retried.status).toBe(200);
    });
  });

  it('accepts the other algorithms it advertises (ES384, PS256) and EdDSA when configured', async () => {
    createMock({ dpop: { algorithms: ['ES384', 'PS256', 'EdDSA'] } });
    for (const alg of ['ES384', 'PS256', 'EdDSA'] as const) {
      const response = await codeExchange(await makeProof(mock, await generateDpopKey(alg)));
      expect(response.status, alg).toBe(200);
      expect(((await response.json()) as TokenSet).token_type).toBe('DPoP');
    }
    const es256 = await codeExchange(await makeProof(mock, key));
    expect(await expectTokenError(es256, 'invalid_dpop_proof')).toMatch(
      /alg must be one of ES384, PS256, EdDSA/,
    );
  });

  it('refuses an RSA key shorter than 2048 bits', async () => {
    createMock();
    const pair = (await crypto.subtle.generateKey(
      { ...KEY_PARAMS.PS256.generate, modulusLength: 1024 },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const { kty = '', n = '', e = '' } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const small: DpopKey = { alg: 'PS256', privateKey: pair.privateKey, publicJwk: { kty, n, e } };
    const response = await codeExchange(await makeProof(mock, small));
    expect(await expectTokenError(response, 'invalid_dpop_proof')).toMatch(/at least 2048 bits/);
  });

  it("judges iat on the client's time: a mock clock skipped forward does not make real proofs stale", async () => {
    createMock();
    // Skipping the mock's clock simulates time passing for its expiries; clients keep making proofs on their own clock.
    mock.control.clock.advance(3600);
    const skipped = await codeExchange(
      await makeProof(mock, key, { iat: Math.floor(mock.control.clock.now() / 1000) }),
    );
    expect(await expectTokenError(skipped, 'invalid_dpop_proof')).toMatch(/iat/);
    expect(
      (await codeExchange(await makeProof(mock, key, { iat: Math.floor(Date.now() / 1000) }))).status,
    ).toBe(200);
  });

  it('still refuses a replayed proof after the mock clock skipped forward', async () => {
    createMock();
    const proof = await makeProof(mock, key);
    expect((await codeExchange(proof)).status).toBe(200);
    mock.control.clock.advance(3600);
    expect(await expectTokenError(await codeExchange(proof), 'invalid_dpop_proof')).toMatch(
      /jti was already used/,
    );
  });

  it('refuses a replayed proof at the token endpoint', async () => {
    createMock();
    const proof = await makeProof(mock, key);
    expect((await codeExchange(proof)).status).toBe(200);
    expect(await expectTokenError(await codeExchange(proof), 'invalid_dpop_proof')).toMatch(
      /jti was already used/,
    );
  });

  it('demands an authorization-server nonce when told: use_dpop_nonce + DPoP-Nonce, then honoured', async () => {
    createMock({ dpop: { nonce: 'as' } });
    const first = await codeExchange(await makeProof(mock, key));
    expect(await expectTokenError(first, 'use_dpop_nonce')).toMatch(/nonce/);
    const nonce = first.headers.get('dpop-nonce') ?? '';
    expect(nonce).not.toBe('');
    const wrong = await codeExchange(await makeProof(mock, key, { nonce: 'made-up' }));
    await expectTokenError(wrong, 'use_dpop_nonce');
    const honoured = await codeExchange(await makeProof(mock, key, { nonce }));
    expect(honoured.status).toBe(200);
    expect(honoured.headers.get('dpop-nonce')).toBe(nonce);
    // The resource server demands none here.
    const tokens = (await honoured.json()) as TokenSet;
    expect((await dpopInitialize(tokens.access_token)).status).toBe(200);
  });

  it('rotates nonces: the previous one is still accepted, an older one is stale', async () => {
    createMock({ dpop: { nonce: 'as', nonceLifetimeSeconds: 60 } });
    const nonce = (await codeExchange(await makeProof(mock, key))).headers.get('dpop-nonce') ?? '';
    mock.control.clock.advance(61);
    const previous = await codeExchange(await makeProof(mock, key, { nonce }));
    expect(previous.status).toBe(200);
    const rotated = previous.headers.get('dpop-nonce') ?? '';
    expect(rotated).not.toBe(nonce);
    mock.control.clock.advance(61);
    const stale = await codeExchange(await makeProof(mock, key, { nonce }));
    expect(await expectTokenError(stale, 'use_dpop_nonce')).toMatch(/not the current one/);
    expect(stale.headers.get('dpop-nonce')).not.toBe(nonce);
  });

  describe('at the MCP endpoint', () => {
    it('refuses a bound token sent as Bearer (RFC 9449 §7.2), with both challenges', async () => {
      createMock();
      const tokens = await boundTokens();
      const response = await mcpRequest(INITIALIZE, { authorization: `Bearer ${tokens.access_token}` });
      expect(response.status).toBe(401);
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Bearer error="invalid_token"/);
      expect(challenge).toMatch(/, DPoP error="invalid_token", .*algs="ES256 ES384 ES512 RS256 PS256"$/);
      expect((await errorOf(response)).error_description).toMatch(/DPoP-bound/);
      // Also when a proof rides along: the scheme is what matters.
      const withProof = await mcpRequest(INITIALIZE, {
        authorization: `Bearer ${tokens.access_token}`,
        dpop: await makeProof(mock, key, { htu: MCP_URL, accessToken: tokens.access_token }),
      });
      expect(withProof.status).toBe(401);
    });

    it('names DPoP next to Bearer in the plain 401, with the same parameters', async () => {
      createMock({ requiredScopes: ['read'] });
      const response = await mcpRequest(INITIALIZE, {});
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer error="invalid_token", error_description="Authentication required", resource_metadata="${PRM_URL}", scope="read", ` +
          `DPoP error="invalid_token", error_description="Authentication required", resource_metadata="${PRM_URL}", scope="read", algs="ES256 ES384 ES512 RS256 PS256"`,
      );
    });

    const refusals: Array<[string, (token: string) => Promise<Record<string, string>>, RegExp]> = [
      ['no proof', async (token) => ({ authorization: `DPoP ${token}` }), /missing/],
      [
        'a proof without ath',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: await makeProof(mock, key, { htu: MCP_URL }),
        }),
        /no ath/,
      ],
      [
        'a proof whose ath is another token',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: await makeProof(mock, key, { htu: MCP_URL, accessToken: `${token}x` }),
        }),
        /ath does not match/,
      ],
      [
        'a proof by another key (thumbprint mismatch)',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: await makeProof(mock, otherKey, { htu: MCP_URL, accessToken: token }),
        }),
        /not the key the token is bound to/,
      ],
      [
        'a proof for the token endpoint',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: await makeProof(mock, key, { accessToken: token }),
        }),
        /htu does not match/,
      ],
      [
        'a proof for GET',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: await makeProof(mock, key, { htm: 'GET', htu: MCP_URL, accessToken: token }),
        }),
        /htm must be POST/,
      ],
      [
        'a stale proof',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: await makeProof(mock, key, {
            htu: MCP_URL,
            accessToken: token,
            iat: Math.floor(Date.now() / 1000) - 400,
          }),
        }),
        /iat/,
      ],
    ];
    it.each(refusals)(
      'refuses %s with 401 DPoP error="invalid_dpop_proof"',
      async (_name, headers, description) => {
        createMock();
        const tokens = await boundTokens();
        const response = await mcpRequest(INITIALIZE, await headers(tokens.access_token));
        expect(await expectDpopChallenge(response, 'invalid_dpop_proof')).toMatch(description);
      },
    );

    it('refuses a replayed proof', async () => {
      createMock();
      const tokens = await boundTokens();
      const proof = await makeProof(mock, key, { htu: MCP_URL, accessToken: tokens.access_token });
      const first = await mcpRequest(INITIALIZE, {
        authorization: `DPoP ${tokens.access_token}`,
        dpop: proof,
      });
      expect(first.status).toBe(200);
      await first.body?.cancel();
      const replay = await mcpRequest(INITIALIZE, {
        authorization: `DPoP ${tokens.access_token}`,
        dpop: proof,
      });
      expect(await expectDpopChallenge(replay, 'invalid_dpop_proof')).toMatch(/jti was already used/);
    });

    it('checks GET and DELETE too (htm is the request method)', async () => {
      createMock();
      const tokens = await boundTokens();
      const opened = await dpopInitialize(tokens.access_token);
      await opened.body?.cancel();
      const session = opened.headers.get('mcp-session-id') ?? '';
      const remove = (htm: string): Promise<Response> =>
        makeProof(mock, key, { htm, htu: MCP_URL, accessToken: tokens.access_token }).then((proof) =>
          send(
            new Request(MCP_URL, {
              method: 'DELETE',
              headers: {
                authorization: `DPoP ${tokens.access_token}`,
                dpop: proof,
                'mcp-session-id': session,
              },
            }),
          ),
        );
      await expectDpopChallenge(await remove('POST'), 'invalid_dpop_proof');
      expect((await remove('DELETE')).status).toBe(200);
    });

    it('demands a resource-server nonce when told: 401 use_dpop_nonce + DPoP-Nonce, then honoured', async () => {
      createMock({ dpop: { nonce: 'rs' } });
      // The token endpoint demands none here.
      const tokens = await boundTokens();
      const first = await dpopInitialize(tokens.access_token);
      expect(await expectDpopChallenge(first, 'use_dpop_nonce')).toMatch(/requires nonce/);
      const nonce = first.headers.get('dpop-nonce') ?? '';
      expect(nonce).not.toBe('');
      await expectDpopChallenge(
        await dpopInitialize(tokens.access_token, { nonce: 'stale' }),
        'use_dpop_nonce',
      );
      const honoured = await dpopInitialize(tokens.access_token, { nonce });
      expect(honoured.status).toBe(200);
      // Every answer to a proof names the nonce to use next.
      expect(honoured.headers.get('dpop-nonce')).toBe(nonce);
      await honoured.body?.cancel();
      mock.control.clock.advance(301);
      const rotated = await dpopInitialize(tokens.access_token, { nonce });
      expect(rotated.status).toBe(200);
      const next = rotated.headers.get('dpop-nonce') ?? '';
      expect(next).not.toBe(nonce);
      await rotated.body?.cancel();
      expect((await dpopInitialize(tokens.access_token, { nonce: next })).status).toBe(200);
    });

    it('keeps the two servers nonces apart when both demand one', async () => {
      createMock({ dpop: { nonce: 'both' } });
      const asNonce = (await codeExchange(await makeProof(mock, key))).headers.get('dpop-nonce') ?? '';
      const response = await codeExchange(await makeProof(mock, key, { nonce: asNonce }));
      expect(response.status).toBe(200);
      const tokens = (await response.json()) as TokenSet;
      await expectDpopChallenge(
        await dpopInitialize(tokens.access_token, { nonce: asNonce }),
        'use_dpop_nonce',
      );
    });

    it('serves the stateless 2026-07-28 era behind the same check', async () => {
      createMock({ mcp: { protocolEras: ['2026-07-28'] } });
      const tokens = await boundTokens();
      const discover = {
        jsonrpc: '2.0',
        id: 1,
        method: 'server/discover',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1.0.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      };
      const headers = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' };
      const asBearer = await mcpRequest(discover, {
        ...headers,
        authorization: `Bearer ${tokens.access_token}`,
      });
      expect(asBearer.status).toBe(401);
      const proof = await makeProof(mock, key, { htu: MCP_URL, accessToken: tokens.access_token });
      const asDpop = await mcpRequest(discover, {
        ...headers,
        authorization: `DPoP ${tokens.access_token}`,
        dpop: proof,
      });
      expect(asDpop.status).toBe(200);
    });
  });

  it('allows the DPoP header and exposes DPoP-Nonce in CORS (OAuth routes and MCP endpoint)', async () => {
    createMock();
    const preflight = await send(
      new Request(TOKEN_URL, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, dpop',
        },
      }),
    );
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('DPoP');
    const answer = await codeExchange(await makeProof(mock, key));
    expect(answer.status).toBe(200);
    const simple = await tokenRequest({ grant_type: 'refresh_token' }, { origin: 'http://app.example' });
    expect(simple.headers.get('access-control-expose-headers')).toBe('DPoP-Nonce');
    const mcpPreflight = await send(
      new Request(MCP_URL, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, dpop',
        },
      }),
    );
    expect(mcpPreflight.headers.get('access-control-allow-headers')).toContain('DPoP');
    const mcpAnswer = await mcpRequest(INITIALIZE, { origin: 'http://localhost:3000' });
    expect(mcpAnswer.headers.get('access-control-expose-headers')).toContain('DPoP-Nonce');

    createMock({ spec: 'fastmcp' });
    const fastmcp = await send(
      new Request(TOKEN_URL, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'dpop',
        },
      }),
    );
    expect(fastmcp.status).toBe(400);
  });
});

describe('the proof replay cache', () => {
  it('stays within its bound and forgets what can no longer be replayed', () => {
    const cache = new ProofReplayCache(100);
    for (let index = 0; index < 1000; index++) expect(cache.spend('t', `jti-${index}`, 1000, 600)).toBe(true);
    expect(cache.size).toBe(100);
    expect(cache.spend('t', 'jti-999', 1000, 600)).toBe(false);
    // Another target keeps its own jti space.
    expect(cache.spend('u', 'jti-999', 1000, 600)).toBe(true);
    // Once the window has passed, every entry is gone and a proof that old would fail its iat check anyway.
    expect(cache.spend('t', 'late', 1600, 600)).toBe(true);
    expect(cache.size).toBe(1);
  });
});
