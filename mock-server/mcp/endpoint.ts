/**
 * The protected MCP endpoint: bearer check, then `@modelcontextprotocol/sdk`'s Streamable HTTP server transport
 * (web-standard flavour, so it runs wherever the mock's fetch handler runs). Stateful: `initialize` opens a session
 * bound to the token's principal (client id and subject); every later request must come from the same principal
 * (else 404, as if unknown) — another user of the same client cannot use it.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { readJsonBody } from '../http/json-body.js';
import type { AccessToken } from '../provider/types.js';
import type { RouteContext } from '../routes/router.js';
import { authenticateBearer, type TokenVerifier } from './bearer.js';
import { bearerChallenge } from './challenge.js';
import { mcpPreflightResponse, withMcpCors } from './cors.js';
import { missingSessionId, parseError, sessionNotFound } from './json-rpc.js';
import { McpSessionStore } from './sessions.js';
import { callsElevatedTool } from './step-up.js';
import { registerBuiltInTools } from './tools.js';

/** Adds your tools, resources and prompts to the `McpServer` of each new session. */
export type McpServerConfigurer = (server: McpServer) => void;

/** Options of `new McpEndpoint(…)`; `createMockAuthServer` fills them from its own options. */
export interface McpEndpointInit {
  /** Called for every new session's server, after the built-in tools are registered. */
  configureMcpServer?: McpServerConfigurer | undefined;
  /** Other mocks whose tokens this resource accepts when its metadata names their issuers (resource migration). */
  peers?: readonly TokenVerifier[] | undefined;
}

const MOCK_MCP_SERVER_INFO = { name: 'mcp-authed-client-mock', version: '0.1.0' } as const;

/**
 * The protected MCP endpoint (`mock.mcp`): checks the bearer token, then serves MCP over Streamable HTTP with the
 * built-in tools plus yours. Sessions are bound to the principal (client and subject) that opened them.
 */
export class McpEndpoint {
  /** The live MCP sessions, e.g. to assert how many a client opened or to close them. */
  readonly sessions = new McpSessionStore();
  readonly #configurers: McpServerConfigurer[] = [];
  readonly #peers: TokenVerifier[];
  #elevatedScope = 'admin';

  constructor(init: McpEndpointInit = {}) {
    if (init.configureMcpServer !== undefined) this.#configurers.push(init.configureMcpServer);
    this.#peers = [...(init.peers ?? [])];
  }

  /** Adds a configurer for sessions opened from now on. */
  configure(configurer: McpServerConfigurer): void {
    this.#configurers.push(configurer);
  }

  /** Trusts another mock's tokens when this resource's metadata names its issuer. */
  addPeer(peer: TokenVerifier): void {
    this.#peers.push(peer);
  }

  /**
   * Answers one request to the MCP endpoint (its route calls this): the bearer check (401 / 403 challenges), then the
   * session's MCP transport, with CORS when `beyondFastMcp.mcpCors` is on.
   */
  async handle(request: Request, context: RouteContext): Promise<Response> {
    const cors = context.settings.beyondFastMcp.mcpCors;
    if (request.method === 'OPTIONS') return mcpPreflightResponse();
    const response = await this.#handle(request, context);
    return cors ? withMcpCors(request, response) : response;
  }

  async #handle(request: Request, context: RouteContext): Promise<Response> {
    const { settings } = context;
    this.#elevatedScope = settings.mcp.elevatedScope;
    const auth = await authenticateBearer(request, context, this.#peers);
    if (!auth.ok) return auth.response;
    const principal = principalOf(auth.token);
    const authInfo = toAuthInfo(auth.token);
    const sessionId = request.headers.get('mcp-session-id') ?? undefined;

    if (request.method !== 'POST') {
      if (sessionId === undefined) return missingSessionId();
      const session = this.sessions.get(sessionId, principal);
      if (session === undefined) return sessionNotFound();
      return session.transport.handleRequest(request, { authInfo });
    }

    const parsed = await readJsonBody(request, settings.maxBodyBytes);
    if (!parsed.ok) return parseError();
    const body = parsed.value;
    const elevated = settings.mcp.elevatedScope;
    if (
      settings.beyondFastMcp.stepUpChallenge &&
      callsElevatedTool(body) &&
      !auth.token.scopes.includes(elevated)
    ) {
      const needed = [...new Set([...(settings.requiredScopes ?? []), ...auth.token.scopes, elevated])];
      return bearerChallenge(settings, 'insufficient_scope', `Required scope: ${elevated}`, needed, true);
    }
    // The transport reads the body itself unless handed the parsed one; ours is already consumed.
    const forward = new Request(request.url, {
      method: 'POST',
      headers: request.headers,
      signal: request.signal,
    });
    if (sessionId !== undefined) {
      const session = this.sessions.get(sessionId, principal);
      if (session === undefined) return sessionNotFound();
      return session.transport.handleRequest(forward, { parsedBody: body, authInfo });
    }
    if (!isInitializeRequest(body)) return missingSessionId();
    return this.#open(forward, body, principal, authInfo, settings.mcp.maxSessions);
  }

  async #open(
    request: Request,
    body: unknown,
    principal: string,
    authInfo: AuthInfo,
    maxSessions: number,
  ): Promise<Response> {
    const server = new McpServer(MOCK_MCP_SERVER_INFO);
    registerBuiltInTools(server, () => this.#elevatedScope);
    for (const configure of this.#configurers) configure(server);
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (id) => this.sessions.add({ id, principal, transport, server }, maxSessions),
      onsessionclosed: (id) => this.sessions.close(id),
      // No keep-alive timers: nothing sits between a mock and its client, and timers would outlive tests.
      keepAliveMs: 0,
    });
    await server.connect(transport);
    const response = await transport.handleRequest(request, { parsedBody: body, authInfo });
    // A failed initialize leaves no session behind.
    if (transport.sessionId === undefined) await server.close().catch(() => undefined);
    return response;
  }
}

/** Who a token speaks for: the client and, when the provider names one, the user (subject). */
export function principalOf(token: Pick<AccessToken, 'clientId' | 'subject'>): string {
  return JSON.stringify([token.clientId, token.subject ?? null]);
}

function toAuthInfo(token: AccessToken): AuthInfo {
  const info: AuthInfo = { token: token.token, clientId: token.clientId, scopes: [...token.scopes] };
  if (token.expiresAt !== undefined) info.expiresAt = token.expiresAt;
  if (token.resource !== undefined && URL.canParse(token.resource)) info.resource = new URL(token.resource);
  if (token.subject !== undefined) info.extra = { subject: token.subject };
  return info;
}
