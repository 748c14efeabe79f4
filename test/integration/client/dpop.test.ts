/**
 * DPoP (RFC 9449) from the client's side, against the mock with DPoP on: the token requests prove a key and get
 * DPoP-bound tokens, every MCP request carries `Authorization: DPoP` and a fresh proof of that key (`htm`, `htu`,
 * `ath`, a new `jti`), server nonces are answered once, bound refresh tokens are refreshed with the same key, the key
 * outlives the client with the storage, and a grant whose key is gone is replaced rather than sent.
 */
import { describe, expect, it } from 'vitest';
import { createAuthedMcpClient, createMcpAuthorization, memoryStorage } from '../../../src/index.js';
import type { AuthStorage, FlowEvent } from '../../../src/index.js';
import { mintWorkloadJwt } from '../../../mock-server/index.js';
import type { MockAuthServerSettings } from '../../../mock-server/index.js';
import {
  createMockWorld,
  failure,
  INITIALIZE_REQUEST,
  MCP_URL,
  REDIRECT_URI,
  toolJson,
} from './support/mock-world.js';
import type { MockWorld } from './support/mock-world.js';
import { headlessAuthorize } from '../../../src/index.js';

interface SentRequest {
  method: string;
  url: string;
  authorization: string | null;
  dpop: string | null;
}

/** `fetch` onto `world`, recording what the client sent. */
function recording(world: MockWorld) {
  const sent: SentRequest[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    sent.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.get('authorization'),
      dpop: request.headers.get('dpop'),
    });
    return world.fetch(request);
  };
  const toMcp = (): SentRequest[] => sent.filter((request) => new URL(request.url).pathname === '/mcp');
  const toToken = (): SentRequest[] => sent.filter((request) => new URL(request.url).pathname === '/token');
  return { sent, fetch, toMcp, toToken };
}

/** The mock with DPoP on (and, when asked, its nonces), plus a record of what the client sent. */
function dpopWorld(
  dpop: MockAuthServerSettings['dpop'] = {},
  settings: Partial<MockAuthServerSettings> = {},
) {
  const world = createMockWorld({ beyondFastMcp: { dpop: true }, dpop, ...settings });
  return { world, ...recording(world) };
}

function connect(
  world: MockWorld,
  fetch: typeof globalThis.fetch,
  options: Parameters<MockWorld['connect']>[0] = {},
) {
  return world.connect({ fetch, authorize: headlessAuthorize({ fetch }), dpop: true, ...options });
}

/** The JOSE header and claims of a compact JWS, undecoded signature dropped. */
function decodeJws(jws: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = jws.split('.');
  const decode = (part: string | undefined): Record<string, unknown> =>
    JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(header), claims: decode(claims) };
}

async function sha256Base64Url(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('base64url');
}

