/**
 * The orchestrator: owns the grant of one MCP server and runs discovery → identity → authorization → token,
 * refresh (proactive and reactive, coordinated), step-up and sign-out. Pure decisions live in the step
 * modules; this class sequences them and keeps their state.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import type { AuthorizationHandler } from '../authorize/types.js';
import { discover, fetchAuthorizationServerMetadata } from '../discovery/discover.js';
import type { Discovery } from '../discovery/discover.js';
import type { BearerChallenge } from '../discovery/www-authenticate.js';
import { AuthorizationError, McpAuthError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import { redactUrl } from '../events.js';
import { assertPkceS256, buildAuthorizationRequest } from '../flow/authorization-request.js';
import { validateCallback } from '../flow/authorization-response.js';
import { selectScopes, union } from '../flow/scope.js';
import { assertAcceptableUrl } from '../http.js';
import type { HttpContext } from '../http.js';
import type { ClientIdentity, PreRegisteredClient } from '../identity/client-identity.js';
import {
  metadataDocumentApplies,
  preRegisteredAppliesTo,
  resolveClientIdentity,
} from '../identity/resolve.js';
import type { AuthStateStore, StoredGrant } from '../storage/auth-state.js';
import { isTransientFailure, RefreshCoordinator } from '../tokens/refresh-coordinator.js';
import { SingleFlight } from '../tokens/single-flight.js';
import type { Locks } from '../tokens/single-flight.js';
import { exchangeCode, refreshTokens, revokeToken } from '../tokens/token-requests.js';
import { isExpiring } from '../tokens/token-set.js';

/** Configuration of an authorizer (already validated by the public entry point). */
export interface AuthorizerConfig {
  mcpUrl: URL;
  ctx: HttpContext;
  events: FlowEventEmitter;
  store: AuthStateStore;
  locks: Locks;
  handler: AuthorizationHandler | undefined;
  redirectUri: string;
  clientName: string;
  preRegistered: PreRegisteredClient | undefined;
  clientMetadataUrl: string | undefined;
  extraScopes: readonly string[];
  authorizationTimeoutMs: number;
  refreshSkewMs: number;
}

/** Why an authorization runs. */
export interface AuthorizeRequest {
  challenge: BearerChallenge | undefined;
  /** A 401/403 arrived without a readable WWW-Authenticate header. */
  challengeHeaderMissing?: boolean;
  /** The access token the refused request carried (to detect that someone else already re-authorized). */
  presentedAccessToken: string | undefined;
  /** Step-up: request the union of held and demanded scopes. */
  stepUp: boolean;
}

/** Runs and remembers the authorization of one MCP server. */
export class Authorizer {
  readonly #config: AuthorizerConfig;
  readonly #key: string;
  readonly #refresh: RefreshCoordinator;
  readonly #authorizations = new SingleFlight();
  readonly #metadataByIssuer = new Map<string, AuthorizationServer>();
  #discovery: Discovery | undefined;
  #identity: ClientIdentity | undefined;
  #preRegisteredBoundIssuer: string | undefined;

  constructor(config: AuthorizerConfig) {
    this.#config = config;
    this.#key = config.mcpUrl.href;
    this.#refresh = new RefreshCoordinator(config.store, config.locks);
  }

