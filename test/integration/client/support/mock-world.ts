/**
 * The client's test world: the project's mock (authorization server and protected MCP endpoint, one in-process
 * fetch handler), with the client wired to it through the public API. The mock's request log and provider are the
 * witnesses; the only thing added here is a record of token responses, since the log redacts the tokens that the
 * sign-out test must look up in the provider.
 */
import { createMockAuthServer } from '../../../../mock-server/index.js';
import type {
  MockAuthServer,
  MockAuthServerOptions,
  MockAuthServerSettings,
  RequestLogEntry,
} from '../../../../mock-server/index.js';
import { expect } from 'vitest';
import { createAuthedMcpClient, headlessAuthorize, McpAuthError } from '../../../../src/index.js';
import type { AuthedMcpClient, AuthedMcpClientOptions } from '../../../../src/index.js';

export const ORIGIN = 'http://localhost:8000';
export const MCP_URL = `${ORIGIN}/mcp`;
export const REDIRECT_URI = 'http://127.0.0.1:9999/callback';

/** A token endpoint answer as the client received it. */
export interface TokenResponse {
  grantType: string | null;
  status: number;
  body: Record<string, unknown>;
}

export interface MockWorld {
  mock: MockAuthServer;
  /** Serves another origin from another mock (a second authorization server). */
  addServer(server: MockAuthServer): void;
  /** `fetch` onto the mock, recording token responses. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  tokenResponses: TokenResponse[];
  /** Bodies of dynamic client registration requests (JSON, so the request log has no form for them). */
  registrations: Record<string, unknown>[];
  /** Connects a client with headless authorization; `options` override the defaults. */
  connect(options?: AuthedMcpClientOptions): Promise<AuthedMcpClient>;
  /** Requests the mock answered at one logical endpoint since the last `mock.control.clearRequests()`. */
  requestsTo(endpoint: RequestLogEntry['endpoint']): RequestLogEntry[];
  /** Token-endpoint requests of one grant type. */
  grants(grantType: 'authorization_code' | 'refresh_token'): RequestLogEntry[];
}

/** FastMCP as usually deployed: dynamic registration and revocation on. */
export const FASTMCP_WITH_REGISTRATION: MockAuthServerSettings = {
  issuerUrl: ORIGIN,
  resourceServerUrl: MCP_URL,
  clientRegistrationOptions: { enabled: true },
  revocationOptions: { enabled: true },
};

export function createMockWorld(
  settings: Partial<MockAuthServerSettings> = {},
  options: MockAuthServerOptions = {},
): MockWorld {
  const mock = createMockAuthServer({ ...FASTMCP_WITH_REGISTRATION, ...settings }, options);
  const tokenResponses: TokenResponse[] = [];
  const registrations: Record<string, unknown>[] = [];
  const servers = new Map<string, MockAuthServer>([[new URL(mock.settings.issuerUrl).origin, mock]]);

  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const server = servers.get(url.origin);
    if (!server) throw new TypeError(`fetch failed: nothing listens at ${url.origin}`);
    if (url.pathname.endsWith('/register') && request.method === 'POST') {
      registrations.push((await request.clone().json()) as Record<string, unknown>);
    }
    const isToken = url.pathname.endsWith('/token');
    const grantType = isToken ? new URLSearchParams(await request.clone().text()).get('grant_type') : null;
    const response = await server.fetch(request);
    if (isToken) {
      const body = (await response
        .clone()
        .json()
        .catch(() => ({}))) as Record<string, unknown>;
      tokenResponses.push({ grantType, status: response.status, body });
    }
    return response;
  };

  const requestsTo = (endpoint: RequestLogEntry['endpoint']): RequestLogEntry[] =>
    mock.control.requests().filter((entry) => entry.endpoint === endpoint);

  return {
    mock,
    addServer: (server) => servers.set(new URL(server.settings.issuerUrl).origin, server),
    fetch,
    tokenResponses,
    registrations,
    connect: (options = {}) =>
      createAuthedMcpClient(MCP_URL, {
        fetch,
        authorize: headlessAuthorize({ fetch }),
        clientMetadata: { name: 'client integration test', redirectUri: REDIRECT_URI },
        ...options,
      }),
    requestsTo,
    grants: (grantType) => requestsTo('token').filter((entry) => entry.form['grant_type'] === grantType),
  };
}

/** The parsed JSON of a tool result's first text block. */
export function toolJson(result: unknown): Record<string, unknown> {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  const text = content[0]?.type === 'text' ? (content[0].text ?? '') : '';
  return JSON.parse(text) as Record<string, unknown>;
}

/** The typed error a promise rejects with (the test fails when it resolves, or rejects with anything else). */
export async function failure(promise: Promise<unknown>): Promise<McpAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpAuthError);
  return error as McpAuthError;
}

/** An `OAuthClientProvider`-free initialize request, as an application's own POST to the MCP endpoint. */
export const INITIALIZE_REQUEST: RequestInit = {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'rest', version: '1' } },
  }),
};
