/**
 * Options of `createAuthedMcpClient`, and their validation into the internal configuration.
 */
import type { ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import type { AuthorizationHandler } from './authorize/types.js';
import type { DpopUse } from './dpop/binding.js';
import { McpAuthError } from './errors.js';
import type { FlowEventListener } from './events.js';
import { DEFAULT_MAX_MCP_MESSAGE_BYTES, DEFAULT_MAX_RESPONSE_BYTES } from './http.js';
import type { FetchLike } from './http.js';
import { isAcceptableRedirectUri } from './identity/application-type.js';
import { clientCredentialsProblem } from './identity/client-credentials.js';
import type { ClientCredentials } from './identity/client-credentials.js';
import { enterpriseAuthorizationProblem } from './identity/enterprise-authorization.js';
import type { EnterpriseAuthorization } from './identity/enterprise-authorization.js';
import { workloadIdentityProblem } from './identity/workload-identity.js';
import type { WorkloadIdentity } from './identity/workload-identity.js';
import { isClientMetadataDocumentUrl } from './identity/client-identity.js';
import type { PreRegisteredClient } from './identity/client-identity.js';
import type { AuthedMcpClient } from './session/client.js';
import type { SessionEventListener } from './session/session-events.js';
import type { AuthStorage } from './storage/storage.js';
import type { Locks } from './tokens/single-flight.js';

/** Options of `createMcpAuthorization`: the authorization alone. Everything is optional. */
export interface McpAuthorizationOptions {
  /** Client metadata used for registration and the MCP handshake. */
  clientMetadata?:
    | {
        /** `client_name` at registration and the MCP `clientInfo.name` (default "mcp-authed-client"). */
        name?: string | undefined;
        /** MCP `clientInfo.version` (default "0.1.0"). */
        version?: string | undefined;
        /** Where the authorization server sends the browser back: https, or http on loopback (default http://127.0.0.1/callback). */
        redirectUri?: string | undefined;
      }
    | undefined;
  /** HTTPS URL of this client's Client ID Metadata Document, used as client id where the server supports it. */
  clientMetadataUrl?: string | undefined;
  /** Credentials registered with the authorization server out of band (bind them with `issuer`). */
  credentials?: PreRegisteredClient | undefined;
  /**
   * Machine-to-machine: the client acts for itself with the `client_credentials` grant (RFC 6749 §4.4), with no user
   * and no redirect. A secret (`client_secret_basic` or `_post`) or a private key (`private_key_jwt`, ES256 or
   * RS256). When the token expires, a new one is requested. Not combined with `credentials` or `clientMetadataUrl`.
   */
  clientCredentials?: ClientCredentials | undefined;
  /**
   * Workload identity federation: the client is a workload that presents the JWT its platform issued (or a callback
   * returning a fresh one) with the JWT bearer grant (RFC 7523 §2.1); no user, no secret. Refused assertions
   * (expired, wrong audience) are thrown typed (`invalid_grant`), never retried. A client of its own, like
   * `clientCredentials`.
   */
  workloadIdentity?: WorkloadIdentity | undefined;
  /**
   * Enterprise-managed authorization: the user's ID token from the enterprise identity provider (or a callback
   * returning one) is exchanged there for an identity assertion (RFC 8693), which the MCP authorization server
   * redeems with the JWT bearer grant; no consent page. A client of its own, like `clientCredentials`.
   */
  enterpriseAuthorization?: EnterpriseAuthorization | undefined;
  /**
   * DPoP (RFC 9449): bind the tokens to a key pair this client holds, so a stolen token is useless without it. `true`
   * binds every grant (a proof with each token request; a server that ignores it issues bearer tokens, used as such);
   * `'auto'` only where the authorization server lists ES256 in `dpop_signing_alg_values_supported`; `false` (default)
   * never. The key is an ES256 WebCrypto key pair whose private key cannot be exported, kept in the storage's key store
   * (IndexedDB for `indexedDbStorage` and, in a browser, `webStorage`), so a reload keeps the binding. Every token
   * and MCP request then carries a fresh proof, and a server's `use_dpop_nonce` is answered once with its nonce.
   * A DPoP-bound token is useful only with a proof: use `fetch()`, not `getAccessToken()`, for your own requests.
   */
  dpop?: boolean | 'auto' | undefined;
  /** Scopes to request in addition to the ones the server asks for. */
  scopes?: readonly string[] | undefined;
  /** Where registrations, tokens and pending requests are kept (default: in memory). */
  storage?: AuthStorage | undefined;
  /**
   * Cross-context locks (e.g. `webLocks(navigator.locks)`), so clients sharing `storage` (tabs) refresh, sign in and
   * sign out one at a time; default: in-process locks, shared by the clients of this realm given the same `storage`
   * object.
   */
  locks?: Locks | undefined;
  /** Opens the authorization URL and resolves to the callback URL (`headlessAuthorize()` in tests). */
  authorize?: AuthorizationHandler | undefined;
  /**
   * False: never start an authorization, which needs the user; whatever would start one fails with
   * `InteractionRequiredError` (code `interaction_required`) instead, before any request to the authorization
   * server. Stored grants are still used and refreshed. For a page that connects silently on load and shows a
   * sign-in button when that fails (default true).
   */
  interactive?: boolean | undefined;
  /** The fetch used for every request (default: global fetch). */
  fetch?: FetchLike | undefined;
  /**
   * Milliseconds before one OAuth or metadata request is abandoned, reading its body included (default 30 000). A
   * timeout is the error code `timeout`.
   */
  timeoutMs?: number | undefined;
  /**
   * Bytes an OAuth or metadata response (discovery, registration, token, revocation, and their errors) may hold
   * (default 1 MiB). A larger body is not read: the error code is `response_too_large`.
   */
  maxResponseBytes?: number | undefined;
  /** Milliseconds the authorization handler may take (default 300 000). */
  authorizationTimeoutMs?: number | undefined;
  /** Refresh this many milliseconds before the access token expires (default 60 000). */
  refreshSkewMs?: number | undefined;
  /** Cancels discovery, authorization and requests in flight. */
  signal?: AbortSignal | undefined;
  /** Receives every flow event, including those before the client is returned. */
  onEvent?: FlowEventListener | undefined;
  /** Receives every session event (authorized, refreshed, expiring, signed out), including those while connecting. */
  onSessionEvent?: SessionEventListener | undefined;
  /** Accept plain http to non-loopback hosts (tests only). */
  allowInsecureHttp?: boolean | undefined;
}

/** Options of `createAuthedMcpClient`: the authorization's, and the MCP connection's. Everything is optional. */
export interface AuthedMcpClientOptions extends McpAuthorizationOptions {
  /**
   * Bytes one MCP response may hold: a JSON body, or one event of an event stream, which as a whole may run for as
   * long as the session (default 16 MiB). A larger one fails its request with `response_too_large`.
   */
  maxMcpMessageBytes?: number | undefined;
  /**
   * MCP revision to speak, overriding detection. `2026-07-28` uses the stateless lifecycle (`server/discover`,
   * per-request `_meta`); any other value uses the SDK's initialize handshake (2025-11-25 and earlier). Default: the
   * client asks the server with a `server/discover` request (authorized like any MCP request), speaks the stateless
   * revision if the server answers it and the initialize handshake otherwise, and remembers the verdict per server
   * URL in `storage` (a remembered verdict that no longer connects is forgotten).
   */
  protocolVersion?: string | undefined;
  /**
   * Options of the underlying `@modelcontextprotocol/sdk` `Client`: the capabilities to declare (`elicitation`,
   * `sampling`, `roots`), list-changed handlers, the JSON Schema validator. A declared capability needs a handler
   * for its requests: register it in `beforeConnect`.
   *
   * @example
   * mcpClientOptions: { capabilities: { elicitation: { form: { applyDefaults: true } } } }
   */
  mcpClientOptions?: ClientOptions | undefined;
  /**
   * Runs once the client is built and before it connects (and so before any authorization). Register handlers for
   * server-initiated requests here, so that none arrives before its handler. A rejection aborts the connection.
   *
   * @example
   * beforeConnect: (client) => client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'decline' }))
   */
  beforeConnect?: ((client: AuthedMcpClient) => void | Promise<void>) | undefined;
}

/** Validated, defaulted options. */
export interface ResolvedOptions {
  clientName: string;
  clientVersion: string;
  redirectUri: string;
  clientMetadataUrl: string | undefined;
  credentials: PreRegisteredClient | undefined;
  clientCredentials: ClientCredentials | undefined;
  workloadIdentity: WorkloadIdentity | undefined;
  enterpriseAuthorization: EnterpriseAuthorization | undefined;
  scopes: readonly string[];
  /** When grants are bound to a DPoP key; undefined: never. */
  dpop: DpopUse | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
  maxMcpMessageBytes: number;
  authorizationTimeoutMs: number;
  refreshSkewMs: number;
  allowInsecureHttp: boolean;
  interactive: boolean;
}

function invalid(message: string): McpAuthError {
  return new McpAuthError({ code: 'invalid_option', step: 'connection', message });
}

/** `value`, or `fallback` when undefined; `invalid_option` unless it is a positive whole number of bytes. */
export function byteCount(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw invalid(`${name} must be a positive whole number of bytes`);
  return value;
}

/** `value`, or `fallback` when undefined; `invalid_option` unless it is a positive number of milliseconds. */
export function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw invalid(`${name} must be a positive number of milliseconds`);
  return value;
}