  /** The access token to attach to the next request, refreshed ahead of expiry when possible. */
  async accessToken(): Promise<string | undefined> {
    const grant = await this.#config.store.loadGrant(this.#key);
    if (!grant) return undefined;
    if (grant.tokens.refreshToken && isExpiring(grant.tokens, Date.now(), this.#config.refreshSkewMs)) {
      try {
        const refreshed = await this.#refreshGrant(grant.tokens.accessToken);
        if (refreshed) return refreshed.tokens.accessToken;
        // The grant was dropped (invalid_grant): send nothing and let the 401 start a new authorization.
        return (await this.#config.store.loadGrant(this.#key))?.tokens.accessToken;
      } catch {
        // Transient failure: the old token may still be accepted; a 401 will retry the refresh.
        return grant.tokens.accessToken;
      }
    }
    return grant.tokens.accessToken;
  }

  /**
   * After a 401: refresh if the refused token is still the current one and can be refreshed. True when a
   * different access token is now available. Transient failures are thrown (tokens kept).
   */
  async refreshAfterUnauthorized(presented: string): Promise<boolean> {
    const grant = await this.#config.store.loadGrant(this.#key);
    if (!grant) return false;
    if (grant.tokens.accessToken !== presented) return true;
    if (!grant.tokens.refreshToken) return false;
    try {
      const refreshed = await this.#refreshGrant(presented);
      return refreshed !== undefined && refreshed.tokens.accessToken !== presented;
    } catch (error) {
      if (isTransientFailure(error)) throw error;
      return false;
    }
  }

  /** Runs one authorization (shared by concurrent callers; skipped when someone else already got a new token). */
  authorize(request: AuthorizeRequest): Promise<void> {
    return this.#authorizations.run('authorize', async () => {
      const grant = await this.#config.store.loadGrant(this.#key);
      if (
        grant &&
        request.presentedAccessToken !== undefined &&
        grant.tokens.accessToken !== request.presentedAccessToken
      ) {
        return;
      }
      if (grant && request.presentedAccessToken === undefined && !request.stepUp) {
        // The request went out before any token existed and a token has appeared since.
        return;
      }
      await this.#runAuthorization(request, grant);
    });
  }

