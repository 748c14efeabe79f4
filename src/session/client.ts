/**
 * `createAuthedMcpClient`: an SDK `Client` over Streamable HTTP whose fetch does MCP authorization.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpAuthError } from '../errors.js';
import { createEventStream, redactText, redactUrl } from '../events.js';
import type { FlowEventEmitter, FlowEventStream } from '../events.js';
import { assertAcceptableUrl, isCorsRefusal } from '../http.js';
import { eitherSignal } from '../signals.js';
import type { FetchLike, HttpContext } from '../http.js';
import { KnownSecrets } from '../known-secrets.js';
import { resolveOptions } from '../options.js';
import type { AuthedMcpClientOptions } from '../options.js';
import { SERVER_TEXT_LIMIT, quoteServerText } from '../server-text.js';
import { AuthStateStore } from '../storage/auth-state.js';
import { memoryStorage } from '../storage/storage.js';
import { inProcessLocks } from '../tokens/single-flight.js';
import { createAuthedFetch } from './authed-fetch.js';
import { Authorizer } from './authorizer.js';
import { STATELESS_PROTOCOL_VERSIONS, StatelessTransport, withMethodHeaders } from './stateless-transport.js';

/** A connected MCP client: the SDK `Client` API, plus sign-out and the flow event stream. */
export interface AuthedMcpClient extends Client {
  /** Flow events (discovery, registration, authorization, token, refresh, step-up, revocation, connection). */
  readonly events: FlowEventStream;
  /**
   * Revokes the refresh token, then the access token (RFC 7009), forgets them, and closes the connection.
   * Throws the first revocation failure after local state is cleared.
   */
  signOut(): Promise<void>;
}

/** The implementation behind `AuthedMcpClient`: built only by `createAuthedMcpClient`, so its constructor stays private to the package. */
class AuthorizedClient extends Client implements AuthedMcpClient {
  readonly events: FlowEventStream;
  readonly #authorizer: Authorizer;
  #stopFollowing: () => void = () => undefined;

  constructor(
    info: { name: string; version: string },
    events: FlowEventStream,
    authorizer: Authorizer,
    options?: ClientOptions,
  ) {
    super(info, options);
    this.events = events;
    this.#authorizer = authorizer;
  }

  /** Follows the grant in shared storage: another tab's sign-out closes this client too. */
  followOtherContexts(store: AuthStateStore, key: string, events: FlowEventEmitter): void {
    this.#stopFollowing = store.watchGrant(key, (change) => {
      if (change === 'updated') {
        void store.loadGrant(key).then((grant) =>
          events.emit({
            step: 'refresh',
            status: grant ? 'succeeded' : 'skipped',
            message: grant ? 'tokens updated by another tab' : 'the grant was removed by another tab',
          }),
        );
        return;
      }
      events.emit({ step: 'revocation', status: 'succeeded', message: 'signed out in another tab' });
      void this.#authorizer
        .revokeHeldRefreshToken()
        .finally(() => this.close())
        .catch(() => undefined);
    });
  }

  override async close(): Promise<void> {
    this.#stopFollowing();
    await super.close();
  }

  async signOut(): Promise<void> {
    try {
      await this.#authorizer.signOut();
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
  // Everything secret this client sends or receives is remembered here, so no server text it quotes can carry it.
  const secrets = new KnownSecrets();
  const events: FlowEventEmitter = createEventStream(options.onEvent, secrets);
  const resolved = resolveOptions(options);
  const { credentials } = resolved;
  if (credentials) secrets.addClient(credentials.clientId, credentials.clientSecret);
  let mcpUrl: URL;
  try {
    mcpUrl = new URL(url);
  } catch {
    throw new McpAuthError({
      code: 'invalid_option',
      step: 'connection',
      message: `"${redactText(String(url))}" is not an absolute MCP server URL`,
    });
  }
  mcpUrl.hash = '';
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const ctx: HttpContext = {
    fetch: baseFetch,
    timeoutMs: resolved.timeoutMs,
    signal: options.signal,
    allowInsecureHttp: resolved.allowInsecureHttp,
    maxResponseBytes: resolved.maxResponseBytes,
    secrets,
  };
  assertAcceptableUrl(mcpUrl, ctx, 'connection', 'MCP server');

  const store = new AuthStateStore(options.storage ?? memoryStorage(), secrets);
  const authorizer = new Authorizer({
    mcpUrl,
    ctx,
    events,
    store,
    locks: options.locks ?? inProcessLocks(),
    handler: options.authorize,
    identity: {
      redirectUri: resolved.redirectUri,
      clientName: resolved.clientName,
      preRegistered: resolved.credentials,
      clientMetadataUrl: resolved.clientMetadataUrl,
    },
    extraScopes: resolved.scopes,
    authorizationTimeoutMs: resolved.authorizationTimeoutMs,
    refreshSkewMs: resolved.refreshSkewMs,
  });
  const authedFetch = createAuthedFetch({
    authorizer,
    fetch: withSignal(baseFetch, options.signal),
    mcpUrl,
    isCorsRefusal: (target) => isCorsRefusal(ctx, target),
    maxMessageBytes: resolved.maxMcpMessageBytes,
    secrets,
  });
  const client = new AuthorizedClient(
    { name: resolved.clientName, version: resolved.clientVersion },
    events,
    authorizer,
    options.mcpClientOptions,
  );
  // The application's handlers for server requests must be in place before the first message can arrive.
  await options.beforeConnect?.(client);
  const stateless =
    options.protocolVersion !== undefined && STATELESS_PROTOCOL_VERSIONS.includes(options.protocolVersion);
  const http = new StreamableHTTPClientTransport(mcpUrl, {
    fetch: stateless ? withMethodHeaders(authedFetch) : authedFetch,
  });
  const transport =
    stateless && options.protocolVersion ? new StatelessTransport(http, options.protocolVersion) : http;

  events.emit({
    step: 'connection',
    status: 'started',
    message: 'connecting to the MCP server',
    request: { method: 'POST', url: redactUrl(mcpUrl) },
  });
  try {
    await client.connect(transport, options.signal ? { signal: options.signal } : undefined);
  } catch (error) {
    await client.close().catch(() => undefined);
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
  client.followOtherContexts(store, mcpUrl.href, events);
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

/** Adds the application's AbortSignal to every MCP request. */
function withSignal(base: FetchLike, signal: AbortSignal | undefined): FetchLike {
  if (!signal) return base;
  return (input, init) =>
    base(input, { ...init, signal: eitherSignal(init?.signal ?? undefined, signal) ?? signal });
}