/** Validates options; throws `invalid_option` with what to change. */
export function resolveOptions(options: AuthedMcpClientOptions): ResolvedOptions {
  if (options.interactive !== undefined && typeof options.interactive !== 'boolean') {
    throw invalid('interactive must be true or false');
  }
  const redirectUri = options.clientMetadata?.redirectUri ?? 'http://127.0.0.1/callback';
  let parsedRedirect: URL;
  try {
    parsedRedirect = new URL(redirectUri);
  } catch {
    throw invalid(`clientMetadata.redirectUri "${redirectUri}" is not an absolute URL`);
  }
  if (!isAcceptableRedirectUri(parsedRedirect)) {
    throw invalid(`clientMetadata.redirectUri must be https, or http on a loopback host, without a fragment`);
  }
  if (options.clientMetadataUrl !== undefined && !isClientMetadataDocumentUrl(options.clientMetadataUrl)) {
    throw invalid('clientMetadataUrl must be an https URL with a path (the Client ID Metadata Document)');
  }
  if (
    options.credentials !== undefined &&
    (typeof options.credentials.clientId !== 'string' || options.credentials.clientId === '')
  ) {
    throw invalid('credentials.clientId must be a non-empty string');
  }
  assertOneMachineClient(options);
  if (options.dpop !== undefined && typeof options.dpop !== 'boolean' && options.dpop !== 'auto') {
    throw invalid("dpop must be true, false or 'auto'");
  }
  const scopes = options.scopes ?? [];
  if (scopes.some((scope) => typeof scope !== 'string' || scope === '' || /\s/.test(scope))) {
    throw invalid('scopes must be non-empty strings without spaces');
  }
  return {
    clientName: options.clientMetadata?.name ?? 'mcp-authed-client',
    clientVersion: options.clientMetadata?.version ?? '0.1.0',
    redirectUri: parsedRedirect.href,
    clientMetadataUrl: options.clientMetadataUrl,
    credentials: options.credentials,
    clientCredentials: options.clientCredentials,
    workloadIdentity: options.workloadIdentity,
    enterpriseAuthorization: options.enterpriseAuthorization,
    scopes,
    dpop: options.dpop === true ? 'always' : options.dpop === 'auto' ? 'advertised' : undefined,
    timeoutMs: positive(options.timeoutMs, 30_000, 'timeoutMs'),
    maxResponseBytes: byteCount(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, 'maxResponseBytes'),
    maxMcpMessageBytes: byteCount(
      options.maxMcpMessageBytes,
      DEFAULT_MAX_MCP_MESSAGE_BYTES,
      'maxMcpMessageBytes',
    ),
    authorizationTimeoutMs: positive(options.authorizationTimeoutMs, 300_000, 'authorizationTimeoutMs'),
    refreshSkewMs: options.refreshSkewMs === undefined ? 60_000 : Math.max(0, options.refreshSkewMs),
    allowInsecureHttp: options.allowInsecureHttp === true,
    interactive: options.interactive !== false,
  };
}

/** The machine-client options, each validated; at most one, and never with a client that has a user. */
function assertOneMachineClient(options: AuthedMcpClientOptions): void {
  const given = (
    [
      ['clientCredentials', options.clientCredentials, clientCredentialsProblem],
      ['workloadIdentity', options.workloadIdentity, workloadIdentityProblem],
      ['enterpriseAuthorization', options.enterpriseAuthorization, enterpriseAuthorizationProblem],
    ] as const
  ).filter(([, value]) => value !== undefined);
  for (const [, value, problemOf] of given) {
    const problem = problemOf(value);
    if (problem) throw problem;
  }
  const [first, second] = given;
  if (!first) return;
  if (second) throw invalid(`${first[0]} and ${second[0]} are two clients: pass one of them`);
  if (options.credentials !== undefined || options.clientMetadataUrl !== undefined) {
    throw invalid(`${first[0]} is a client of its own: pass it without credentials and clientMetadataUrl`);
  }
}
