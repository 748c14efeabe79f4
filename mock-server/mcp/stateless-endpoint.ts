/**
 * The endpoint's 2026-07-28 path: stateless POSTs with per-request `_meta`, answered with one JSON object each.
 * One `McpServer` (built like a session's) serves them all; `server/discover` is answered here, and the tools'
 * `x-mcp-header` arguments are checked against their `Mcp-Param-*` headers before a call reaches the server. The bearer check,
 * body limit and Host/Origin checks happened before (the same as on the session path).
 */
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { isRecord } from '../objects.js';
import { acceptedTypes, classifyJsonRpc, isJsonContentType } from './http-checks.js';
import { buildMcpServer, MOCK_MCP_SERVER_VERSION, type McpServerConfigurer } from './mcp-server.js';
import { headerParams, paramHeaderProblem, type HeaderParam } from './param-headers.js';
import type { ParsedMessage } from './python-json.js';
import {
  checkStatelessRequest,
  HEADER_MISMATCH,
  isRefusal,
  METHOD_NOT_FOUND,
  SERVER_INFO_META,
  STATELESS_PROTOCOL_VERSIONS,
} from './stateless-checks.js';
import { StatelessChannel, type StatelessAnswer } from './stateless-channel.js';

const INVALID_REQUEST = -32600;
const PARSE_ERROR = -32700;

/** The methods of the revision the endpoint answers; any other (`initialize`, `ping`, …) is 404 -32601. */
const SERVED_METHODS = new Set([
  'server/discover',
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'completion/complete',
]);

/** Results a client may cache: they carry `ttlMs` and `cacheScope` (private: they depend on the token). */
const CACHEABLE_METHODS = new Set([
  'server/discover',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
  'resources/read',
]);

type RequestId = string | number | null;

function jsonRpcResponse(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', ...body }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function errorResponse(
  status: number,
  id: RequestId,
  code: number,
  message: string,
  data?: unknown,
): Response {
  const error = data === undefined ? { code, message } : { code, message, data };
  return jsonRpcResponse(status, { id, error });
}

/** What the revision asks of every result: `resultType`, and cache hints on the cacheable ones. */
function asCompleteResult(method: string, result: Record<string, unknown>): Record<string, unknown> {
  // A tool may answer `input_required` itself (SEP-2322); anything else is complete.
  const complete: Record<string, unknown> = { resultType: 'complete', ...result };
  if (CACHEABLE_METHODS.has(method)) {
    complete['ttlMs'] ??= 0;
    complete['cacheScope'] ??= 'private';
  }
  return complete;
}

/**
 * The server's capabilities without change notifications or subscriptions: the stateless path has no
 * `subscriptions/listen` stream to deliver them on.
 */
function withoutChangeNotifications(capabilities: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(capabilities).map(([name, value]) =>
      ['tools', 'prompts', 'resources'].includes(name) && isRecord(value) ? [name, {}] : [name, value],
    ),
  );
}

interface BuiltServer {
  readonly name: string;
  readonly server: McpServer;
  readonly channel: StatelessChannel;
  readonly capabilities: Record<string, unknown>;
  /** Per tool, the arguments its schema asks clients to mirror into `Mcp-Param-*` headers. */
  readonly headerParams: ReadonlyMap<string, readonly HeaderParam[]>;
}

/** The stateless path of one endpoint: the shared server, built on first use and again when its inputs change. */
export class StatelessMcp {
  readonly #configurers: readonly McpServerConfigurer[];
  readonly #elevatedScope: () => string;
  #built: Promise<BuiltServer> | undefined;
  #builtName = '';

  /** `configurers` is the endpoint's own list (read when the server is built); call `invalidate` when it grows. */
  constructor(configurers: readonly McpServerConfigurer[], elevatedScope: () => string) {
    this.#configurers = configurers;
    this.#elevatedScope = elevatedScope;
  }

  /**
   * The next request builds a new server (configurers were added). The old one is not closed: requests in flight
   * on it still get their answers, and it holds nothing else (no timers, no sockets).
   */
  invalidate(): void {
    this.#built = undefined;
  }

