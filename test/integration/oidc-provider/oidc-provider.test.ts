/**
 * The client against a real authorization server: oidc-provider in front of an SDK `McpServer`, in the variants
 * deployments come in. In each, the client runs with its default options (only the redirect URI and the headless
 * handler are given, as any test would): cold connect, a tool call, a refresh once the access token has expired
 * (the clock is moved, nothing sleeps), a step-up to the elevated scope, and a sign-out that the provider confirms
 * (the refresh token, and an opaque access token, introspect as inactive).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthedMcpClient, headlessAuthorize } from '../../../src/index.js';
import type { AuthorizationHandler, FlowEvent } from '../../../src/index.js';
import {
  ACCESS_TOKEN_TTL,
  DOCUMENTED,
  RESOURCE_SERVER_CLIENT,
  startAuthorizationServer,
} from './support/authorization-server.js';
import type { ProviderVariant, RunningProvider } from './support/authorization-server.js';
import { startResourceServer } from './support/resource-server.js';
import type { RunningResourceServer } from './support/resource-server.js';

const REDIRECT_URI = 'http://127.0.0.1:9999/callback';

interface World {
  as: RunningProvider;
  rs: RunningResourceServer;
  /** The provider's discovery document, as the client would read it. */
  metadata: Record<string, unknown>;
  close(): Promise<void>;
}

async function startWorld(variant: ProviderVariant): Promise<World> {
  // Each server needs the other's address: the resource server reads the provider's metadata once both run.
  let metadata: Record<string, unknown> = {};
  const rs = await startResourceServer(variant.accessTokenFormat, () => ({
    issuer: String(metadata['issuer']),
    jwksUri: String(metadata['jwks_uri']),
    introspectionEndpoint: String(metadata['introspection_endpoint']),
  }));
  const as = await startAuthorizationServer(variant, () => rs.mcpUrl);
  const discovery = new URL(
    '.well-known/openid-configuration',
    as.issuer.endsWith('/') ? as.issuer : `${as.issuer}/`,
  );
  metadata = (await (await fetch(discovery)).json()) as Record<string, unknown>;
  return {
    as,
    rs,
    metadata,
    close: async () => {
      await rs.close();
      await as.close();
    },
  };
}

/** Token endpoint answers as the client received them (the client never exposes its tokens). */
interface Recorded {
  tokens: Array<{ grantType: string | null; body: Record<string, unknown> }>;
  authorizationUrls: URL[];
  registrations: Array<{ status: number; body: Record<string, unknown> }>;
  /** Metadata documents asked for, and the status of each answer. */
  wellKnown: Array<{ path: string; status: number }>;
  /** Callback URLs the headless handler returned. */
  callbacks: URL[];
}

function recordingFetch(world: World, recorded: Recorded): typeof fetch {
  const tokenEndpoint = String(world.metadata['token_endpoint']);
  const registrationEndpoint = String(world.metadata['registration_endpoint']);
  const authorizationEndpoint = String(world.metadata['authorization_endpoint']);
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    // Authorization requests only, not the provider's resumption of one (same endpoint, its own path).
    if (request.url.startsWith(authorizationEndpoint) && url.searchParams.has('response_type')) {
      recorded.authorizationUrls.push(url);
    }
    const form =
      request.url === tokenEndpoint ? new URLSearchParams(await request.clone().text()) : undefined;
    const response = await fetch(request);
    if (url.pathname.startsWith('/.well-known/')) {
      recorded.wellKnown.push({ path: url.pathname, status: response.status });
    }
    if (form) {
      const body = (await response.clone().json()) as Record<string, unknown>;
      recorded.tokens.push({ grantType: form.get('grant_type'), body });
    }
    if (request.url === registrationEndpoint) {
      const body = (await response.clone().json()) as Record<string, unknown>;
      recorded.registrations.push({ status: response.status, body });
    }
    return response;
  };
}

