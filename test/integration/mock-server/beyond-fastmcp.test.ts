/** Every beyond-FastMCP switch: off by default (FastMCP's behaviour), on when set, all on with `spec: 'latest'`. */
import { describe, expect, it } from 'vitest';
import {
  createMockAuthServer,
  InMemoryProvider,
  validateSettings,
  type AuthorizationCode,
  type ClientInformation,
  type MockAuthServerSettings,
} from '../../../mock-server/index.js';
import {
  ALL_CLIENTS,
  authorize,
  CALLBACK,
  expectJsonError,
  location,
  obtainCode,
  obtainTokens,
  pkcePair,
  postForm,
  PUBLIC_CLIENT,
  refresh,
} from './helpers.js';
import { BASE, caseContext, INITIALIZE, MCP_URL, mcpPost, PRM_URL, tokensFor } from './mcp-helpers.js';

function mockWith(settings: Partial<MockAuthServerSettings> = {}) {
  return createMockAuthServer({ issuerUrl: BASE, clients: ALL_CLIENTS, ...settings });
}

async function metadataOf(
  mock: ReturnType<typeof mockWith>,
  path = '/.well-known/oauth-authorization-server',
) {
  const response = await mock.fetch(new Request(`${BASE}${path}`));
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function mcpStatus(mock: ReturnType<typeof mockWith>, accessToken: string): Promise<number> {
  const response = await mcpPost(mock, INITIALIZE, { authorization: `Bearer ${accessToken}` });
  await response.body?.cancel();
  return response.status;
}

describe("spec: 'latest'", () => {
  it('turns every switch on; an explicit false still wins; the default is FastMCP', () => {
    const fastmcp = validateSettings({ issuerUrl: BASE });
    expect(Object.values(fastmcp.beyondFastMcp).every((on) => !on)).toBe(true);
    const latest = validateSettings({ issuerUrl: BASE, spec: 'latest', beyondFastMcp: { mcpCors: false } });
    expect(latest.beyondFastMcp.mcpCors).toBe(false);
    const { mcpCors: _, ...others } = latest.beyondFastMcp;
    expect(Object.values(others).every((on) => on)).toBe(true);
  });

  it('rejects unknown switches and wrong values with a SettingsError', () => {
    expect(() => validateSettings({ issuerUrl: BASE, spec: 'newest' as 'latest' })).toThrow(/spec/);
    expect(() =>
      validateSettings({
        issuerUrl: BASE,
        beyondFastMcp: { nope: true } as NonNullable<MockAuthServerSettings['beyondFastMcp']>,
      }),
    ).toThrow(/beyondFastMcp.nope/);
    expect(() => validateSettings({ issuerUrl: BASE, quirks: { iss: 'odd' as 'wrong' } })).toThrow(
      /quirks.iss/,
    );
  });
});

describe('RFC 9207 iss (authorizationResponseIss)', () => {
  it('FastMCP mode: no iss and no metadata flag', async () => {
    const mock = mockWith();
    expect(await metadataOf(mock)).not.toHaveProperty('authorization_response_iss_parameter_supported');
    const { code } = await obtainCode(caseContext(mock), PUBLIC_CLIENT);
    expect(code).toBeTruthy();
    const response = await authorize(caseContext(mock), {
      client_id: PUBLIC_CLIENT.client_id,
      response_type: 'code',
      code_challenge: 'x'.repeat(43),
    });
    expect(location(response).searchParams.has('iss')).toBe(false);
  });

  it('adds iss to success and error redirects and advertises it', async () => {
    const mock = mockWith({ beyondFastMcp: { authorizationResponseIss: true } });
    expect((await metadataOf(mock))['authorization_response_iss_parameter_supported']).toBe(true);
    const { challenge } = await pkcePair();
    const base = {
      client_id: PUBLIC_CLIENT.client_id,
      response_type: 'code',
      code_challenge: challenge,
      state: 's',
    };
    const success = location(await authorize(caseContext(mock), base));
    expect(success.searchParams.get('iss')).toBe(`${BASE}/`);
    expect(success.searchParams.get('code')).toBeTruthy();
    const error = location(await authorize(caseContext(mock), { ...base, scope: 'admin' }));
    expect(Object.fromEntries(error.searchParams)).toStrictEqual({
      error: 'invalid_scope',
      error_description: 'Client was not registered with scope admin',
      state: 's',
      iss: `${BASE}/`,
    });
  });

  it('adds iss to the redirect of the consent page too', async () => {
    const mock = mockWith({ approval: 'consent', beyondFastMcp: { authorizationResponseIss: true } });
    const t = caseContext(mock);
    const { challenge } = await pkcePair();
    const page = location(
      await authorize(t, {
        client_id: PUBLIC_CLIENT.client_id,
        response_type: 'code',
        code_challenge: challenge,
      }),
    );
    const html = await (await t.fetch(page.href)).text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
    const decision = await postForm(t, '/consent', {
      request_id: field('request_id'),
      anti_forgery_token: field('anti_forgery_token'),
      decision: 'approve',
    });
    const target = location(decision);
    expect(target.href.startsWith(CALLBACK)).toBe(true);
    expect(target.searchParams.get('iss')).toBe(`${BASE}/`);
  });
});

describe('RFC 8414 path insertion (pathAwareMetadata)', () => {
  const TENANT = `${BASE}/tenant`;

  it('serves the three path-inserted documents (not the root) and the endpoints under the path', async () => {
    const mock = createMockAuthServer({
      issuerUrl: TENANT,
      clients: ALL_CLIENTS,
      beyondFastMcp: { pathAwareMetadata: true },
    });
    for (const path of [
      '/.well-known/oauth-authorization-server/tenant',
      '/.well-known/openid-configuration/tenant',
      '/tenant/.well-known/openid-configuration',
    ]) {
      const metadata = await metadataOf(mock, path);
      expect(metadata['issuer']).toBe(TENANT);
      expect(metadata['token_endpoint']).toBe(`${TENANT}/token`);
    }
    expect((await mock.fetch(new Request(`${BASE}/.well-known/oauth-authorization-server`))).status).toBe(
      404,
    );
    const tokens = await obtainTokens(caseContext(mock, TENANT), PUBLIC_CLIENT);
    expect(tokens.access_token).toBeTruthy();
    expect((await mock.fetch(new Request(`${BASE}/token`, { method: 'POST' }))).status).toBe(404);
  });

  it('serves openid-configuration next to the RFC 8414 document for an issuer without a path', async () => {
    expect((await mockWith().fetch(new Request(`${BASE}/.well-known/openid-configuration`))).status).toBe(
      404,
    );
    const mock = mockWith({ beyondFastMcp: { pathAwareMetadata: true } });
    expect((await metadataOf(mock, '/.well-known/openid-configuration'))['issuer']).toBe(`${BASE}/`);
    expect((await metadataOf(mock))['issuer']).toBe(`${BASE}/`);
  });
});

describe('scope= in WWW-Authenticate (challengeScope)', () => {
  it('names the required scopes in 401 and 403 challenges', async () => {
    const off = await mcpPost(mockWith({ requiredScopes: ['read'] }), INITIALIZE);
    expect(off.headers.get('www-authenticate')).not.toContain('scope=');
    const mock = mockWith({ requiredScopes: ['read', 'write'], beyondFastMcp: { challengeScope: true } });
    const unauthorized = await mcpPost(mock, INITIALIZE);
    expect(unauthorized.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="Authentication required", resource_metadata="${PRM_URL}", scope="read write"`,
    );
    const { access_token } = await tokensFor(mock, { scope: 'read' });
    const forbidden = await mcpPost(mock, INITIALIZE, { authorization: `Bearer ${access_token}` });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('scope="read write"');
  });
});

describe('RFC 8707 audience binding (audienceBinding)', () => {
  const OTHER = 'https://other.example/mcp';

  it('FastMCP mode accepts any resource', async () => {
    const mock = mockWith();
    const tokens = await tokensFor(mock, { resource: OTHER });
    expect(await mcpStatus(mock, tokens.access_token)).toBe(200);
  });

  it('refuses another resource at /authorize with an invalid_target redirect', async () => {
    const mock = mockWith({ beyondFastMcp: { audienceBinding: true } });
    const { challenge } = await pkcePair();
    const response = await authorize(caseContext(mock), {
      client_id: PUBLIC_CLIENT.client_id,
      response_type: 'code',
      code_challenge: challenge,
      resource: OTHER,
    });
    expect(Object.fromEntries(location(response).searchParams)).toStrictEqual({
      error: 'invalid_target',
      error_description: `Resource '${OTHER}' is not served here`,
    });
  });

  it('refuses another resource at /token (code and refresh) and accepts its own', async () => {
    const mock = mockWith({ beyondFastMcp: { audienceBinding: true } });
    const t = caseContext(mock);
    const { code, verifier, redirectUri } = await obtainCode(t, PUBLIC_CLIENT, { resource: MCP_URL });
    const fields = {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: PUBLIC_CLIENT.client_id,
    };
    await expectJsonError(await postForm(t, '/token', { ...fields, resource: OTHER }), 400, {
      error: 'invalid_target',
      error_description: `Resource '${OTHER}' is not served here`,
    });
    const ok = await postForm(t, '/token', { ...fields, resource: MCP_URL });
    expect(ok.status).toBe(200);
    const tokens = (await ok.json()) as { access_token: string; refresh_token: string };
    expect(await mcpStatus(mock, tokens.access_token)).toBe(200);
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, tokens.refresh_token, { resource: OTHER }), 400, {
      error: 'invalid_target',
      error_description: `Resource '${OTHER}' is not served here`,
    });
    expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token, { resource: MCP_URL })).status).toBe(200);
  });

  it('refuses at the MCP endpoint a token bound to another resource', async () => {
    const issuing = mockWith();
    const tokens = await tokensFor(issuing, { resource: OTHER });
    const binding = createMockAuthServer(
      { issuerUrl: BASE, beyondFastMcp: { audienceBinding: true } },
      { provider: issuing.provider },
    );
    expect(await mcpStatus(issuing, tokens.access_token)).toBe(200);
    expect(await mcpStatus(binding, tokens.access_token)).toBe(401);
    const own = await tokensFor(issuing, { resource: MCP_URL });
    expect(await mcpStatus(binding, own.access_token)).toBe(200);
  });
});

describe("audience binding at redemption leaves the provider's objects alone", () => {
  it('binds a resource-less code to the requested resource without mutating the loaded code', async () => {
    const loaded: AuthorizationCode[] = [];
    const exchanged: AuthorizationCode[] = [];
    class SharingProvider extends InMemoryProvider {
      override async loadAuthorizationCode(client: ClientInformation, code: string) {
        const found = await super.loadAuthorizationCode(client, code);
        if (found !== undefined) loaded.push(found);
        return found;
      }
      override async exchangeAuthorizationCode(client: ClientInformation, code: AuthorizationCode) {
        exchanged.push(code);
        return super.exchangeAuthorizationCode(client, code);
      }
    }
    const settings = { issuerUrl: BASE, clients: ALL_CLIENTS, beyondFastMcp: { audienceBinding: true } };
    const mock = createMockAuthServer(settings, { provider: new SharingProvider({ clients: ALL_CLIENTS }) });
    const t = caseContext(mock);
    const { code, verifier, redirectUri } = await obtainCode(t, PUBLIC_CLIENT);
    const response = await postForm(t, '/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: PUBLIC_CLIENT.client_id,
      resource: MCP_URL,
    });
    expect(response.status).toBe(200);
    expect(loaded).toHaveLength(1);
    expect(loaded[0]?.resource).toBeUndefined();
    expect(exchanged[0]?.resource).toBe(MCP_URL);
    const tokens = (await response.json()) as { access_token: string };
    expect((await mock.provider.loadAccessToken(tokens.access_token))?.resource).toBe(MCP_URL);
  });
});

describe('authorization code replay (codeReplayRevokesGrant)', () => {
  /** Redeems a fresh code once; `redeemAgain` replays the same request. */
  async function redeemCode(mock: ReturnType<typeof mockWith>) {
    const t = caseContext(mock);
    const { code, verifier, redirectUri } = await obtainCode(t, PUBLIC_CLIENT);
    const fields = {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: PUBLIC_CLIENT.client_id,
    };
    const first = (await (await postForm(t, '/token', fields)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    return { t, first, redeemAgain: () => postForm(t, '/token', fields) };
  }

  it('FastMCP mode: the first tokens survive a replay', async () => {
    const mock = mockWith();
    const { first, redeemAgain } = await redeemCode(mock);
    await expectJsonError(await redeemAgain(), 400, {
      error: 'invalid_grant',
      error_description: 'authorization code does not exist',
    });
    expect(await mcpStatus(mock, first.access_token)).toBe(200);
  });

  it('revokes every token of the grant, refreshed ones included', async () => {
    const mock = mockWith({ beyondFastMcp: { codeReplayRevokesGrant: true } });
    const { t, first, redeemAgain } = await redeemCode(mock);
    const refreshed = (await (await refresh(t, PUBLIC_CLIENT, first.refresh_token)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const unrelated = await tokensFor(mock);
    expect((await redeemAgain()).status).toBe(400);
    expect(await mcpStatus(mock, first.access_token)).toBe(401);
    expect(await mcpStatus(mock, refreshed.access_token)).toBe(401);
    expect((await refresh(t, PUBLIC_CLIENT, refreshed.refresh_token)).status).toBe(400);
    expect(await mcpStatus(mock, unrelated.access_token)).toBe(200);
  });
});

describe('refresh-token reuse (refreshTokenReuseRevokesFamily)', () => {
  it('FastMCP mode: reuse fails but the family lives on', async () => {
    const mock = mockWith();
    const t = caseContext(mock);
    const tokens = await tokensFor(mock);
    const next = (await (await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).json()) as {
      access_token: string;
    };
    expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(400);
    expect(await mcpStatus(mock, next.access_token)).toBe(200);
  });

  it('reuse of a rotated refresh token revokes the whole family', async () => {
    const mock = mockWith({ beyondFastMcp: { refreshTokenReuseRevokesFamily: true } });
    const t = caseContext(mock);
    const tokens = await tokensFor(mock);
    const next = (await (await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, tokens.refresh_token), 400, {
      error: 'invalid_grant',
      error_description: 'refresh token does not exist',
    });
    expect(await mcpStatus(mock, next.access_token)).toBe(401);
    expect((await refresh(t, PUBLIC_CLIENT, next.refresh_token)).status).toBe(400);
  });
});

describe('none for public clients (advertisePublicClients)', () => {
  it('lists none among the token endpoint auth methods only when switched on', async () => {
    expect((await metadataOf(mockWith()))['token_endpoint_auth_methods_supported']).toStrictEqual([
      'client_secret_post',
      'client_secret_basic',
    ]);
    const on = await metadataOf(mockWith({ beyondFastMcp: { advertisePublicClients: true } }));
    expect(on['token_endpoint_auth_methods_supported']).toStrictEqual([
      'client_secret_post',
      'client_secret_basic',
      'none',
    ]);
  });
});

describe('step-up (stepUpChallenge)', () => {
  it('answers a call of elevated_echo without the elevated scope with 403 insufficient_scope and scope=', async () => {
    const mock = mockWith({ requiredScopes: ['read'], beyondFastMcp: { stepUpChallenge: true } });
    const { access_token } = await tokensFor(mock, { scope: 'read' });
    const authorization = `Bearer ${access_token}`;
    const init = await mcpPost(mock, INITIALIZE, { authorization });
    const sessionId = init.headers.get('mcp-session-id') ?? '';
    await init.body?.cancel();
    const call = {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'elevated_echo', arguments: { message: 'x' } },
    };
    const headers = { authorization, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    const response = await mcpPost(mock, call, headers);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="Required scope: admin", resource_metadata="${PRM_URL}", scope="read admin"`,
    );
    const echo = await mcpPost(
      mock,
      { ...call, params: { name: 'echo', arguments: { message: 'x' } } },
      headers,
    );
    expect(echo.status).toBe(200);
    await echo.body?.cancel();
  });
});

describe('a non-default mcp.elevatedScope', () => {
  const clients = [{ ...PUBLIC_CLIENT, scope: 'read write admin deploy' }];
  const elevatedCall = {
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'elevated_echo', arguments: { message: 'x' } },
  };

  async function callElevated(mock: ReturnType<typeof mockWith>, scope: string): Promise<Response> {
    const { access_token } = await tokensFor(mock, { scope });
    const authorization = `Bearer ${access_token}`;
    const init = await mcpPost(mock, INITIALIZE, { authorization });
    const sessionId = init.headers.get('mcp-session-id') ?? '';
    await init.body?.cancel();
    return mcpPost(mock, elevatedCall, {
      authorization,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-06-18',
    });
  }

  it('step-up asks for that scope (and the default one no longer counts)', async () => {
    const mock = mockWith({
      clients,
      requiredScopes: ['read'],
      mcp: { elevatedScope: 'deploy' },
      beyondFastMcp: { stepUpChallenge: true },
    });
    for (const scope of ['read', 'read admin']) {
      const response = await callElevated(mock, scope);
      expect(response.status, scope).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer error="insufficient_scope", error_description="Required scope: deploy", resource_metadata="${PRM_URL}", scope="${scope} deploy"`,
      );
    }
    const allowed = await callElevated(mock, 'read deploy');
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('"text":"x"');
  });

  it('elevated_echo itself checks that scope without step-up', async () => {
    const mock = mockWith({ clients, mcp: { elevatedScope: 'deploy' } });
    const refused = await callElevated(mock, 'read admin');
    expect(refused.status).toBe(200);
    const text = await refused.text();
    expect(text).toContain('Missing scope: deploy');
    expect(text).toContain('"isError":true');
    const allowed = await (await callElevated(mock, 'deploy')).text();
    expect(allowed).toContain('"text":"x"');
    expect(allowed).not.toContain('"isError":true');
  });
});

describe('revocation by a public client (advertisePublicClients)', () => {
  it('FastMCP requires the client_secret key; with none advertised, RFC 7009 form without it works', async () => {
    const fields = (token: string) => ({ token, client_id: PUBLIC_CLIENT.client_id });
    const fastmcp = mockWith({ revocationOptions: { enabled: true } });
    const before = await tokensFor(fastmcp);
    await expectJsonError(
      await postForm(caseContext(fastmcp), '/revoke', fields(before.refresh_token)),
      400,
      {
        error: 'invalid_request',
        error_description: 'client_secret: Field required',
      },
    );
    const mock = mockWith({
      revocationOptions: { enabled: true },
      beyondFastMcp: { advertisePublicClients: true },
    });
    const tokens = await tokensFor(mock);
    expect((await postForm(caseContext(mock), '/revoke', fields(tokens.refresh_token))).status).toBe(200);
    expect(await mcpStatus(mock, tokens.access_token)).toBe(401);
  });
});
