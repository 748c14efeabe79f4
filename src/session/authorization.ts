/**
 * The authorization of one MCP server on its own: discovery, client identity, sign-in, refresh, sign-out, the
 * session's state and events, and fetches that carry the token. `createAuthedMcpClient` is built on it; applications
 * with their own transport or their own REST calls to the same server use it directly.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { McpAuthError } from '../errors.js';
import { createEventStream, redactText } from '../events.js';
import type { FlowEventEmitter, FlowEventStream } from '../events.js';
import { assertAcceptableUrl, isCorsRefusal } from '../http.js';
import type { FetchLike, HttpContext } from '../http.js';
import { machineClient } from '../identity/client-credentials.js';
import { enterpriseClient } from '../identity/enterprise-authorization.js';
import type { MachineClient } from '../identity/machine-client.js';
import { workloadClient } from '../identity/workload-identity.js';
import { KnownSecrets } from '../known-secrets.js';
import { resolveOptions } from '../options.js';
import type { McpAuthorizationOptions, ResolvedOptions } from '../options.js';
import { eitherSignal } from '../signals.js';
import { AuthStateStore } from '../storage/auth-state.js';
import { perStorage } from '../storage/per-storage.js';
import { memoryStorage } from '../storage/storage.js';
import { inProcessLocks } from '../tokens/single-flight.js';
import type { Locks } from '../tokens/single-flight.js';
import { createAuthedFetch } from './authed-fetch.js';
import { Authorizer } from './authorizer.js';
import { grantInfo, isUsable } from './grant-info.js';
import type { GrantInfo } from './grant-info.js';
import { oauthClientProviderFor } from './oauth-client-provider.js';
import { createSessionEventStream } from './session-events.js';
import type { SessionEventStream } from './session-events.js';
import { SessionTracker } from './session-tracker.js';

/** The authorization of one MCP server: its session, and requests that carry its token. */
export interface McpAuthorization {
  /** Flow events (discovery, registration, authorization, token, refresh, step-up, revocation). */
  readonly events: FlowEventStream;
  /** Session events: authorized, refreshed, expiring, signed out — also when another tab did it. */
  readonly sessionEvents: SessionEventStream;
  /** Whether a grant is stored whose access token is alive or can be refreshed. Sends no request. */
  isSignedIn(): Promise<boolean>;
  /** The stored grant's issuer, client, scopes and expiry (never its tokens), or undefined. Sends no request. */
  grant(): Promise<GrantInfo | undefined>;
  /**
   * An access token for the MCP server, for requests of the application's own (a REST API of the same server): the
   * stored one while it is alive, refreshed when it is about to expire, else from a new authorization (or
   * `InteractionRequiredError` with `interactive: false`). Send it only to the MCP server: it is issued for it.
   */
  getAccessToken(): Promise<string>;
  /**
   * `fetch` for other requests to the MCP server's origin (URLs relative to the MCP server URL are resolved against
   * it): carries the access token, refreshes it after a 401 or authorizes again, and steps up after a 403
   * `insufficient_scope`, like the MCP requests. Other origins are refused (`invalid_option`), since the token must
   * not leave its server; so is a redirect to another origin (`redirect_refused`).
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /**
   * Revokes the refresh token, then the access token (RFC 7009), and forgets them. Throws the first revocation
   * failure after local state is cleared.
   */
  signOut(): Promise<void>;
  /**
   * This authorization as the MCP SDK's `OAuthClientProvider`, for a transport or library that accepts only that
   * (prefer passing `fetch` as the transport's `fetch`: it also answers 401 and 403 within the same request).
   * `tokens()` gives a live access token, authorizing with this package's flow when there is none; when the server
   * still refuses it, the SDK calls `redirectToAuthorization`, which authorizes again with this package's flow, and
   * the SDK fails that one request with its `UnauthorizedError`: retrying it succeeds. The SDK never sees a refresh
   * token or runs a flow of its own.
   */
  asOAuthClientProvider(): OAuthClientProvider;
  /** Stops following other tabs and timing the `expiring` event. Stored tokens are kept. */
  close(): void;
}

/** Everything a connected client adds on top of the authorization (internal). */
export interface AuthorizationSession extends McpAuthorization {
  readonly url: URL;
  readonly resolved: ResolvedOptions;
  readonly flowEvents: FlowEventEmitter;
  readonly secrets: KnownSecrets;
  readonly ctx: HttpContext;
  /** The fetch for the MCP transport: passes other origins through without the token, caps message sizes. */
  readonly transportFetch: FetchLike;
  /** Called once another context signed out, after the held refresh token was revoked. */
  onSignedOutElsewhere: (() => void) | undefined;
}

/**
 * The authorization of the MCP server at `url`, without connecting: nothing is sent until a method needs it.
 * Call `close()` when done with it (a connected client's `close()` does that for its own).
 */
export function createMcpAuthorization(
  url: string | URL,
  options: McpAuthorizationOptions = {},
): McpAuthorization {
  const session = createAuthorizationSession(url, options);
  // What the handler prepared for a first authorization (a popup opened in the user's click) is released once the
  // first request for a token is over, used or not, as `createAuthedMcpClient` does once connected.
  let released = false;
  const releasing =
    <A extends unknown[], R>(task: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await task(...args);
      } finally {
        if (!released) {
          released = true;
          options.authorize?.release?.();
        }
      }
    };
  // Only the public members: the session's internals stay out of the application's reach.
  return {
    events: session.events,
    sessionEvents: session.sessionEvents,
    isSignedIn: session.isSignedIn,
    grant: session.grant,
    getAccessToken: releasing(session.getAccessToken),
    fetch: releasing(session.fetch),
    signOut: session.signOut,
    asOAuthClientProvider: session.asOAuthClientProvider,
    close: session.close,
  };
}