  /**
   * Answers one modern POST whose body is `parsed`. `stepUp` says whether the call needs a scope the token lacks:
   * it gets the 403 challenge from `challenge` once the request itself is valid.
   */
  async handle(
    request: Request,
    parsed: ParsedMessage,
    options: {
      readonly serverName: string;
      readonly authInfo: AuthInfo;
      readonly needsStepUp: (body: unknown) => Response | undefined;
    },
  ): Promise<Response> {
    if (!isJsonContentType(request.headers.get('content-type'))) {
      return errorResponse(
        415,
        null,
        INVALID_REQUEST,
        'Unsupported Media Type: Content-Type must be application/json',
      );
    }
    const accepted = acceptedTypes(request.headers.get('accept'));
    if (!accepted.json || !accepted.sse) {
      return errorResponse(
        406,
        null,
        INVALID_REQUEST,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
      );
    }
    if (!parsed.ok) return errorResponse(400, null, PARSE_ERROR, `Parse error: ${parsed.message}`);
    const body = parsed.value;
    const kind = classifyJsonRpc(body);
    if (kind === undefined || kind.kind === 'response' || !isRecord(body)) {
      return errorResponse(
        400,
        null,
        INVALID_REQUEST,
        'Invalid Request: the body must be one JSON-RPC request or notification',
      );
    }
    // No client-to-server notification is defined over Streamable HTTP in this revision: accepted, and ignored.
    if (kind.kind === 'notification') return new Response(null, { status: 202 });
    const params = isRecord(body['params']) ? body['params'] : {};
    const call = checkStatelessRequest(
      { id: kind.id, method: kind.method, params },
      request.headers,
      STATELESS_PROTOCOL_VERSIONS,
    );
    if (isRefusal(call)) return errorResponse(call.status, kind.id, call.code, call.message, call.data);
    if (!SERVED_METHODS.has(call.method)) {
      return errorResponse(
        404,
        call.id,
        METHOD_NOT_FOUND,
        `Method not found: ${call.method} (this endpoint speaks ${STATELESS_PROTOCOL_VERSIONS.join(', ')} without sessions)`,
      );
    }
    const challenge = options.needsStepUp(body);
    if (challenge !== undefined) return challenge;
    const built = await this.#server(options.serverName);
    if (call.method === 'server/discover') {
      return jsonRpcResponse(200, {
        id: call.id,
        result: asCompleteResult(call.method, {
          supportedVersions: [...STATELESS_PROTOCOL_VERSIONS],
          capabilities: built.capabilities,
          _meta: { [SERVER_INFO_META]: { name: built.name, version: MOCK_MCP_SERVER_VERSION } },
        }),
      });
    }
    if (call.method === 'tools/call') {
      const problem = paramHeaderProblem(
        built.headerParams.get(String(call.params['name'])) ?? [],
        call.params['arguments'],
        request.headers,
      );
      if (problem !== undefined) return errorResponse(400, call.id, HEADER_MISMATCH, problem);
    }
    const answer = await built.channel.request(call.method, call.params, {
      authInfo: options.authInfo,
      requestInfo: { headers: Object.fromEntries(request.headers) },
    });
    return answerResponse(call.id, call.method, answer);
  }

  /** The shared server, built once per server name (synchronously claimed, so concurrent requests share a build). */
  #server(name: string): Promise<BuiltServer> {
    if (this.#built !== undefined && this.#builtName === name) return this.#built;
    const built = this.#build(name);
    this.#built = built;
    this.#builtName = name;
    // A configurer that threw must not poison every later request: the next one builds again.
    built.catch(() => {
      if (this.#built === built) this.#built = undefined;
    });
    return built;
  }

  async #build(name: string): Promise<BuiltServer> {
    const server = buildMcpServer(name, this.#elevatedScope, this.#configurers);
    const channel = new StatelessChannel();
    await server.connect(channel);
    // The capabilities the SDK advertises, learnt the way a client learns them (no public getter exists).
    const answer = await channel.request(
      'initialize',
      {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'stateless-path', version: '0' },
      },
      {},
    );
    const result = 'result' in answer ? answer.result : {};
    const capabilities = isRecord(result['capabilities']) ? result['capabilities'] : {};
    const listed = await channel.request('tools/list', {}, {});
    const tools = 'result' in listed && Array.isArray(listed.result['tools']) ? listed.result['tools'] : [];
    const headerParamsByTool = new Map<string, HeaderParam[]>();
    for (const tool of tools as unknown[]) {
      if (isRecord(tool) && typeof tool['name'] === 'string') {
        headerParamsByTool.set(tool['name'], headerParams(tool['inputSchema']));
      }
    }
    return {
      name,
      server,
      channel,
      capabilities: withoutChangeNotifications(capabilities),
      headerParams: headerParamsByTool,
    };
  }
}

function answerResponse(id: string | number, method: string, answer: StatelessAnswer): Response {
  if ('result' in answer)
    return jsonRpcResponse(200, { id, result: asCompleteResult(method, answer.result) });
  const { code, message, data } = answer.error;
  return errorResponse(code === METHOD_NOT_FOUND ? 404 : 200, id, code, message, data);
}