  /** Revokes the refresh token, then the access token, then forgets the grant. */
  async signOut(): Promise<void> {
    const { store, events } = this.#config;
    const grant = await store.loadGrant(this.#key);
    if (!grant) {
      events.emit({ step: 'revocation', status: 'skipped', message: 'nothing to revoke: not signed in' });
      return;
    }
    let failure: unknown;
    try {
      const as = await this.#authorizationServerFor(grant.issuer);
      const identity = await this.#existingIdentity(grant);
      if (!as?.revocation_endpoint || !identity) {
        events.emit({
          step: 'revocation',
          status: 'skipped',
          message: as?.revocation_endpoint
            ? 'client identity unknown: cannot revoke'
            : 'the authorization server has no revocation_endpoint',
        });
      } else {
        // Refresh token first: revoking it revokes the grant, so a failure later cannot leave it alive.
        const order: Array<['refresh_token' | 'access_token', string | undefined]> = [
          ['refresh_token', grant.tokens.refreshToken],
          ['access_token', grant.tokens.accessToken],
        ];
        for (const [hint, token] of order) {
          if (!token) continue;
          events.emit({
            step: 'revocation',
            status: 'started',
            message: `revoking the ${hint.replace('_', ' ')}`,
            request: { method: 'POST', url: redactUrl(as.revocation_endpoint) },
          });
          try {
            await revokeToken(this.#config.ctx, { as, identity, token, hint });
            events.emit({
              step: 'revocation',
              status: 'succeeded',
              message: `${hint.replace('_', ' ')} revoked`,
            });
          } catch (error) {
            failure ??= error;
            events.emit(failedEvent('revocation', error));
          }
        }
      }
    } catch (error) {
      failure ??= error;
      events.emit(failedEvent('revocation', error));
    } finally {
      await store.deleteGrant(this.#key);
    }
    if (failure !== undefined) throw failure;
  }

  async #refreshGrant(presented: string): Promise<StoredGrant | undefined> {
    const { events } = this.#config;
    events.emit({ step: 'refresh', status: 'started', message: 'refreshing the access token' });
    try {
      const grant = await this.#refresh.refresh(this.#key, presented, async (current) => {
        const as = await this.#authorizationServerFor(current.issuer);
        const identity = await this.#existingIdentity(current);
        if (!as || !identity) {
          throw new McpAuthError({
            code: 'refresh_failed',
            step: 'refresh',
            message:
              'the client identity or authorization server of the stored grant is unknown: sign in again',
          });
        }
        return refreshTokens(this.#config.ctx, {
          as,
          identity,
          tokens: current.tokens,
          resource: current.resource,
        });
      });
      events.emit({
        step: 'refresh',
        status: grant ? 'succeeded' : 'skipped',
        message: grant ? 'access token refreshed' : 'no refresh possible',
      });
      return grant;
    } catch (error) {
      events.emit(failedEvent('refresh', error));
      throw error;
    }
  }

  async #runAuthorization(request: AuthorizeRequest, grant: StoredGrant | undefined): Promise<void> {
    const { ctx, events, store, mcpUrl } = this.#config;
    const step = request.stepUp ? 'step-up' : 'authorization';
    events.emit({
      step,
      status: 'started',
      message: request.stepUp ? 'the server demands more scope: authorizing again' : 'authorization required',
      ...(request.challenge?.scope ? { detail: { scope: request.challenge.scope } } : {}),
    });
    try {
      const discovery = await discover(ctx, events, {
        mcpUrl,
        challengeResourceMetadata: request.challenge?.resourceMetadata,
        preferredIssuer: this.#config.preRegistered?.issuer,
        challengeHeaderMissing: request.challengeHeaderMissing,
      });
      this.#discovery = discovery;
      const as = discovery.authorizationServer;
      this.#metadataByIssuer.set(discovery.issuer, as);
      assertPkceS256(as, discovery.legacy === 'default-endpoints');

      const held =
        request.stepUp && grant && grant.issuer === discovery.issuer
          ? union(grant.requestedScopes, grant.tokens.scopes)
          : [];
      const scopes = selectScopes({
        challengeScope: request.challenge?.scope,
        resourceScopesSupported: discovery.resourceMetadata?.scopes_supported,
        authorizationServerScopesSupported: as.scopes_supported,
        extraScopes: this.#config.extraScopes,
        heldScopes: held,
      });

      const identity = await resolveClientIdentity(ctx, events, store, {
        issuer: discovery.issuer,
        authorizationServer: as,
        redirectUri: this.#config.redirectUri,
        clientName: this.#config.clientName,
        preRegistered: this.#config.preRegistered,
        preRegisteredBoundIssuer: this.#preRegisteredBoundIssuer,
        clientMetadataUrl: this.#config.clientMetadataUrl,
        // Register for everything the server could grant, so a later step-up is not refused as out of scope.
        scopes: union(as.scopes_supported ?? discovery.resourceMetadata?.scopes_supported ?? [], scopes),
      });
      if (identity.source === 'pre-registered') this.#preRegisteredBoundIssuer ??= discovery.issuer;
      this.#identity = identity;

      const { url, pending } = await buildAuthorizationRequest({
        as,
        clientId: identity.clientId,
        redirectUri: this.#config.redirectUri,
        resource: discovery.resource,
        scopes,
        issuer: discovery.issuer,
        mcpUrl: mcpUrl.href,
        now: Date.now(),
      });
      assertAcceptableUrl(url, ctx, 'authorization', 'authorization endpoint');
      await store.savePending(pending);
      events.emit({
        step: 'authorization',
        status: 'started',
        message: 'opening the authorization URL',
        request: { method: 'GET', url: redactUrl(url) },
        detail: { client_id: identity.clientId, scopes, resource: discovery.resource },
      });
      const callbackValue = await this.#callHandler(url);
      await store.takePending(pending.state);
      let callback: URL;
      try {
        callback = new URL(String(callbackValue), this.#config.redirectUri);
      } catch (error) {
        throw new AuthorizationError({
          code: 'authorization_handler_failed',
          message: 'the authorization handler returned something that is not a callback URL',
          cause: error,
        });
      }
      const code = validateCallback(callback, pending.state, {
        issuer: discovery.issuer,
        issParameterSupported: as.authorization_response_iss_parameter_supported === true,
      });
      events.emit({ step: 'authorization', status: 'succeeded', message: 'authorization response accepted' });

      events.emit({
        step: 'token',
        status: 'started',
        message: 'exchanging the authorization code',
        ...(typeof as.token_endpoint === 'string'
          ? { request: { method: 'POST', url: redactUrl(as.token_endpoint) } }
          : {}),
      });
      let tokens;
      try {
        tokens = await exchangeCode(ctx, {
          as,
          identity,
          code,
          codeVerifier: pending.codeVerifier,
          redirectUri: this.#config.redirectUri,
          resource: discovery.resource,
          requestedScopes: scopes,
        });
      } catch (error) {
        if (
          error instanceof McpAuthError &&
          error.serverError === 'invalid_client' &&
          identity.source === 'dynamic-registration'
        ) {
          // A stale stored registration: forget it so the next attempt registers again.
          await store.deleteClient(identity.issuer);
        }
        throw error;
      }
      await store.saveGrant(this.#key, {
        issuer: discovery.issuer,
        clientId: identity.clientId,
        resource: discovery.resource,
        tokens,
        requestedScopes: scopes,
      });
      events.emit({
        step: 'token',
        status: 'succeeded',
        message: 'tokens received',
        detail: {
          scopes: tokens.scopes,
          refresh_token: tokens.refreshToken !== undefined,
          ...(tokens.expiresAt !== undefined ? { expires_at: tokens.expiresAt } : {}),
        },
      });
      if (request.stepUp) events.emit({ step: 'step-up', status: 'succeeded', message: 'scope widened' });
    } catch (error) {
      const failed = error instanceof McpAuthError ? error.step : step;
      events.emit(failedEvent(failed, error));
      throw error;
    }
  }

  async #callHandler(url: URL): Promise<URL | string> {
    const { handler, authorizationTimeoutMs, ctx } = this.#config;
    if (!handler) {
      throw new AuthorizationError({
        code: 'no_authorization_handler',
        message:
          'the MCP server requires authorization but no authorize handler was given: pass options.authorize (headlessAuthorize() for tests)',
      });
    }
    const timeout = AbortSignal.timeout(authorizationTimeoutMs);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () =>
        reject(
          new AuthorizationError({
            code: ctx.signal?.aborted ? 'aborted' : 'timeout',
            message: ctx.signal?.aborted
              ? 'authorization aborted by the application'
              : `the authorization handler did not return within ${authorizationTimeoutMs} ms: the user did not finish signing in`,
          }),
        );
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([handler(url), aborted]);
    } catch (error) {
      if (error instanceof McpAuthError) throw error;
      throw new AuthorizationError({
        code: 'authorization_handler_failed',
        message: `the authorization handler failed: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  async #authorizationServerFor(issuer: string): Promise<AuthorizationServer | undefined> {
    if (this.#discovery?.issuer === issuer) return this.#discovery.authorizationServer;
    const cached = this.#metadataByIssuer.get(issuer);
    if (cached) return cached;
    const fetched = await fetchAuthorizationServerMetadata(this.#config.ctx, this.#config.events, issuer);
    if (fetched) this.#metadataByIssuer.set(issuer, fetched);
    return fetched;
  }

  /** The identity a stored grant was issued to, without registering anything new. */
  async #existingIdentity(grant: StoredGrant): Promise<ClientIdentity | undefined> {
    if (this.#identity?.issuer === grant.issuer && this.#identity.clientId === grant.clientId)
      return this.#identity;
    const { preRegistered, clientMetadataUrl, redirectUri, store } = this.#config;
    if (
      preRegisteredAppliesTo(preRegistered, grant.issuer, this.#preRegisteredBoundIssuer) &&
      preRegistered.clientId === grant.clientId
    ) {
      return {
        issuer: grant.issuer,
        clientId: preRegistered.clientId,
        redirectUri,
        source: 'pre-registered',
        ...(preRegistered.clientSecret ? { clientSecret: preRegistered.clientSecret } : {}),
        ...(preRegistered.tokenEndpointAuthMethod
          ? { tokenEndpointAuthMethod: preRegistered.tokenEndpointAuthMethod }
          : {}),
      };
    }
    if (clientMetadataUrl === grant.clientId) {
      const as = await this.#authorizationServerFor(grant.issuer);
      if (as && metadataDocumentApplies(as, clientMetadataUrl)) {
        return {
          issuer: grant.issuer,
          clientId: clientMetadataUrl,
          tokenEndpointAuthMethod: 'none',
          redirectUri,
          source: 'metadata-document',
        };
      }
    }
    const stored = await store.loadClient(grant.issuer);
    return stored?.clientId === grant.clientId ? stored : undefined;
  }
}

function failedEvent(step: McpAuthError['step'], error: unknown): Parameters<FlowEventEmitter['emit']>[0] {
  const code = error instanceof McpAuthError ? error.code : 'invalid_response';
  const message = error instanceof Error ? error.message : 'unknown failure';
  return { step, status: 'failed', message, error: { code, message } };
}
