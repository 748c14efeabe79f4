/**
 * `createAuthedMcpClient`: an SDK `Client` over Streamable HTTP whose fetch does MCP authorization.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpAuthError } from '../errors.js';
import { redactText, redactUrl } from '../events.js';
import type { FlowEventStream } from '../events.js';
import type { FetchLike } from '../http.js';
import type { AuthedMcpClientOptions } from '../options.js';
import { SERVER_TEXT_LIMIT, quoteServerText } from '../server-text.js';
import { createAuthorizationSession } from './authorization.js';
import type { AuthorizationSession, McpAuthorization } from './authorization.js';
import type { GrantInfo } from './grant-info.js';
import type { SessionEventStream } from './session-events.js';
import { forgetEra, ProbeServerError, probeEra, rememberedEra, rememberEra } from './era.js';
import type { Era, ProbeRequest } from './era.js';
import { STATELESS_PROTOCOL_VERSIONS, StatelessTransport, withMethodHeaders } from './stateless-transport.js';
import { ToolHeaderRegistry } from './tool-header-registry.js';
import { withVersionRetry } from './version-retry.js';

const LATEST_STATELESS = '2026-07-28';

/** `protocolVersion` given by the application: a stateless revision, or the initialize handshake for any other. */
function eraOfOverride(version: string): Era {
  return STATELESS_PROTOCOL_VERSIONS.includes(version)
    ? { lifecycle: 'stateless', version }
    : { lifecycle: 'initialize' };
}

/**
 * Probes the server's era. In a browser, a server of the 2025 era may not allow the probe's `Mcp-Method` header in
 * its CORS preflight: that refusal says the server is not stateless, and the handshake (whose headers it allows, or
 * which fails with the same clear error) decides.
 */
async function detectEra(fetch: FetchLike, mcpUrl: URL, request: ProbeRequest): Promise<Era> {
  try {
    return await probeEra(fetch, mcpUrl, request, STATELESS_PROTOCOL_VERSIONS);
  } catch (error) {
    if (error instanceof McpAuthError && error.code === 'cors_refused')
      return { lifecycle: 'initialize', tentative: true };
    throw error;
  }
}

/**
 * A connected MCP client: the SDK `Client` API, plus the session of its authorization (state, events, tokens for
 * the application's own requests, sign-out).
 */
export interface AuthedMcpClient extends Client, Omit<McpAuthorization, 'close' | 'signOut'> {
  /**
   * Revokes the refresh token, then the access token (RFC 7009), forgets them, and closes the connection.
   * Throws the first revocation failure after local state is cleared.
   */
  signOut(): Promise<void>;
}

/** The implementation behind `AuthedMcpClient`: built only by `createAuthedMcpClient`, so its constructor stays private to the package. */
class AuthorizedClient extends Client implements AuthedMcpClient {
  readonly events: FlowEventStream;
  readonly sessionEvents: SessionEventStream;
  readonly #session: AuthorizationSession;

  constructor(
    info: { name: string; version: string },
    session: AuthorizationSession,
    options?: ClientOptions,
  ) {
    super(info, options);
    this.#session = session;
    this.events = session.events;
    this.sessionEvents = session.sessionEvents;
    // Another tab's sign-out closes this client too.
    session.onSignedOutElsewhere = () => void this.close().catch(() => undefined);
  }

  isSignedIn(): Promise<boolean> {
    return this.#session.isSignedIn();
  }

  grant(): Promise<GrantInfo | undefined> {
    return this.#session.grant();
  }

  getAccessToken(): Promise<string> {
    return this.#session.getAccessToken();
  }

  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    return this.#session.fetch(input, init);
  }

  asOAuthClientProvider(): OAuthClientProvider {
    return this.#session.asOAuthClientProvider();
  }

  override async close(): Promise<void> {
    this.#session.close();
    await super.close();
  }

  async signOut(): Promise<void> {
    try {
      await this.#session.signOut();
    } finally {
      await this.close();
    }
  }
}

/**
 * Connects to an MCP server at `url`, authorizing as needed (discovery, client identity, PKCE authorization
 * code flow), and resolves to a connected client.
 */
export async function createAuthedMcpClient(
  url: string | URL,
  options: AuthedMcpClientOptions = {},
): Promise<AuthedMcpClient> {
  try {
    return await connectAuthedMcpClient(url, options);
  } finally {
    // Whatever the handler prepared for a first authorization (a popup opened in the user's click) is not needed now.
    options.authorize?.release?.();
  }
}

