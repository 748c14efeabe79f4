/**
 * The client against the mock's server variants (presets and settings): client identities, discovery edge cases,
 * broken servers it must refuse, step-up limits, a resource that moves to another authorization server, and the
 * hooks for server-initiated requests.
 */
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it, vi } from 'vitest';
import { approve, createMockAuthServer } from '../../../mock-server/index.js';
import { resourceMovedTo } from '../../../mock-server/presets.js';
import {
  AuthorizationError,
  ClientRegistrationError,
  DiscoveryError,
  memoryStorage,
  SessionAuthError,
  TokenError,
} from '../../../src/index.js';
import type { FlowEvent } from '../../../src/index.js';
import { createMockWorld, failure, MCP_URL, REDIRECT_URI, toolJson } from './support/mock-world.js';

const PRE_REGISTERED = {
  client_id: 'pre:registered',
  client_secret: 's3cret value',
  redirect_uris: [REDIRECT_URI],
  token_endpoint_auth_method: 'client_secret_basic',
} as const;

describe('client identity', () => {
  it('uses pre-registered credentials (client_secret_basic) and never registers', async () => {
    const world = createMockWorld({ clients: [{ ...PRE_REGISTERED, redirect_uris: [REDIRECT_URI] }] });
    world.mock.control.usePreset('pre-registration-only');
    const client = await world.connect({
      credentials: {
        clientId: 'pre:registered',
        clientSecret: 's3cret value',
        issuer: 'http://localhost:8000/',
      },
    });
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['client_id']).toBe(
      'pre:registered',
    );
    expect(world.requestsTo('register')).toEqual([]);
    expect(world.grants('authorization_code')[0]?.authorization).toBe('Basic [redacted]');
    await client.close();
  });

  it('revokes as a pre-registered public client at FastMCP, whose revocation wants a client_secret field', async () => {
    const world = createMockWorld({
      clients: [
        { client_id: 'public-app', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' },
      ],
    });
    world.mock.control.usePreset('pre-registration-only');
    const client = await world.connect({ credentials: { clientId: 'public-app' } });
    await client.signOut();
    // The standard request (no client_secret) is refused once; the same request with an empty secret passes.
    expect(world.requestsTo('revoke').map((e) => [e.form['token_type_hint'], e.status])).toEqual([
      ['refresh_token', 400],
      ['refresh_token', 200],
      ['access_token', 200],
    ]);
    expect(world.requestsTo('revoke')[1]?.form['client_secret']).toBe('');
  });

  it('says why credentials bound to another issuer string are not used', async () => {
    const world = createMockWorld({ clients: [{ ...PRE_REGISTERED, redirect_uris: [REDIRECT_URI] }] });
    world.mock.control.usePreset('pre-registration-only');
    const error = await failure(
      // FastMCP publishes its issuer with a trailing slash; bindings compare exactly.
      world.connect({ credentials: { clientId: 'pre:registered', issuer: 'http://localhost:8000' } }),
    );
    expect(error.code).toBe('client_id_required');
    expect(error.message).toContain('"http://localhost:8000", which is not "http://localhost:8000/"');
    expect(world.requestsTo('authorize')).toEqual([]);
  });

  it('keeps a wrong client secret out of the error and the events', async () => {
    const world = createMockWorld({ clients: [{ ...PRE_REGISTERED, redirect_uris: [REDIRECT_URI] }] });
    world.mock.control.usePreset('pre-registration-only');
    const events: FlowEvent[] = [];
    const error = await failure(
      world.connect({
        credentials: {
          clientId: 'pre:registered',
          clientSecret: 'wrong-s3cret',
          issuer: 'http://localhost:8000/',
        },
        onEvent: (event) => events.push(event),
      }),
    );
    expect(error).toBeInstanceOf(TokenError);
    // FastMCP's answer to a client that fails to authenticate (RFC 6749 would say invalid_client).
    expect(error.serverError).toBe('unauthorized_client');
    expect(error.step).toBe('token');
    const everything = JSON.stringify({
      message: error.message,
      events,
      description: error.serverErrorDescription,
    });
    expect(everything).not.toContain('wrong-s3cret');
    expect(everything).not.toContain('s3cret value');
  });

  it('registers again when the server forgot its dynamically registered client (restart)', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const first = await world.connect({ storage });
    const before = toolJson(await first.callTool({ name: 'whoami', arguments: {} }))['client_id'];
    await first.close();
    world.mock.control.reset();

    const client = await world.connect({ storage });
    const after = toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['client_id'];
    expect(after).not.toBe(before);
    expect(world.grants('refresh_token').map((entry) => entry.status)).toEqual([401]);
    expect(world.requestsTo('register')).toHaveLength(1);
    expect(world.requestsTo('authorize').map((entry) => entry.query['client_id'])).toEqual([after]);
    await client.close();
  });

  it.each([
    ['http://127.0.0.1:9999/callback', 'native'],
    ['https://app.example/oauth/callback', 'web'],
  ])(
    'registers with every field the spec asks for (redirect %s → %s)',
    async (redirectUri, applicationType) => {
      const world = createMockWorld();
      const client = await world.connect({ clientMetadata: { name: 'field check', redirectUri } });
      expect(world.registrations).toEqual([
        expect.objectContaining({
          redirect_uris: [redirectUri],
          client_name: 'field check',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
          application_type: applicationType,
        }),
      ]);
      await client.close();
    },
  );

  it('tells the application to pass credentials when the server can neither register nor read metadata documents', async () => {
    const world = createMockWorld();
    world.mock.control.usePreset('pre-registration-only');
    const error = await failure(world.connect());
    expect(error).toBeInstanceOf(ClientRegistrationError);
    expect(error.code).toBe('client_id_required');
    expect(error.message).toContain('credentials');
    expect(world.requestsTo('authorize')).toEqual([]);
  });

  it('uses the Client ID Metadata Document URL as client_id where the server supports it', async () => {
    const documentUrl = 'https://app.example/oauth/client.json';
    const world = createMockWorld(
      {},
      {
        fetchClientIdMetadataDocument: async (url) =>
          url === documentUrl
            ? Response.json({
                client_id: documentUrl,
                client_name: 'metadata document client',
                redirect_uris: [REDIRECT_URI],
                token_endpoint_auth_method: 'none',
                grant_types: ['authorization_code', 'refresh_token'],
                response_types: ['code'],
              })
            : new Response('not found', { status: 404 }),
      },
    );
    world.mock.control.usePreset('cimd-only');
    const client = await world.connect({ clientMetadataUrl: documentUrl });
    expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['client_id']).toBe(documentUrl);
    expect(world.requestsTo('authorize')[0]?.query['client_id']).toBe(documentUrl);
    expect(world.requestsTo('register')).toEqual([]);
    await client.close();
  });
});

