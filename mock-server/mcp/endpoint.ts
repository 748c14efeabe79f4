/**
 * The protected MCP endpoint: bearer check, then a Streamable HTTP transport that answers as the Python SDK's
 * (v1.x, what FastMCP runs) does — same checks in the same order, same status codes, JSON-RPC errors, headers and
 * session handling — with the TypeScript SDK's `McpServer` behind it for the tools. Stateful: `initialize` opens a
 * session bound to the token's principal (client id and subject); every later request must come from the same
 * principal (else 404, as if unknown) — another user of the same client cannot use it. With `mcp.protocolEras`
 * naming `2026-07-28`, stateless requests go to the revision's own path (stateless-endpoint.ts) after the same
 * bearer, body-size and Host/Origin checks.
 */
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BodyTooLargeError, readBody } from '../http/body.js';
import type { AccessToken } from '../provider/types.js';
import type { RouteContext } from '../routes/router.js';
import { withResourceNonce } from '../dpop/resource.js';
import { authenticateBearer, type TokenVerifier } from './bearer.js';
import { bearerChallenge } from './challenge.js';
import { mcpPreflightResponse, withMcpCors } from './cors.js';
import {
  acceptedTypes,
  classifyJsonRpc,
  isJsonContentType,
  isKnownClientRequest,
  passesSecurityContentType,
  protocolVersionProblem,
} from './http-checks.js';
import {
  bareText,
  emptyJson,
  INVALID_PARAMS,
  INVALID_REQUEST,
  PARSE_ERROR,
  sessionNotFound,
  transportError,
} from './json-rpc.js';
import { parseJsonRpcBody } from './python-json.js';
import { buildMcpServer, type McpServerConfigurer } from './mcp-server.js';
import { SessionChannel } from './session-channel.js';
import { looksStateless } from './stateless-checks.js';
import { StatelessMcp } from './stateless-endpoint.js';
import { McpSessionStore } from './sessions.js';
import { callsElevatedTool } from './step-up.js';
import { transportSecurityRefusal } from './transport-security.js';

export type { McpServerConfigurer } from './mcp-server.js';

/** Options of `new McpEndpoint(…)`; `createMockAuthServer` fills them from its own options. */
export interface McpEndpointInit {
  /** Called for every new session's server, after the built-in tools are registered. */
  configureMcpServer?: McpServerConfigurer | undefined;
  /** Other mocks whose tokens this resource accepts when its metadata names their issuers (resource migration). */
  peers?: readonly TokenVerifier[] | undefined;
}

/** The headers sse-starlette sends with every event stream. */
const SSE_HEADERS = {
  'cache-control': 'no-cache, no-transform',
  'content-type': 'text/event-stream',
  'x-accel-buffering': 'no',
} as const;