/** Builds the session behind both `createMcpAuthorization` and `createAuthedMcpClient`. */
export function createAuthorizationSession(
  url: string | URL,
  options: McpAuthorizationOptions & { maxMcpMessageBytes?: number | undefined },
): AuthorizationSession {
  // Everything secret this client sends or receives is remembered here, so no server text it quotes can carry it.
  const secrets = new KnownSecrets();
  const flowEvents: FlowEventEmitter = createEventStream(options.onEvent, secrets);
  const sessionEvents = createSessionEventStream(options.onSessionEvent);
  const resolved = resolveOptions(options);
  const { credentials, clientCredentials } = resolved;
  if (credentials) secrets.addClient(credentials.clientId, credentials.clientSecret);
  if (clientCredentials && 'clientSecret' in clientCredentials) {
    secrets.addClient(clientCredentials.clientId, clientCredentials.clientSecret);
  }
  rememberMachineSecrets(resolved, secrets);
  const mcpUrl = parseMcpUrl(url);
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

  const storage = options.storage ?? memoryStorage();
  const store = new AuthStateStore(storage, secrets);
  const authorizer = new Authorizer({
    mcpUrl,
    ctx,
    events: flowEvents,
    store,
    locks: options.locks ?? locksOf(storage),
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
    interactive: resolved.interactive,
    dpop: resolved.dpop,
    machine: configuredMachineClient(resolved),
  });
  const authedFetchOptions = {
    authorizer,
    fetch: withSignal(baseFetch, options.signal),
    mcpUrl,
    isCorsRefusal: (target: string) => isCorsRefusal(ctx, target),
    secrets,
  };
  const transportFetch = createAuthedFetch({
    ...authedFetchOptions,
    maxMessageBytes: resolved.maxMcpMessageBytes,
    scrubErrorBodies: true,
  });
  const applicationFetch = createAuthedFetch({ ...authedFetchOptions, otherOrigins: 'refuse' });

  const loadGrant = async (): Promise<GrantInfo | undefined> => {
    const grant = await store.loadGrant(mcpUrl.href);
    return grant && grantInfo(grant, Date.now(), authorizer.renewsWithoutRefreshToken());
  };
  const session: AuthorizationSession = {
    url: mcpUrl,
    resolved,
    flowEvents,
    secrets,
    ctx,
    transportFetch,
    onSignedOutElsewhere: undefined,
    events: flowEvents,
    sessionEvents,
    grant: loadGrant,
    isSignedIn: async () => isUsable(await loadGrant()),
    getAccessToken: () => authorizer.accessTokenForApplication(),
    fetch: async (input, init) =>
      applicationFetch(typeof input === 'string' ? new URL(input, mcpUrl).href : input, init),
    signOut: () => authorizer.signOut(),
    asOAuthClientProvider: () => oauthClientProviderFor(authorizer, resolved, loadGrant),
    close: () => tracker.stop(),
  };
  const tracker = new SessionTracker({
    store,
    key: mcpUrl.href,
    refreshSkewMs: resolved.refreshSkewMs,
    session: sessionEvents,
    events: flowEvents,
    renewsWithoutRefreshToken: () => authorizer.renewsWithoutRefreshToken(),
    onSignedOutElsewhere: () => {
      void authorizer
        .revokeHeldRefreshToken()
        .finally(() => session.onSignedOutElsewhere?.())
        .catch(() => undefined);
    },
  });
  tracker.start();
  return session;
}

/**
 * The in-process locks of a storage: clients and authorizations of this realm that share a storage object share its
 * locks by default, so they refresh one at a time and never send the same refresh token twice.
 */
const locksOf = perStorage<Locks>(inProcessLocks);

function parseMcpUrl(url: string | URL): URL {
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
  return mcpUrl;
}

/** Adds the application's AbortSignal to every MCP request. */
function withSignal(base: FetchLike, signal: AbortSignal | undefined): FetchLike {
  if (!signal) return base;
  return (input, init) =>
    base(input, { ...init, signal: eitherSignal(init?.signal ?? undefined, signal) ?? signal });
}

/** The machine client the options configure, if any (they allow one at most). */
function configuredMachineClient(resolved: ResolvedOptions): MachineClient | undefined {
  const { clientCredentials, workloadIdentity, enterpriseAuthorization, redirectUri } = resolved;
  if (clientCredentials) return machineClient(clientCredentials, redirectUri);
  if (workloadIdentity) return workloadClient(workloadIdentity, redirectUri);
  if (enterpriseAuthorization) return enterpriseClient(enterpriseAuthorization, redirectUri);
  return undefined;
}

/** The secrets a workload or enterprise option holds from the start (callbacks' values are added as they come). */
function rememberMachineSecrets(resolved: ResolvedOptions, secrets: KnownSecrets): void {
  const { workloadIdentity, enterpriseAuthorization } = resolved;
  if (typeof workloadIdentity?.assertion === 'string') secrets.add(workloadIdentity.assertion);
  if (!enterpriseAuthorization) return;
  const { idToken, identityProvider, client } = enterpriseAuthorization;
  if (typeof idToken === 'string') secrets.add(idToken);
  secrets.addClient(identityProvider.clientId, identityProvider.clientSecret);
  secrets.addClient(client.clientId, client.clientSecret);
}