async function connectAuthedMcpClient(
  url: string | URL,
  options: AuthedMcpClientOptions,
): Promise<AuthedMcpClient> {
  const session = createAuthorizationSession(url, options);
  const { flowEvents: events, secrets, url: mcpUrl, transportFetch } = session;
  const client = new AuthorizedClient(
    { name: session.resolved.clientName, version: session.resolved.clientVersion },
    session,
    options.mcpClientOptions,
  );
  try {
    // The application's handlers for server requests must be in place before the first message can arrive.
    await options.beforeConnect?.(client);
  } catch (error) {
    session.close();
    throw error;
  }
  events.emit({
    step: 'connection',
    status: 'started',
    message: 'connecting to the MCP server',
    request: { method: 'POST', url: redactUrl(mcpUrl) },
  });
  const toolHeaders = new ToolHeaderRegistry();
  // Stateless requests carry their revision in headers and `_meta`; a refused revision is retried once (see
  // version-retry.ts), below the method headers so the retry keeps them.
  const statelessFetch = withMethodHeaders(
    withVersionRetry(transportFetch, STATELESS_PROTOCOL_VERSIONS),
    toolHeaders,
  );
  let remembered = false;
  try {
    const known = options.storage
      ? await rememberedEra(options.storage, mcpUrl, STATELESS_PROTOCOL_VERSIONS)
      : undefined;
    remembered = known !== undefined && options.protocolVersion === undefined;
    const era =
      options.protocolVersion !== undefined
        ? eraOfOverride(options.protocolVersion)
        : (known ??
          (await detectEra(statelessFetch, mcpUrl, {
            version: STATELESS_PROTOCOL_VERSIONS[0] ?? LATEST_STATELESS,
            clientInfo: { name: session.resolved.clientName, version: session.resolved.clientVersion },
            capabilities: { ...options.mcpClientOptions?.capabilities },
          })));
    const http = new StreamableHTTPClientTransport(mcpUrl, {
      fetch: era.lifecycle === 'stateless' ? statelessFetch : transportFetch,
    });
    const transport =
      era.lifecycle === 'stateless'
        ? new StatelessTransport(http, era.version, {
            toolHeaders,
            discovered: era.discovered,
            onToolRejected: (tool) =>
              events.emit({
                step: 'connection',
                status: 'skipped',
                message: `tool ${JSON.stringify(tool.name)} left out of tools/list: ${tool.reason}`,
                detail: { tool: tool.name },
              }),
          })
        : http;
    await client.connect(transport, options.signal ? { signal: options.signal } : undefined);
    // Remembered once it connected, and only when the probe's answer was a verdict, not a passing refusal.
    const definitive = era.lifecycle === 'stateless' || era.tentative !== true;
    if (options.protocolVersion === undefined && !remembered && definitive && options.storage) {
      await rememberEra(options.storage, mcpUrl, era).catch(() => undefined);
    }
  } catch (error) {
    await client.close().catch(() => undefined);
    // A remembered era that no longer connects may be outdated (the server moved on): the next connection probes.
    if (remembered && !(error instanceof McpAuthError) && options.storage) {
      await forgetEra(options.storage, mcpUrl).catch(() => undefined);
    }
    const failure =
      error instanceof McpAuthError
        ? error
        : options.signal?.aborted
          ? new McpAuthError({
              code: 'aborted',
              step: 'connection',
              message: 'connecting was aborted by the application',
              cause: error,
            })
          : connectionFailure(error, secrets);
    events.emit({
      step: 'connection',
      status: 'failed',
      message: failure.message,
      error: { code: failure.code, message: failure.message },
    });
    throw failure;
  }
  events.emit({ step: 'connection', status: 'succeeded', message: 'connected' });
  return client;
}

/**
 * Why the MCP handshake failed, when no authorization step did: an HTTP answer the SDK refused (it carries the
 * status as `code`) is the server's doing; anything else never reached a server. The SDK's message quotes the
 * server's answer (an error body, a JSON-RPC error), so it is scrubbed of `secrets`, and only a network failure of
 * the runtime (a `TypeError`) is kept as the cause: other errors carry the server's words unscrubbed.
 */
function connectionFailure(error: unknown, secrets: Iterable<string>): McpAuthError {
  const detail = redactText(
    quoteServerText(error instanceof Error ? error.message : String(error), secrets, SERVER_TEXT_LIMIT),
  );
  const cause = error instanceof TypeError ? { cause: error } : {};
  const status =
    error instanceof StreamableHTTPError && typeof error.code === 'number' && error.code >= 400
      ? error.code
      : error instanceof ProbeServerError
        ? error.status
        : undefined;
  return status === undefined
    ? new McpAuthError({
        code: 'network_error',
        step: 'connection',
        message: `could not connect to the MCP server: ${detail}`,
        ...cause,
      })
    : new McpAuthError({
        code: 'invalid_response',
        step: 'connection',
        status,
        message: `the MCP server refused the connection with HTTP ${status}: ${detail}`,
      });
}
