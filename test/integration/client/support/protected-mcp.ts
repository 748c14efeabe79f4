/**
 * Test world: the mock authorization server (in-process fetch handler) plus a protected MCP endpoint built with
 * the SDK's web-standard server transport, validating tokens through the mock's provider (as FastMCP does).
 * Every request is recorded so tests can assert on the wire.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { createMockAuthServer } from '../../../../mock-server/index.js';
import type { MockAuthServer, MockAuthServerSettings } from '../../../../mock-server/index.js';

export interface RecordedRequest {
  method: string;
  url: URL;
  form: URLSearchParams | undefined;
  authorization: string | null;
  status?: number;
  /** JSON body of token-endpoint answers. */
  json?: Record<string, unknown>;
}

export interface TestWorldOptions {
  settings?: Partial<MockAuthServerSettings>;
  /** Scopes `tools/call` additionally needs (403 insufficient_scope otherwise). */
  toolCallScopes?: string[];
  /** `tools/call` always answers 403 insufficient_scope demanding this scope, whatever the token holds. */
  toolCallAlwaysDemands?: string;
  /** Override the resource metadata document (e.g. a resource of another server). */
  resourceOverride?: string;
}

export interface TestWorld {
  origin: string;
  mcpUrl: string;
  mock: MockAuthServer;
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  requests: RecordedRequest[];
  /** The MCP endpoint refuses these access tokens with 401 from now on. */
  rejectedTokens: Set<string>;
  /** The MCP endpoint refuses every token with 401 while true. */
  rejectAll: { value: boolean };
  /** Moves the MCP server to a second authorization server at `origin` (its resource metadata changes). */
  migrateTo(origin: string): MockAuthServer;
}

export function createTestWorld(options: TestWorldOptions = {}): TestWorld {
  const origin = 'http://localhost:8000';
  const mcpUrl = `${origin}/mcp`;
  const mock = createMockAuthServer({
    issuerUrl: origin,
    resourceServerUrl: mcpUrl,
    clientRegistrationOptions: { enabled: true },
    revocationOptions: { enabled: true },
    ...options.settings,
  });
  const requests: RecordedRequest[] = [];
  const rejectedTokens = new Set<string>();
  const rejectAll = { value: false };
  const servers = new Map<string, MockAuthServer>([[origin, mock]]);
  let active = mock;
  const prmUrl = `${origin}/.well-known/oauth-protected-resource/mcp`;

  const challenge = (status: 401 | 403, params: string): Response =>
    new Response(JSON.stringify({ error: status === 401 ? 'invalid_token' : 'insufficient_scope' }), {
      status,
      headers: {
        'content-type': 'application/json',
        'www-authenticate': `Bearer ${params}, resource_metadata="${prmUrl}"`,
      },
    });

  async function mcp(request: Request): Promise<Response> {
    const header = request.headers.get('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const refused = token === undefined || rejectAll.value || rejectedTokens.has(token);
    const access = refused ? undefined : await active.provider.loadAccessToken(token);
    if (!access) return challenge(401, 'error="invalid_token", error_description="Authentication required"');
    const required = active.settings.requiredScopes ?? [];
    if (!required.every((scope) => access.scopes.includes(scope))) {
      return challenge(403, `error="insufficient_scope", scope="${required.join(' ')}"`);
    }
    const body =
      request.method === 'POST' ? ((await request.clone().json()) as { method?: string }) : undefined;
    if (body?.method === 'tools/call' && options.toolCallAlwaysDemands) {
      return challenge(403, `error="insufficient_scope", scope="${options.toolCallAlwaysDemands}"`);
    }
    const extra = options.toolCallScopes ?? [];
    if (body?.method === 'tools/call' && !extra.every((scope) => access.scopes.includes(scope))) {
      return challenge(403, `error="insufficient_scope", scope="${extra.join(' ')}"`);
    }
    const server = new McpServer({ name: 'protected-test-server', version: '1.0.0' });
    server.registerTool('whoami', { description: 'who the token belongs to' }, async () => ({
      content: [{ type: 'text', text: `${access.clientId} ${access.scopes.join(' ')}` }],
    }));
    // Stateless server: no sessionIdGenerator at all.
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    return transport.handleRequest(request);
  }

  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const isForm =
      request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded') ?? false;
    const recorded: RecordedRequest = {
      method: request.method,
      url,
      form: isForm ? new URLSearchParams(await request.clone().text()) : undefined,
      authorization: request.headers.get('authorization'),
    };
    requests.push(recorded);
    const response = await route(request, url);
    recorded.status = response.status;
    if (url.pathname === '/token') recorded.json = (await response.clone().json()) as Record<string, unknown>;
    return response;
  };

  function route(request: Request, url: URL): Promise<Response> | Response {
    const server = servers.get(url.origin);
    if (!server) return new Response('no such host', { status: 502 });
    if (url.origin === origin && url.pathname === '/mcp') return mcp(request);
    const moved = active !== mock || options.resourceOverride !== undefined;
    if (url.origin === origin && moved && url.pathname.startsWith('/.well-known/oauth-protected-resource')) {
      return Response.json({
        resource: options.resourceOverride ?? mcpUrl,
        authorization_servers: [active.settings.issuerUrl],
      });
    }
    return server.fetch(request);
  }

  function migrateTo(newOrigin: string): MockAuthServer {
    active = createMockAuthServer({
      issuerUrl: newOrigin,
      resourceServerUrl: mcpUrl,
      clientRegistrationOptions: { enabled: true },
      revocationOptions: { enabled: true },
    });
    servers.set(newOrigin, active);
    return active;
  }

  return { origin, mcpUrl, mock, fetch, requests, rejectedTokens, rejectAll, migrateTo };
}

/** Token-endpoint requests of a grant type. */
export function tokenRequests(world: TestWorld, grantType: string): RecordedRequest[] {
  return world.requests.filter((r) => r.url.pathname === '/token' && r.form?.get('grant_type') === grantType);
}