/** Asks the provider, as the resource server does, whether a token is still active. */
async function introspect(world: World, token: string): Promise<boolean> {
  const response = await fetch(String(world.metadata['introspection_endpoint']), {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${RESOURCE_SERVER_CLIENT.id}:${RESOURCE_SERVER_CLIENT.secret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  return ((await response.json()) as { active?: unknown }).active === true;
}

/** The handler, keeping each callback URL it returns. */
function recordCallbacks(
  handler: ReturnType<typeof headlessAuthorize>,
  recorded: Recorded,
): AuthorizationHandler {
  return async (url, context) => {
    const callback = await handler(url, context);
    recorded.callbacks.push(new URL(callback));
    return callback;
  };
}

function toolText(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content[0]?.text ?? '';
}

const VARIANTS: Array<[string, ProviderVariant]> = [
  [
    'as documented (both metadata documents, resource scopes not in `scopes`, default refresh rule, JWT)',
    DOCUMENTED,
  ],
  ['resource scopes listed in the provider’s scopes', { ...DOCUMENTED, resourceScopesListed: true }],
  ['a refresh token for every client that may have one', { ...DOCUMENTED, refreshTokenRule: 'always' }],
  ['RFC 8414 metadata missing (OpenID discovery only)', { ...DOCUMENTED, rfc8414Metadata: false }],
  ['an issuer with a trailing slash', { ...DOCUMENTED, issuerTrailingSlash: true }],
  ['no RFC 9207 iss in authorization responses', { ...DOCUMENTED, issInResponses: false }],
  ['opaque access tokens (introspected)', { ...DOCUMENTED, accessTokenFormat: 'opaque' }],
];

describe('against oidc-provider, with the client’s default options', () => {
  let world: World | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await world?.close();
    world = undefined;
  });

  it.each(VARIANTS)('%s: connect, call, refresh, step up, sign out', async (_name, variant) => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    world = await startWorld(variant);
    const recorded: Recorded = {
      tokens: [],
      authorizationUrls: [],
      registrations: [],
      wellKnown: [],
      callbacks: [],
    };
    const events: FlowEvent[] = [];
    const recording = recordingFetch(world, recorded);
    const client = await createAuthedMcpClient(world.rs.mcpUrl, {
      clientMetadata: { redirectUri: REDIRECT_URI },
      authorize: recordCallbacks(headlessAuthorize({ fetch: recording }), recorded),
      fetch: recording,
      onEvent: (event) => events.push(event),
    });

    // Cold connect and a call.
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['admin_echo', 'whoami']);
    const me = JSON.parse(toolText(await client.callTool({ name: 'whoami' }))) as { scopes: string[] };
    expect(me.scopes).toContain('mcp:read');
    expect(me.scopes).not.toContain('mcp:admin');

    // The variant is what the client met: which metadata answered, whether the response carried `iss`.
    const asMetadata = recorded.wellKnown.filter((entry) => !entry.path.includes('protected-resource'));
    expect(asMetadata[0]).toEqual({
      path: '/.well-known/oauth-authorization-server',
      status: variant.rfc8414Metadata ? 200 : 404,
    });
    expect(recorded.callbacks[0]?.searchParams.has('iss')).toBe(variant.issInResponses);

    // Registration: refused over its scope only where the resource scopes are not the provider's, then retried.
    const retried = events.some((event) => /registering again without one/.test(event.message));
    expect(retried).toBe(!variant.resourceScopesListed);
    expect(recorded.registrations.at(-1)?.status).toBe(201);
    // No ID token is asked for: the MCP server's scopes do not name openid.
    const firstRequest = recorded.authorizationUrls[0];
    expect(firstRequest?.searchParams.get('scope')?.split(' ')).not.toContain('openid');
    expect(firstRequest?.searchParams.get('scope')?.split(' ')).toContain('offline_access');
    expect(firstRequest?.searchParams.get('prompt')).toBe('consent');

    const first = recorded.tokens.find((entry) => entry.grantType === 'authorization_code')?.body;
    expect(typeof first?.['refresh_token']).toBe('string');
    expect(events.some((event) => /issued no refresh token/.test(event.message))).toBe(false);

    // The access token expires: the next call refreshes first, and the MCP server accepts the new token.
    vi.setSystemTime(Date.now() + (ACCESS_TOKEN_TTL + 60) * 1000);
    await client.callTool({ name: 'whoami' });
    const refreshes = recorded.tokens.filter((entry) => entry.grantType === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(typeof refreshes[0]?.body['access_token']).toBe('string');
    expect(recorded.authorizationUrls).toHaveLength(1);

    // Step-up: the elevated tool answers 403 insufficient_scope; the client authorizes again for the union.
    const echoed = await client.callTool({ name: 'admin_echo', arguments: { text: 'elevated' } });
    expect(toolText(echoed)).toBe('elevated');
    expect(recorded.authorizationUrls).toHaveLength(2);
    expect(recorded.authorizationUrls[1]?.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['mcp:read', 'mcp:admin']),
    );

    // Sign-out: resolves, and the provider no longer honours the grant.
    const last = recorded.tokens.at(-1)?.body ?? {};
    const refreshToken = String(last['refresh_token'] ?? refreshes[0]?.body['refresh_token']);
    const accessToken = String(last['access_token']);
    expect(await introspect(world, refreshToken)).toBe(true);
    await client.signOut();
    expect(await introspect(world, refreshToken)).toBe(false);
    if (variant.accessTokenFormat === 'opaque') {
      expect(await introspect(world, accessToken)).toBe(false);
    } else {
      // A JWT cannot be revoked at oidc-provider (unsupported_token_type): said, not thrown.
      expect(events.some((event) => /stays valid until it expires/.test(event.message))).toBe(true);
    }
    expect(events.filter((event) => event.step === 'revocation' && event.status === 'failed')).toEqual([]);
  });
});