/** A new session id, as the Python session manager makes them (`uuid4().hex`). */
function newSessionId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** What one request is routed to: a live session, or a session the request would open (no `Mcp-Session-Id`). */
type Target = { session: McpSessionTarget; isNew: false } | { sessionId: string; isNew: true };
interface McpSessionTarget {
  readonly id: string;
  readonly channel: SessionChannel;
}

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

  readonly #stateless = new StatelessMcp(this.#configurers, () => this.#elevatedScope);

  constructor(init: McpEndpointInit = {}) {
    if (init.configureMcpServer !== undefined) this.#configurers.push(init.configureMcpServer);
    this.#peers = [...(init.peers ?? [])];
  }

  /** Adds a configurer for sessions opened from now on. */
  configure(configurer: McpServerConfigurer): void {
    this.#configurers.push(configurer);
    this.#stateless.invalidate();
  }

  /** Trusts another mock's tokens when this resource's metadata names its issuer. */
  addPeer(peer: TokenVerifier): void {
    this.#peers.push(peer);
  }

  /**
   * Answers one request to the MCP endpoint (its route calls this, whatever the method): the bearer check first
   * (401 / 403 challenges), then the transport, with CORS when `beyondFastMcp.mcpCors` is on.
   */
  async handle(request: Request, context: RouteContext): Promise<Response> {
    const cors = context.settings.beyondFastMcp.mcpCors;
    if (cors && request.method === 'OPTIONS') return mcpPreflightResponse(request);
    const response = withResourceNonce(request, await this.#handle(request, context), context);
    return cors ? withMcpCors(request, response) : response;
  }

  async #handle(request: Request, context: RouteContext): Promise<Response> {
    const { settings } = context;
    this.#elevatedScope = settings.mcp.elevatedScope;
    const auth = await authenticateBearer(request, context, this.#peers);
    if (!auth.ok) return auth.response;
    const principal = principalOf(auth.token);
    // FastMCP's body limit sits between the bearer check and the session manager: 413 before anything else.
    let bytes: Uint8Array;
    try {
      bytes = await readBody(request, settings.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return bareText('Request body too large', 413);
      throw error;
    }

    const eras = settings.mcp.protocolEras;
    if (eras.includes('2026-07-28')) {
      const stateless = this.#statelessAnswer(
        request,
        bytes,
        context,
        auth.token,
        eras.includes('2025-11-25'),
      );
      if (stateless !== undefined) return stateless;
    }

    // The session manager: route by Mcp-Session-Id before any check of the transport's.
    const requestedId = request.headers.get('mcp-session-id');
    let target: Target;
    if (requestedId === null) {
      target = { sessionId: newSessionId(), isNew: true };
    } else {
      const session = this.sessions.get(requestedId, principal);
      if (session === undefined) {
        if (!this.sessions.wasTerminatedBy(requestedId, principal)) return sessionNotFound();
        return (
          securityRefusal(request, context) ??
          transportError(404, 'Not Found: Session has been terminated', { sessionId: requestedId })
        );
      }
      target = { session: { id: session.id, channel: session.transport }, isNew: false };
    }

    const refusal = securityRefusal(request, context);
    if (refusal !== undefined) return refusal;
    const sessionId = target.isNew ? target.sessionId : target.session.id;
    switch (request.method) {
      case 'POST':
        return this.#post(request, bytes, context, auth.token, principal, target);
      case 'GET':
        return this.#get(request, target);
      case 'DELETE':
        return this.#delete(request, target);
      default:
        return transportError(405, 'Method Not Allowed', {
          sessionId,
          headers: { allow: 'GET, POST, DELETE' },
        });
    }
  }

  /**
   * The answer of the stateless path, or `undefined` when the request is the session path's. Alone, the stateless
   * era takes every request (GET and DELETE → 405, `Mcp-Session-Id` ignored, as the revision says); next to the
   * session era, only POSTs without a session that open the modern way (see `looksStateless`).
   */
  #statelessAnswer(
    request: Request,
    bytes: Uint8Array,
    context: RouteContext,
    token: AccessToken,
    withSessions: boolean,
  ): Promise<Response> | undefined {
    const isPost = request.method === 'POST';
    if (withSessions && (!isPost || request.headers.has('mcp-session-id'))) return undefined;
    const parsed = isPost ? parseJsonRpcBody(bytes) : undefined;
    if (
      withSessions &&
      !(parsed?.ok === true && looksStateless(parsed.value, request.headers.get('mcp-protocol-version')))
    ) {
      return undefined;
    }
    const refusal = securityRefusal(request, context);
    if (refusal !== undefined) return Promise.resolve(refusal);
    if (parsed === undefined) {
      return Promise.resolve(
        Response.json(
          { jsonrpc: '2.0', id: null, error: { code: INVALID_REQUEST, message: 'Method Not Allowed' } },
          { status: 405, headers: { allow: 'POST' } },
        ),
      );
    }
    const { settings } = context;
    return this.#stateless.handle(request, parsed, {
      serverName: settings.mcp.serverName,
      authInfo: toAuthInfo(token),
      needsStepUp: (body) => stepUpChallenge(settings, token, body),
    });
  }

  async #post(
    request: Request,
    bytes: Uint8Array,
    context: RouteContext,
    token: AccessToken,
    principal: string,
    target: Target,
  ): Promise<Response> {
    const { settings } = context;
    const sessionId = target.isNew ? target.sessionId : target.session.id;
    const accepted = acceptedTypes(request.headers.get('accept'));
    if (!accepted.json || !accepted.sse) {
      return transportError(
        406,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
        {
          sessionId,
        },
      );
    }
    if (!isJsonContentType(request.headers.get('content-type'))) {
      return transportError(415, 'Unsupported Media Type: Content-Type must be application/json', {
        sessionId,
      });
    }
    const parsed = parseJsonRpcBody(bytes);
    if (!parsed.ok)
      return transportError(400, `Parse error: ${parsed.message}`, { code: PARSE_ERROR, sessionId });
    const body = parsed.value;
    const kind = classifyJsonRpc(body);
    if (kind === undefined) {
      return transportError(
        400,
        'Validation error: not a JSON-RPC 2.0 request, notification, response or error',
        {
          code: INVALID_PARAMS,
          sessionId,
        },
      );
    }
    const isInitialize = kind.kind === 'request' && kind.method === 'initialize';
    if (!isInitialize) {
      if (target.isNew) return transportError(400, 'Bad Request: Missing session ID', { sessionId });
      const problem = protocolVersionProblem(request.headers.get('mcp-protocol-version'));
      if (problem !== undefined) return transportError(400, problem, { sessionId });
    }
    const challenge = stepUpChallenge(settings, token, body);
    if (challenge !== undefined) return challenge;
    const channel = target.isNew
      ? await this.#open(target.sessionId, principal, settings.mcp)
      : target.session.channel;
    const message = body as JSONRPCMessage;
    const extra = { authInfo: toAuthInfo(token) };
    if (kind.kind !== 'request') {
      channel.deliver(message, extra);
      return emptyJson(202, sessionId);
    }
    const stream = channel.requestStream(kind.id, isInitialize);
    const params = (body as { params?: unknown }).params;
    if (isKnownClientRequest(kind.method, params)) channel.deliver(message, extra);
    else {
      // The Python server validates every request against its ClientRequest union first.
      void channel.send({
        jsonrpc: '2.0',
        id: kind.id,
        error: { code: INVALID_PARAMS, message: 'Invalid request parameters', data: '' },
      });
    }
    return new Response(stream, { status: 200, headers: { ...SSE_HEADERS, 'mcp-session-id': sessionId } });
  }

  #get(request: Request, target: Target): Response {
    const sessionId = target.isNew ? target.sessionId : target.session.id;
    if (!acceptedTypes(request.headers.get('accept')).sse) {
      return transportError(406, 'Not Acceptable: Client must accept text/event-stream', { sessionId });
    }
    if (target.isNew) return transportError(400, 'Bad Request: Missing session ID', { sessionId });
    const problem = protocolVersionProblem(request.headers.get('mcp-protocol-version'));
    if (problem !== undefined) return transportError(400, problem, { sessionId });
    const { channel } = target.session;
    if (channel.hasStandaloneStream) {
      return transportError(409, 'Conflict: Only one SSE stream is allowed per session', { sessionId });
    }
    return new Response(channel.standaloneStream(), {
      status: 200,
      headers: { ...SSE_HEADERS, 'mcp-session-id': sessionId },
    });
  }

  async #delete(request: Request, target: Target): Promise<Response> {
    if (target.isNew)
      return transportError(400, 'Bad Request: Missing session ID', { sessionId: target.sessionId });
    const problem = protocolVersionProblem(request.headers.get('mcp-protocol-version'));
    if (problem !== undefined) return transportError(400, problem, { sessionId: target.session.id });
    await this.sessions.terminate(target.session.id);
    return emptyJson(200, target.session.id);
  }

  /** A new session for an `initialize`: its own `McpServer` with the built-in tools and yours. */
  async #open(
    id: string,
    principal: string,
    options: { readonly maxSessions: number; readonly serverName: string },
  ): Promise<SessionChannel> {
    const server = buildMcpServer(options.serverName, () => this.#elevatedScope, this.#configurers);
    const channel = new SessionChannel(id);
    await server.connect(channel);
    this.sessions.add({ id, principal, transport: channel, server }, options.maxSessions);
    return channel;
  }
}

/** With `stepUpChallenge`, the 403 for a call of the elevated tool by a token without its scope. */
function stepUpChallenge(
  settings: RouteContext['settings'],
  token: AccessToken,
  body: unknown,
): Response | undefined {
  const elevated = settings.mcp.elevatedScope;
  if (
    !settings.beyondFastMcp.stepUpChallenge ||
    !callsElevatedTool(body) ||
    token.scopes.includes(elevated)
  ) {
    return undefined;
  }
  const needed = [...new Set([...(settings.requiredScopes ?? []), ...token.scopes, elevated])];
  return bearerChallenge(settings, 'insufficient_scope', `Required scope: ${elevated}`, needed, true);
}

/** Content type (on POST), then Host and Origin: the Python transport's security middleware. */
function securityRefusal(request: Request, context: RouteContext): Response | undefined {
  if (request.method === 'POST' && !passesSecurityContentType(request.headers.get('content-type'))) {
    return bareText('Invalid Content-Type header', 400);
  }
  const host = request.headers.get('host') ?? new URL(request.url).host;
  return transportSecurityRefusal(context.settings.transportSecurity, host, request.headers.get('origin'));
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