describe('discovery variants', () => {
  it.each(['path-issuer', 'trailing-slash-issuer', '2025-03-26'])(
    'connects to the %s variant',
    async (preset) => {
      const world = createMockWorld();
      world.mock.control.usePreset(preset);
      const client = await world.connect();
      expect(toolJson(await client.callTool({ name: 'whoami', arguments: {} }))['client_id']).toBeTruthy();
      await client.close();
    },
  );

  it('sends the canonical MCP URL as resource when there is no protected-resource metadata (2025-03-26)', async () => {
    const world = createMockWorld();
    world.mock.control.usePreset('2025-03-26');
    const client = await world.connect();
    expect(world.requestsTo('resource-metadata').every((entry) => entry.status === 404)).toBe(true);
    expect(world.requestsTo('authorize')[0]?.query['resource']).toBe(MCP_URL);
    expect(world.grants('authorization_code')[0]?.form['resource']).toBe(MCP_URL);
    await client.close();
  });

  it('refreshes from storage at a 2025-03-26 server without any metadata (default endpoints)', async () => {
    const world = createMockWorld();
    world.mock.control.usePreset('2025-03-26');
    world.mock.control.failNext('metadata', { status: 404, error: 'not_found', times: 1000 });
    const storage = memoryStorage();
    const first = await world.connect({ storage });
    expect(world.requestsTo('authorize')).toHaveLength(1);
    await first.close();

    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();
    const warm = await world.connect({ storage });
    await warm.listTools();
    expect(world.grants('refresh_token').map((e) => e.status)).toEqual([200]);
    expect(world.requestsTo('authorize')).toEqual([]);
    await warm.close();
  });

  it('asks a path issuer for path-inserted metadata, never the root', async () => {
    const world = createMockWorld();
    world.mock.control.usePreset('path-issuer');
    const client = await world.connect();
    const paths = world.requestsTo('metadata').map((entry) => entry.path);
    expect(paths[0]).toBe('/.well-known/oauth-authorization-server/tenant');
    expect(paths).not.toContain('/.well-known/oauth-authorization-server');
    await client.close();
  });

  it.each([
    ['resource-mismatch', DiscoveryError, 'resource_mismatch'],
    ['metadata-issuer-mismatch', DiscoveryError, 'issuer_mismatch'],
    ['no-s256', AuthorizationError, 'pkce_not_supported'],
  ] as const)('stops before any authorization request on the %s variant', async (preset, type, code) => {
    const world = createMockWorld();
    world.mock.control.usePreset(preset);
    const error = await failure(world.connect());
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    expect(world.requestsTo('authorize')).toEqual([]);
    expect(world.requestsTo('register')).toEqual([]);
  });

  it.each([
    ['iss-wrong', 'iss_mismatch'],
    ['iss-missing', 'iss_missing'],
  ] as const)(
    'rejects the authorization response on the %s variant and redeems no code',
    async (preset, code) => {
      const world = createMockWorld();
      world.mock.control.usePreset(preset);
      const error = await failure(world.connect());
      expect(error).toBeInstanceOf(AuthorizationError);
      expect(error.code).toBe(code);
      expect(world.requestsTo('token')).toEqual([]);
    },
  );

  it('checks an iss the server sends without advertising it, and accepts the right one', async () => {
    const world = createMockWorld();
    world.mock.control.usePreset('iss-unadvertised');
    const client = await world.connect();
    expect(world.requestsTo('token')).toHaveLength(1);
    await client.close();
  });
});