describe('DPoP: the client binds its tokens to a key (RFC 9449)', () => {
  it('proves a key at the token endpoint, gets a DPoP token and presents it with a fresh proof per MCP request', async () => {
    const { world, fetch, toMcp, toToken } = dpopWorld();
    const client = await connect(world, fetch);
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({
      scopes: expect.any(Array),
    });
    await client.callTool({ name: 'echo', arguments: { message: 'hi' } });

    const issued = world.tokenResponses.find((response) => response.grantType === 'authorization_code');
    expect(issued?.body['token_type']).toBe('DPoP');
    const accessToken = String(issued?.body['access_token']);

    const tokenProof = toToken()[0]?.dpop;
    expect(tokenProof).toBeTruthy();
    const { header: tokenHeader, claims: tokenClaims } = decodeJws(String(tokenProof));
    expect(tokenHeader).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(tokenHeader['jwk']).not.toHaveProperty('d');
    expect(tokenClaims).toMatchObject({ htm: 'POST', htu: 'http://localhost:8000/token' });
    expect(tokenClaims).not.toHaveProperty('ath');

    const authorized = toMcp().filter((request) => request.authorization !== null);
    expect(authorized.length).toBeGreaterThanOrEqual(3);
    const jtis = new Set<unknown>();
    for (const request of authorized) {
      expect(request.authorization).toBe(`DPoP ${accessToken}`);
      const { header, claims } = decodeJws(String(request.dpop));
      // The same key as at the token endpoint: the token is bound to it.
      expect(header['jwk']).toEqual(tokenHeader['jwk']);
      expect(claims).toMatchObject({
        htm: request.method,
        htu: MCP_URL,
        ath: await sha256Base64Url(accessToken),
      });
      expect(Math.abs(Number(claims['iat']) - Date.now() / 1000)).toBeLessThan(60);
      jtis.add(claims['jti']);
    }
    expect(jtis.size).toBe(authorized.length);
    expect(await client.grant()).toMatchObject({ tokenType: 'DPoP' });
    await client.close();
  });

  it("answers the authorization server's use_dpop_nonce once, with the nonce it was given", async () => {
    const { world, fetch, toToken } = dpopWorld({ nonce: 'as' });
    const client = await connect(world, fetch);
    await client.callTool({ name: 'whoami', arguments: {} });

    const codeAnswers = world.tokenResponses.filter(
      (response) => response.grantType === 'authorization_code',
    );
    expect(codeAnswers.map((answer) => answer.status)).toEqual([400, 200]);
    expect(codeAnswers[0]?.body['error']).toBe('use_dpop_nonce');
    const [first, second] = toToken().map((request) => decodeJws(String(request.dpop)).claims);
    expect(first?.['nonce']).toBeUndefined();
    expect(second?.['nonce']).toEqual(expect.any(String));
    expect(second?.['jti']).not.toBe(first?.['jti']);
    await client.close();
  });

  it("answers the MCP server's use_dpop_nonce once, and every later proof carries the nonce", async () => {
    const { world, fetch, toMcp } = dpopWorld({ nonce: 'rs' });
    const client = await connect(world, fetch);
    await client.callTool({ name: 'whoami', arguments: {} });

    const withToken = toMcp().filter((request) => request.authorization !== null);
    const nonces = withToken.map((request) => decodeJws(String(request.dpop)).claims['nonce']);
    expect(nonces[0]).toBeUndefined();
    expect(nonces.length).toBeGreaterThan(2);
    expect(nonces.slice(1).every((nonce) => typeof nonce === 'string' && nonce !== '')).toBe(true);
    // Two refusals in all: the first request, which carried no token, and that one nonce challenge.
    const refused = world.mock.control
      .requests()
      .filter((entry) => entry.endpoint === 'mcp' && entry.status === 401);
    expect(refused).toHaveLength(2);
    // One authorization: a nonce challenge is not a reason to refresh or sign in again.
    expect(world.tokenResponses).toHaveLength(1);
    await client.close();
  });

  it("keeps the authorization server's and the MCP server's nonces apart on one origin: a refresh meets no new challenge", async () => {
    const { world, fetch } = dpopWorld({ nonce: 'both' });
    const client = await connect(world, fetch);
    await client.callTool({ name: 'whoami', arguments: {} });
    world.mock.control.clearRequests();
    world.mock.control.expireAllTokens('access');
    await client.callTool({ name: 'whoami', arguments: {} });
    await client.callTool({ name: 'whoami', arguments: {} });
    // The expired token's 401, one refresh, and the calls: no use_dpop_nonce at either server.
    const log = world.mock.control.requests().map((entry) => `${entry.endpoint} ${entry.status}`);
    expect(log.filter((entry) => entry.startsWith('token'))).toEqual(['token 200']);
    expect(log.filter((entry) => entry === 'mcp 401')).toHaveLength(1);
    await client.close();
  });

  it('refreshes a bound refresh token with the same key, and keeps presenting DPoP tokens', async () => {
    const { world, fetch, toToken } = dpopWorld();
    const client = await connect(world, fetch);
    await client.callTool({ name: 'whoami', arguments: {} });
    const firstKey = decodeJws(String(toToken()[0]?.dpop)).header['jwk'];

    world.mock.control.expireAllTokens('access');
    await client.callTool({ name: 'whoami', arguments: {} });

    const refreshes = toToken().filter(
      (_, index) => world.tokenResponses[index]?.grantType === 'refresh_token',
    );
    expect(refreshes).toHaveLength(1);
    expect(decodeJws(String(refreshes[0]?.dpop)).header['jwk']).toEqual(firstKey);
    const refreshed = world.tokenResponses.find((response) => response.grantType === 'refresh_token');
    expect(refreshed).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    await client.close();
  });

  it("binds a machine client's tokens too, and renews them with the same key", async () => {
    const world = createMockWorld({
      spec: 'latest',
      clients: [
        {
          client_id: 'workload',
          token_endpoint_auth_method: 'none',
          grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
          redirect_uris: ['https://machine.example/unused'],
          scope: 'read',
        },
      ],
    });
    const { fetch, toMcp, toToken } = recording(world);
    const client = await createAuthedMcpClient(MCP_URL, {
      fetch,
      dpop: true,
      workloadIdentity: {
        clientId: 'workload',
        assertion: () => mintWorkloadJwt(world.mock, { subject: 'job-7' }),
      },
    });
    await client.callTool({ name: 'whoami', arguments: {} });
    world.mock.control.expireAllTokens('access');
    await client.callTool({ name: 'whoami', arguments: {} });

    const tokenRequests = toToken();
    expect(tokenRequests).toHaveLength(2);
    const keys = tokenRequests.map((request) =>
      JSON.stringify(decodeJws(String(request.dpop)).header['jwk']),
    );
    expect(new Set(keys).size).toBe(1);
    expect(world.tokenResponses.map((response) => response.body['token_type'])).toEqual(['DPoP', 'DPoP']);
    const proved = toMcp().filter((request) => request.authorization);
    expect(
      proved.every((request) => request.authorization?.startsWith('DPoP ') && request.dpop !== null),
    ).toBe(true);
    await client.close();
  });

  it('uses DPoP with auto only where the authorization server advertises ES256', async () => {
    const on = dpopWorld();
    const bound = await connect(on.world, on.fetch, { dpop: 'auto' });
    await bound.callTool({ name: 'whoami', arguments: {} });
    expect(await bound.grant()).toMatchObject({ tokenType: 'DPoP' });
    await bound.close();

    const plain = createMockWorld();
    const bearer = await plain.connect({ dpop: 'auto' });
    await bearer.callTool({ name: 'whoami', arguments: {} });
    expect(await bearer.grant()).toMatchObject({ tokenType: 'Bearer' });
    expect(plain.tokenResponses[0]?.body['token_type']).toBe('Bearer');
    await bearer.close();
  });

  it('proves the key on the stateless 2026-07-28 wire as well', async () => {
    const { world, fetch, toMcp } = dpopWorld({}, { mcp: { protocolEras: ['2026-07-28'] } });
    const client = await connect(world, fetch);
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))).toHaveProperty('client_id');
    const proved = toMcp().filter((request) => request.authorization !== null);
    expect(proved.length).toBeGreaterThan(0);
    expect(
      proved.every((request) => request.authorization?.startsWith('DPoP ') && request.dpop !== null),
    ).toBe(true);
    // No handshake on this wire: the MCP requests are stateless, each with its own proof.
    expect(new Set(proved.map((request) => decodeJws(String(request.dpop)).claims['jti'])).size).toBe(
      proved.length,
    );
    await client.close();
  });

  it('sends no proof without the option, and gets bearer tokens from the same server', async () => {
    const { world, fetch, sent } = dpopWorld();
    const client = await connect(world, fetch, { dpop: false });
    await client.callTool({ name: 'whoami', arguments: {} });
    expect(sent.every((request) => request.dpop === null)).toBe(true);
    expect(await client.grant()).toMatchObject({ tokenType: 'Bearer' });
    await client.close();
  });

  it('refuses dpop: true at a server whose algorithms exclude ES256, before any token request', async () => {
    const { world, fetch, toToken } = dpopWorld({ algorithms: ['RS256'] });
    const error = await failure(connect(world, fetch));
    expect(error.code).toBe('dpop_unsupported');
    expect(error.message).toContain('RS256');
    expect(toToken()).toHaveLength(0);
  });

  it('keeps the key with the storage: a second client on the same storage uses the grant and its key', async () => {
    const { world, fetch, toToken, toMcp } = dpopWorld();
    const storage = memoryStorage();
    const first = await connect(world, fetch, { storage });
    await first.callTool({ name: 'whoami', arguments: {} });
    await first.close();
    const tokenRequests = toToken().length;

    const second = await connect(world, fetch, { storage });
    await second.callTool({ name: 'whoami', arguments: {} });
    expect(toToken()).toHaveLength(tokenRequests);
    const keys = new Set(
      toMcp()
        .filter((request) => request.dpop !== null)
        .map((request) => JSON.stringify(decodeJws(String(request.dpop)).header['jwk'])),
    );
    expect(keys.size).toBe(1);
    await second.close();
  });

  it('replaces a bound grant whose key is gone instead of sending it, and says so', async () => {
    const { world, fetch } = dpopWorld();
    const strings = new Map<string, string>();
    // A storage without a key store, copied as a reload would find it: the strings survive, the key does not.
    const stringStorage = (): AuthStorage => ({
      get: async (key) => strings.get(key),
      set: async (key, value) => void strings.set(key, value),
      delete: async (key) => void strings.delete(key),
    });
    const first = await connect(world, fetch, { storage: stringStorage() });
    await first.callTool({ name: 'whoami', arguments: {} });
    await first.close();

    const events: FlowEvent[] = [];
    const second = await connect(world, fetch, {
      storage: stringStorage(),
      onEvent: (event) => events.push(event),
    });
    await second.callTool({ name: 'whoami', arguments: {} });
    expect(events.some((event) => event.detail?.['code'] === 'dpop_key_missing')).toBe(true);
    expect(
      world.tokenResponses.filter((response) => response.grantType === 'authorization_code'),
    ).toHaveLength(2);
    expect(await second.grant()).toMatchObject({ tokenType: 'DPoP' });
    await second.close();
  });

  it('requests a bearer token, and says so, when the storage cannot keep the new key (a reload would lose it)', async () => {
    const { world, fetch, toToken } = dpopWorld();
    const base = memoryStorage();
    const refusing: AuthStorage = {
      get: base.get,
      set: base.set,
      delete: base.delete,
      dpopKeys: {
        get: async () => undefined,
        set: () => Promise.reject(new Error('QuotaExceededError')),
        delete: async () => undefined,
      },
    };
    const events: FlowEvent[] = [];
    const client = await connect(world, fetch, { storage: refusing, onEvent: (event) => events.push(event) });
    await client.callTool({ name: 'whoami', arguments: {} });
    expect(await client.grant()).toMatchObject({ tokenType: 'Bearer' });
    expect(toToken().every((request) => request.dpop === null)).toBe(true);
    expect(
      events.some((event) => event.status === 'skipped' && event.detail?.['code'] === 'dpop_key_missing'),
    ).toBe(true);
    await client.close();
  });

  it('forgets the key at sign-out', async () => {
    const { world, fetch } = dpopWorld();
    const storage = memoryStorage();
    const client = await connect(world, fetch, { storage });
    await client.callTool({ name: 'whoami', arguments: {} });
    const stored = JSON.parse(String(await storage.get(`mcp-authed-client/v1/grant/${MCP_URL}`))) as {
      tokens: { dpopJkt: string };
    };
    expect(await storage.dpopKeys?.get(stored.tokens.dpopJkt)).toBeDefined();
    await client.signOut();
    expect(await storage.dpopKeys?.get(stored.tokens.dpopJkt)).toBeUndefined();
    await client.close();
  });

  it("carries proofs on the application's own fetch, and the SDK provider adapter refuses bound tokens", async () => {
    const { fetch, toMcp } = dpopWorld();
    const authorization = createMcpAuthorization(MCP_URL, {
      fetch,
      authorize: headlessAuthorize({ fetch }),
      clientMetadata: { redirectUri: REDIRECT_URI },
      dpop: true,
    });
    const response = await authorization.fetch('/mcp', INITIALIZE_REQUEST);
    expect(response.status).toBe(200);
    const last = toMcp().at(-1);
    expect(last?.authorization).toMatch(/^DPoP /);
    expect(last?.dpop).toBeTruthy();
    const error = await failure(Promise.resolve(authorization.asOAuthClientProvider().tokens()));
    expect(error.code).toBe('dpop_unsupported');
    authorization.close();
  });
});
