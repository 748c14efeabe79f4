/**
 * The orchestrator: owns the grant of one MCP server and runs discovery → identity → authorization → token,
 * refresh (proactive and reactive, coordinated), step-up and sign-out. Pure decisions live in the step
 * modules; this class sequences them and keeps their state.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { runAuthorizationHandler } from '../authorize/run-handler.js';
import type { AuthorizationHandler } from '../authorize/types.js';
import { defaultEndpoints, discover, fetchAuthorizationServerMetadata } from '../discovery/discover.js';
import type { Discovery } from '../discovery/discover.js';
import type { BearerChallenge } from '../discovery/www-authenticate.js';
import { AuthorizationError, McpAuthError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import { failureEvent, redactUrl } from '../events.js';
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
import { isTransientFailure, RefreshCoordinator, refreshLockName } from '../tokens/refresh-coordinator.js';
import { SingleFlight } from '../tokens/single-flight.js';
import type { Locks } from '../tokens/single-flight.js';
import { revokeGrantTokens } from '../tokens/revoke-grant.js';
import { isClientRejection } from '../tokens/oauth-errors.js';
import { exchangeCode, refreshTokens } from '../tokens/token-requests.js';
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
        // The token may still be accepted until it really expires; a 401 retries the refresh, then re-authorizes.
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

  /**
   * Runs one authorization (shared by concurrent callers; skipped when someone else already got a new token). The
   * named lock extends this to other clients sharing the storage and locks (tabs opened together sign in once).
   */
  authorize(request: AuthorizeRequest): Promise<void> {
    return this.#authorizations.run('authorize', () =>
      this.#config.locks.withLock(`authorize:${this.#key}`, () => this.#authorizeOnce(request)),
    );
  }

  async #authorizeOnce(request: AuthorizeRequest): Promise<void> {
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
  }

  /**
   * Revokes the refresh token, then the access token, then forgets the grant. Holds the grant's refresh lock, so
   * a refresh in flight finishes first and its new tokens are the ones revoked (not left alive and forgotten).
   */
  signOut(): Promise<void> {
    return this.#config.locks.withLock(refreshLockName(this.#key), () => this.#signOut());
  }

  async #signOut(): Promise<void> {
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
      if (!as || !identity) {
        events.emit({
          step: 'revocation',
          status: 'skipped',
          message: 'client identity or authorization server unknown: cannot revoke',
        });
      } else {
        failure = await revokeGrantTokens(this.#config.ctx, events, { as, identity, tokens: grant.tokens });
      }
    } catch (error) {
      failure = error;
      events.emit(failureEvent('revocation', error));
    } finally {
      await store.deleteGrant(this.#key);
    }
    if (failure !== undefined) throw failure;
  }

  /**
   * Refreshes through the coordinator. Events are emitted by the one caller that actually sends the request, so
   * fifty callers sharing a refresh produce one started/succeeded pair, not fifty.
   */
  #refreshGrant(presented: string): Promise<StoredGrant | undefined> {
    const { events } = this.#config;
    return this.#refresh.refresh(this.#key, presented, async (current) => {
      let identity: ClientIdentity | undefined;
      try {
        const as = await this.#authorizationServerFor(current.issuer);
        identity = await this.#existingIdentity(current);
        if (!as || !identity) {
          throw new McpAuthError({
            code: 'refresh_failed',
            step: 'refresh',
            message:
              'the client identity or authorization server of the stored grant is unknown: sign in again',
          });
        }
        events.emit({
          step: 'refresh',
          status: 'started',
          message: 'refreshing the access token',
          ...(typeof as.token_endpoint === 'string'
            ? { request: { method: 'POST', url: redactUrl(as.token_endpoint) } }
            : {}),
        });
        const tokens = await refreshTokens(this.#config.ctx, {
          as,
          identity,
          tokens: current.tokens,
          resource: current.resource,
        });
        events.emit({
          step: 'refresh',
          status: 'succeeded',
          message: 'access token refreshed',
          detail: {
            refresh_token_rotated: tokens.refreshToken !== current.tokens.refreshToken,
            ...(tokens.expiresAt !== undefined ? { expires_at: tokens.expiresAt } : {}),
          },
        });
        return tokens;
      } catch (error) {
        if (identity) await this.#forgetRefusedRegistration(identity, error);
        events.emit(failureEvent('refresh', error));
        throw error;
      }
    });
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
      let callbackValue: URL | string;
      try {
        callbackValue = await runAuthorizationHandler(this.#config.handler, url, {
          timeoutMs: this.#config.authorizationTimeoutMs,
          signal: ctx.signal,
        });
      } finally {
        // A state is good for one answer, and an abandoned one must not linger in storage.
        await store.takePending(pending.state);
      }
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
        await this.#forgetRefusedRegistration(identity, error);
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
      events.emit(failureEvent(failed, error));
      throw error;
    }
  }

  /**
   * A dynamically registered client the server no longer knows (it restarted and lost its in-memory clients)
   * is forgotten, so the next authorization registers again instead of presenting a dead client id.
   */
  async #forgetRefusedRegistration(identity: ClientIdentity, error: unknown): Promise<void> {
    if (identity.source !== 'dynamic-registration' || !isClientRejection(error)) return;
    await this.#config.store.deleteClient(identity.issuer);
    if (this.#identity === identity) this.#identity = undefined;
  }

  async #authorizationServerFor(issuer: string): Promise<AuthorizationServer | undefined> {
    if (this.#discovery?.issuer === issuer) return this.#discovery.authorizationServer;
    const cached = this.#metadataByIssuer.get(issuer);
    if (cached) return cached;
    const fetched =
      (await fetchAuthorizationServerMetadata(this.#config.ctx, this.#config.events, issuer)) ??
      // A grant from a 2025-03-26 server without metadata: its origin's default endpoints issued it.
      (issuer === this.#config.mcpUrl.origin ? defaultEndpoints(issuer) : undefined);
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