describe('tokens without refresh, step-up limits', () => {
  it('authorizes again when the access token expires and no refresh token was issued', async () => {
    const world = createMockWorld();
    world.mock.control.usePreset('no-refresh-token');
    const client = await world.connect();
    world.mock.control.expireAllTokens('access');
    world.mock.control.clearRequests();
    await client.listTools();
    expect(world.grants('refresh_token')).toEqual([]);
    expect(world.requestsTo('authorize')).toHaveLength(1);
    await client.close();
  });

  it('refreshes 5-second tokens ahead of expiry, but not on every request', async () => {
    const world = createMockWorld();
    world.mock.control.usePreset('short-lived-tokens');
    const client = await world.connect();
    await client.listTools();
    await client.listTools();
    expect(world.grants('refresh_token')).toEqual([]);
    // Past half the lifetime (the margin never exceeds it), still before expiry.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3_000 });
    try {
      await client.listTools();
    } finally {
      vi.useRealTimers();
    }
    expect(world.grants('refresh_token').map((entry) => entry.status)).toEqual([200]);
    // The only 401 is the very first, unauthenticated request: no expired token was ever sent.
    expect(world.requestsTo('mcp').filter((entry) => entry.status === 401)).toHaveLength(1);
    await client.close();
  });

  it('surfaces a step-up the authorization server refuses as a typed error with its code', async () => {
    const world = createMockWorld({
      requiredScopes: ['read'],
      clientRegistrationOptions: { enabled: true, validScopes: ['read'] },
    });
    world.mock.control.usePreset('step-up');
    const client = await world.connect();
    const error = await failure(client.callTool({ name: 'elevated_echo', arguments: { message: 'x' } }));
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error.serverError).toBe('invalid_scope');
    await client.close();
  });

  it('bounds step-up to 3 authorizations for one request, then throws insufficient_scope', async () => {
    const world = createMockWorld({
      requiredScopes: ['read'],
      clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write'] },
    });
    const client = await world.connect();
    world.mock.control.clearRequests();
    // The first request and each of the 3 retries are refused; the 4th refusal is the client's to report.
    world.mock.control.failNext('mcp', {
      status: 403,
      error: 'insufficient_scope',
      headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="write"' },
      times: 4,
      methods: ['POST'],
    });
    const error = await failure(client.listTools());
    expect(error).toBeInstanceOf(SessionAuthError);
    expect(error.code).toBe('insufficient_scope');
    expect(error.step).toBe('step-up');
    expect(world.requestsTo('authorize')).toHaveLength(3);
    await client.close();
  });
});

describe('a resource that moves to another authorization server', () => {
  it('registers at the new server and never sends it the old client id', async () => {
    const world = createMockWorld();
    const second = createMockAuthServer({
      issuerUrl: 'http://localhost:9000',
      resourceServerUrl: MCP_URL,
      clientRegistrationOptions: { enabled: true },
    });
    world.addServer(second);
    world.mock.mcp.addPeer({
      issuer: second.settings.issuerUrl,
      loadAccessToken: (token) => second.provider.loadAccessToken(token),
    });
    const storage = memoryStorage();
    const first = await world.connect({ storage });
    const oldClientId = String(
      toolJson(await first.callTool({ name: 'whoami', arguments: {} }))['client_id'],
    );
    await first.close();

    world.mock.control.reconfigure(resourceMovedTo(second.settings.issuerUrl));
    const moved = await world.connect({ storage });
    const who = toolJson(await moved.callTool({ name: 'whoami', arguments: {} }));
    expect(who['client_id']).not.toBe(oldClientId);
    const atSecond = second.control.requests();
    expect(atSecond.some((entry) => entry.endpoint === 'register')).toBe(true);
    const sentIds = atSecond.flatMap((entry) => [entry.query['client_id'], entry.form['client_id']]);
    expect(sentIds).not.toContain(oldClientId);
    expect(atSecond.filter((entry) => entry.endpoint === 'token').map((entry) => entry.status)).toEqual([
      200,
    ]);
    await moved.close();
  });
});

describe('server-initiated requests and cancellation', () => {
  it('declares the capabilities given in mcpClientOptions and answers with the handlers set in beforeConnect', async () => {
    const world = createMockWorld(
      {},
      {
        configureMcpServer: (server) => {
          server.registerTool('ask_name', { inputSchema: {} }, async () => {
            const answer = await server.server.elicitInput({
              message: 'your name?',
              requestedSchema: {
                type: 'object',
                properties: { name: { type: 'string' } },
                required: ['name'],
              },
            });
            return {
              content: [{ type: 'text', text: `${answer.action}:${String(answer.content?.['name'])}` }],
            };
          });
        },
      },
    );
    const client = await world.connect({
      mcpClientOptions: { capabilities: { elicitation: { form: {} } } },
      beforeConnect: (c) => {
        c.setRequestHandler(ElicitRequestSchema, async () => ({
          action: 'accept',
          content: { name: 'Ada' },
        }));
      },
    });
    const result = await client.callTool({ name: 'ask_name', arguments: {} });
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('accept:Ada');
    await client.close();
  });

  it('aborts the connection when beforeConnect rejects, before any request', async () => {
    const world = createMockWorld();
    const error = await world
      .connect({
        beforeConnect: () => Promise.reject(new Error('handlers unavailable')),
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('handlers unavailable');
    expect(world.mock.control.requests()).toEqual([]);
  });

  it('sends nothing when the application signal is already aborted', async () => {
    const world = createMockWorld();
    const error = await failure(world.connect({ signal: AbortSignal.abort() }));
    expect(error.code).toBe('aborted');
    expect(world.mock.control.requests()).toEqual([]);
  });

  it('stops an authorization when the application aborts, with a typed error', async () => {
    const world = createMockWorld();
    const controller = new AbortController();
    const error = await failure(
      world.connect({
        signal: controller.signal,
        authorize: () => {
          controller.abort();
          return new Promise<never>(() => undefined);
        },
      }),
    );
    expect(error.code).toBe('aborted');
    expect(world.requestsTo('token')).toEqual([]);
  });

  it('gives up on an authorization handler that never answers, with a typed timeout', async () => {
    const world = createMockWorld();
    const error = await failure(
      world.connect({ authorizationTimeoutMs: 20, authorize: () => new Promise<never>(() => undefined) }),
    );
    expect(error.code).toBe('timeout');
    expect(error.step).toBe('authorization');
  });

  it.each(['approve', 'deny'] as const)(
    'goes through the consent page like a browser would (user clicks %s)',
    async (decision) => {
      const world = createMockWorld({ approval: 'consent' });
      const attempt = world.connect({ authorize: (url) => approve(world.mock, url, { decision }) });
      if (decision === 'approve') {
        const client = await attempt;
        expect(world.requestsTo('consent').length).toBeGreaterThan(0);
        await client.close();
        return;
      }
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(AuthorizationError);
      expect(error.code).toBe('authorization_error');
      expect(error.serverError).toBe('access_denied');
      expect(world.requestsTo('token')).toEqual([]);
    },
  );

  it('rejects a forged callback (another state) and redeems no code', async () => {
    const world = createMockWorld();
    const error = await failure(
      world.connect({
        authorize: async (url) => {
          const response = await world.fetch(url, { redirect: 'manual' });
          const callback = new URL(response.headers.get('location') ?? '');
          callback.searchParams.set('state', 'forged');
          return callback;
        },
      }),
    );
    expect(error.code).toBe('state_mismatch');
    expect(world.requestsTo('token')).toEqual([]);
  });
});
