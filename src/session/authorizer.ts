/**
 * The orchestrator: owns the grant of one MCP server and sequences the flow's steps — discovery, scope selection,
 * client identity, then the authorization-code steps (`flow/authorization-code-flow.ts`), or for a machine client
 * its own grant (`client_credentials`, JWT bearer) — plus refresh (proactive and reactive, coordinated; a machine
 * client renews by asking again), step-up and sign-out. It keeps what outlives one step: the metadata of the issuers
 * it met, the identity in use, and the single-flight of authorizations.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import type { AuthorizationHandler } from '../authorize/types.js';
import { defaultEndpoints } from '../discovery/authorization-server-metadata.js';
import { assertUsableEndpoints, discover, fetchAuthorizationServerMetadata } from '../discovery/discover.js';
import type { Discovery } from '../discovery/discover.js';
import type { BearerChallenge } from '../discovery/www-authenticate.js';
import { AuthorizationError, InteractionRequiredError, maskSecrets, McpAuthError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import { failureEvent } from '../events.js';
import { assertPkceS256 } from '../flow/authorization-request.js';
import {
  awaitCallback,
  beginAuthorization,
  redeemAuthorizationCode,
} from '../flow/authorization-code-flow.js';
import type { FlowEnvironment } from '../flow/authorization-code-flow.js';
import { selectScopes, splitScope, union } from '../flow/scope.js';
import { bindsGrantAt, DpopBindings } from '../dpop/binding.js';
import type { DpopBinding, DpopUse } from '../dpop/binding.js';
import type { HttpContext } from '../http.js';
import { machineClient } from '../identity/client-credentials.js';
import type { MachineClient } from '../identity/machine-client.js';
import type { ClientIdentity } from '../identity/client-identity.js';
import {
  findGrantIdentity,
  forgetRefusedRegistration,
  preRegisteredAppliesTo,
  resolveClientIdentity,
} from '../identity/resolve.js';
import type { IdentityConfig } from '../identity/resolve.js';
import type { AuthStateStore, StoredGrant } from '../storage/auth-state.js';
import { isTransientFailure, RefreshCoordinator, refreshLockName } from '../tokens/refresh-coordinator.js';
import { refreshGrant } from '../tokens/refresh-grant.js';
import { SingleFlight } from '../tokens/single-flight.js';
import type { Locks } from '../tokens/single-flight.js';
import { revokeGrantTokens } from '../tokens/revoke-grant.js';
import { isExpired, isExpiring } from '../tokens/token-set.js';

/** Configuration of an authorizer (already validated by the public entry point). */
export interface AuthorizerConfig {
  mcpUrl: URL;
  ctx: HttpContext;
  events: FlowEventEmitter;
  store: AuthStateStore;
  locks: Locks;
  handler: AuthorizationHandler | undefined;
  identity: IdentityConfig;
  extraScopes: readonly string[];
  authorizationTimeoutMs: number;
  refreshSkewMs: number;
  /** False: never start an authorization (it would need the user); fail with `interaction_required` instead. */
  interactive: boolean;
  /** When new grants are bound to a DPoP key (RFC 9449); undefined: never. */
  dpop?: DpopUse | undefined;
  /**
   * A machine client: every token comes from its own grant (`client_credentials`, or the JWT bearer grant of a
   * workload or of enterprise-managed authorization), no user involved.
   */
  machine?: MachineClient | undefined;
}

/** What a request to the MCP server carries: the access token, and the key a DPoP-bound token is proved with. */
export interface AccessCredential {
  token: string;
  dpop?: DpopBinding | undefined;
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
  readonly #dpopBindings: DpopBindings;
  #identity: ClientIdentity | undefined;
  #preRegisteredBoundIssuer: string | undefined;
  /**
   * The machine client: configured (`clientCredentials`, `workloadIdentity`, `enterpriseAuthorization`), or
   * pre-registered credentials at a server that has only client_credentials.
   */
  #machine: MachineClient | undefined;
  /** The one authorization server the machine client's credentials go to. */
  #machineBoundIssuer: string | undefined;

  constructor(config: AuthorizerConfig) {
    this.#config = config;
    this.#key = config.mcpUrl.href;
    this.#machine = config.machine;
    this.#dpopBindings = new DpopBindings(config.store.dpopKeys);
    this.#refresh = new RefreshCoordinator(config.store, config.locks, {
      renewWithoutRefreshToken: () => this.#machine !== undefined,
      // Called under the grant's refresh lock: the key is forgotten without taking it again.
      onGrantDropped: (grant) => this.#forgetKeyUnlessCurrent(grant),
      refusedForGood: (error) => this.#refusedMachineCredential(error),
    });
  }

  /** The access token to attach to the next request, refreshed ahead of expiry when possible. */
  async accessToken(): Promise<string | undefined> {
    return (await this.accessCredential())?.token;
  }

  /**
   * What the next request carries: the access token, refreshed ahead of expiry when possible, and for a DPoP-bound
   * token the key to prove (RFC 9449 §7). A bound grant whose key is gone (storage cleared) is unusable: it is
   * dropped, so the server's 401 starts a new authorization.
   */
  async accessCredential(): Promise<AccessCredential | undefined> {
    const tokens = await this.#currentTokens();
    if (!tokens) return undefined;
    if (tokens.tokenType !== 'DPoP') return { token: tokens.accessToken };
    const dpop = tokens.dpopJkt === undefined ? undefined : await this.#dpopBindings.find(tokens.dpopJkt);
    if (dpop) return { token: tokens.accessToken, dpop };
    await this.#dropGrantWithoutKey(tokens.accessToken);
    return undefined;
  }

  async #currentTokens(): Promise<StoredGrant['tokens'] | undefined> {
    const grant = await this.#config.store.loadGrant(this.#key);
    if (!grant) return undefined;
    if (this.#renewable(grant) && isExpiring(grant.tokens, Date.now(), this.#config.refreshSkewMs)) {
      try {
        const refreshed = await this.#refreshGrant(grant.tokens.accessToken);
        if (refreshed) return refreshed.tokens;
        // The grant was dropped (invalid_grant): send nothing and let the 401 start a new authorization.
        return (await this.#config.store.loadGrant(this.#key))?.tokens;
      } catch {
        // The token may still be accepted until it really expires; a 401 retries the refresh, then re-authorizes.
        return grant.tokens;
      }
    }
    return grant.tokens;
  }

  /** Drops the grant of `accessToken` (if it is still the stored one): its DPoP key is gone, so nothing can use it. */
  async #dropGrantWithoutKey(accessToken: string): Promise<void> {
    const { store, events } = this.#config;
    await this.#config.locks.withLock(refreshLockName(this.#key), async () => {
      const current = await store.loadGrant(this.#key);
      if (current?.tokens.accessToken !== accessToken) return;
      await store.deleteGrant(this.#key);
      events.emit({
        step: 'token',
        status: 'failed',
        message:
          'the DPoP key the stored tokens are bound to is gone (storage cleared, or a storage without a key store): they cannot be used, authorizing again',
        detail: { code: 'dpop_key_missing' },
      });
    });
  }

  /**
   * After a new grant replaced `replaced`: the key the old grant was bound to is forgotten, unless the stored grant
   * still names it (nothing else can use it; a key left behind would only pile up in the key store). Under the
   * grant's refresh lock, so a refresh of the old grant that another context saves meanwhile is seen first.
   */
  async #forgetReplacedKey(replaced: StoredGrant | undefined): Promise<void> {
    if (replaced?.tokens.dpopJkt === undefined) return;
    await this.#config.locks.withLock(refreshLockName(this.#key), () =>
      this.#forgetKeyUnlessCurrent(replaced),
    );
  }

  async #forgetKeyUnlessCurrent(grant: StoredGrant | undefined): Promise<void> {
    const old = grant?.tokens.dpopJkt;
    if (old === undefined) return;
    const current = await this.#config.store.loadGrant(this.#key);
    if (current?.tokens.dpopJkt === old) return;
    await this.#dpopBindings.forget(old).catch(() => undefined);
  }

  /**
   * A new key for a new grant, made when it is about to be used. One the key store could not keep would be lost at
   * the next page load, which would then drop the grant and sign in again every time: a bearer token instead.
   */
  async #newGrantKey(): Promise<DpopBinding | undefined> {
    const created = await this.#dpopBindings.create();
    if (created.persisted) return created;
    await this.#dpopBindings.forget(created.jkt).catch(() => undefined);
    this.#config.events.emit({
      step: 'token',
      status: 'skipped',
      message: 'the storage cannot keep a DPoP key, so the token is requested unbound (a bearer token)',
      detail: { code: 'dpop_key_missing' },
    });
    return undefined;
  }

  /**
   * The context of a machine client's token request at `as`, where grants are bound to a key: a renewal keeps the key
   * of the grant it renews while it is held (it runs under the grant's refresh lock, as sign-out does); a new
   * authorization gets a new key. (It asks afresh each time, so a lost key costs nothing.)
   */
  async #machineContext(as: AuthorizationServer, renewing: StoredGrant | undefined): Promise<HttpContext> {
    if (!bindsGrantAt(this.#config.dpop, as)) return this.#config.ctx;
    const held = renewing?.tokens.dpopJkt;
    const dpop =
      (held === undefined ? undefined : await this.#dpopBindings.find(held)) ?? (await this.#newGrantKey());
    return dpop ? { ...this.#config.ctx, dpop } : this.#config.ctx;
  }

  /**
   * The context of a token request renewing `grant`: with the key its tokens are bound to. A bound grant whose key is
   * gone cannot be renewed (`dpop_key_missing`, which drops it).
   */
  async #renewalContext(grant: StoredGrant): Promise<HttpContext> {
    const { ctx } = this.#config;
    const jkt = grant.tokens.dpopJkt;
    if (jkt === undefined) return ctx;
    const dpop = await this.#dpopBindings.find(jkt);
    if (!dpop) {
      throw new McpAuthError({
        code: 'dpop_key_missing',
        step: 'refresh',
        message:
          'the DPoP key the stored grant is bound to is gone (storage cleared, or a storage without a key store): sign in again',
      });
    }
    return { ...ctx, dpop };
  }

  /**
   * An access token for the application's own requests: the stored one while it is alive, refreshed when it is
   * expiring, and otherwise a new authorization (which needs the user: `interaction_required` when the client is
   * not interactive). A refresh that fails for a transient reason keeps an access token that is still alive, and
   * is thrown otherwise.
   */
  async accessTokenForApplication(): Promise<string> {
    const { store } = this.#config;
    for (let attempt = 0; ; attempt++) {
      const grant = await store.loadGrant(this.#key);
      if (grant) {
        const now = Date.now();
        const { tokens } = grant;
        if (!isExpiring(tokens, now, this.#config.refreshSkewMs)) return tokens.accessToken;
        if (this.#renewable(grant)) {
          try {
            const refreshed = await this.#refreshGrant(tokens.accessToken);
            if (refreshed) return refreshed.tokens.accessToken;
          } catch (error) {
            if (isTransientFailure(error) && !isExpired(tokens, now)) return tokens.accessToken;
            if (isTransientFailure(error)) throw error;
            if (this.#refusedMachineCredential(error)) throw error;
            // Refused: the grant is dropped, a new authorization follows.
          }
        } else if (!isExpired(tokens, now)) {
          return tokens.accessToken;
        }
      }
      if (attempt > 0) {
        throw new McpAuthError({
          code: 'unauthorized',
          step: 'authorization',
          message: 'the authorization completed but left no usable access token',
        });
      }
      // The token found unusable, not a fresh read: if someone else replaced it meanwhile, that is the new token.
      await this.authorize({
        challenge: undefined,
        presentedAccessToken: grant?.tokens.accessToken,
        stepUp: false,
      });
    }
  }

  /**
   * After the server refused the current access token outside this package's fetch (the MCP SDK's own transport
   * through the `OAuthClientProvider` adapter): a step-up when `demandedScope` names scopes the grant lacks, else a
   * refresh, else a new authorization.
   */
  async reauthorize(demandedScope: string | undefined): Promise<void> {
    const grant = await this.#config.store.loadGrant(this.#key);
    // Against what was granted: a scope requested but not granted is still missing.
    const granted = grant?.tokens.scopes ?? [];
    const demanded = demandedScope === undefined ? [] : splitScope(demandedScope);
    const stepUp = grant !== undefined && demanded.some((scope) => !granted.includes(scope));
    const presented = grant?.tokens.accessToken;
    if (!stepUp && presented !== undefined && (await this.refreshAfterUnauthorized(presented))) return;
    await this.authorize({
      challenge: demandedScope === undefined ? undefined : { scheme: 'bearer', scope: demandedScope },
      presentedAccessToken: presented,
      stepUp,
    });
  }

  /** The stored access token, as it is (no refresh), or undefined without a grant. */
  async currentAccessToken(): Promise<string | undefined> {
    return (await this.#config.store.loadGrant(this.#key))?.tokens.accessToken;
  }

  /** The client id the stored grant was issued to (read from storage only), or undefined without a grant. */
  async grantClientId(): Promise<string | undefined> {
    return (await this.#config.store.loadGrant(this.#key))?.clientId;
  }

  /**
   * After a 401: refresh if the refused token is still the current one and can be refreshed. True when a
   * different access token is now available. Transient failures are thrown (tokens kept).
   */
  async refreshAfterUnauthorized(presented: string): Promise<boolean> {
    const grant = await this.#config.store.loadGrant(this.#key);
    if (!grant) return false;
    if (grant.tokens.accessToken !== presented) return true;
    if (!this.#renewable(grant)) return false;
    try {
      const refreshed = await this.#refreshGrant(presented);
      return refreshed !== undefined && refreshed.tokens.accessToken !== presented;
    } catch (error) {
      if (isTransientFailure(error)) throw error;
      if (this.#refusedMachineCredential(error)) throw error;
      return false;
    }
  }

  /**
   * Runs one authorization (shared by concurrent callers; skipped when someone else already got a new token). The
   * named lock extends this to other clients sharing the storage and locks (tabs opened together sign in once).
   */
  authorize(request: AuthorizeRequest): Promise<void> {
    // Not behind the lock: a page connecting silently must not wait for another tab's sign-in to finish.
    if (!this.#config.interactive && !this.#machine) return this.#authorizeOnce(request);
    return this.#authorizations.run('authorize', () =>
      this.#config.locks.withLock(
        `authorize:${this.#key}`,
        () => this.#authorizeOnce(request),
        this.#config.ctx.signal,
      ),
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
      failure = await this.#revoke(grant, grant.tokens);
    } catch (error) {
      failure = error;
      events.emit(failureEvent('revocation', error));
    } finally {
      await store.deleteGrant(this.#key, 'signed-out');
      // Nothing bound to the key is usable any more: the next sign-in binds a new one.
      if (grant.tokens.dpopJkt !== undefined)
        await this.#dpopBindings.forget(grant.tokens.dpopJkt).catch(() => undefined);
    }
    if (failure !== undefined) throw maskSecrets(failure, this.#config.ctx.secrets);
  }

  /**
   * After another context signed out: that context could revoke only the access token if the refresh token was kept
   * here (apart from shared storage), so it is revoked here. Failures are reported as events, never thrown.
   */
  async revokeHeldRefreshToken(): Promise<void> {
    const held = await this.#config.store.takeHeldRefreshToken(this.#key);
    if (!held) return;
    try {
      await this.#revoke(held, { refreshToken: held.refreshToken });
    } catch (error) {
      this.#config.events.emit(failureEvent('revocation', error));
    }
  }

  /** Revokes `tokens` of the grant `owner` names; resolves to the first failure (see `revokeGrantTokens`). */
  async #revoke(
    owner: Pick<StoredGrant, 'issuer' | 'clientId'>,
    tokens: { accessToken?: string; refreshToken?: string | undefined },
  ): Promise<unknown> {
    const { ctx, events } = this.#config;
    const as = await this.#authorizationServerFor(owner.issuer);
    const identity = as && (await this.#grantIdentity(owner, as));
    if (!as || !identity) {
      events.emit({
        step: 'revocation',
        status: 'skipped',
        message: 'client identity or authorization server unknown: cannot revoke',
      });
      return undefined;
    }
    return revokeGrantTokens(ctx, events, { as, identity, tokens });
  }

  /**
   * Refreshes through the coordinator. Events are emitted by the one caller that actually sends the request, so
   * fifty callers sharing a refresh produce one started/succeeded pair, not fifty.
   */
  #refreshGrant(presented: string): Promise<StoredGrant | undefined> {
    const { ctx, events } = this.#config;
    if (this.#machine)
      return this.#refresh.refresh(this.#key, presented, (current) => this.#renewMachineGrant(current));
    return this.#refresh.refresh(this.#key, presented, async (current) => {
      let identity: ClientIdentity | undefined;
      try {
        const as = await this.#authorizationServerFor(current.issuer);
        identity = as && (await this.#grantIdentity(current, as));
        if (!as || !identity) {
          throw new McpAuthError({
            code: 'refresh_failed',
            step: 'refresh',
            message:
              'the client identity or authorization server of the stored grant is unknown: sign in again',
          });
        }
        return await refreshGrant(await this.#renewalContext(current), events, {
          as,
          identity,
          grant: current,
        });
      } catch (error) {
        if (identity) await this.#forgetRefusedRegistration(identity, error);
        maskSecrets(error, ctx.secrets);
        events.emit(failureEvent('refresh', error));
        throw error;
      }
    });
  }

  /**
   * Whether a failed renewal was the server refusing a machine client's credential: its renewal is its authorization,
   * so authorizing again at once would only send the refused credential (or assertion) again.
   */
  #refusedMachineCredential(error: unknown): boolean {
    return this.#machine !== undefined && error instanceof McpAuthError && error.serverError !== undefined;
  }

  /** Whether the grant's tokens can be renewed without the user: with a refresh token, or by a machine client. */
  #renewable(grant: StoredGrant): boolean {
    return grant.tokens.refreshToken !== undefined || this.#machine !== undefined;
  }

  /** Whether this client renews its tokens without a refresh token (a machine client asks again). */
  renewsWithoutRefreshToken(): boolean {
    return this.#machine !== undefined;
  }

  /** A machine client's "refresh": its grant requested again (a fresh assertion, if it has one), for the grant's scopes. */
  async #renewMachineGrant(current: StoredGrant): Promise<StoredGrant['tokens']> {
    const { ctx, events } = this.#config;
    try {
      if (current.clientId !== this.#machine?.clientId) {
        // A grant of another client (storage shared with an earlier configuration): a new authorization replaces it.
        throw new McpAuthError({
          code: 'refresh_failed',
          step: 'token',
          message: 'the stored grant belongs to another client: requesting a token for this one instead',
        });
      }
      const as = await this.#authorizationServerFor(current.issuer);
      if (!as) {
        throw new McpAuthError({
          code: 'refresh_failed',
          step: 'token',
          message: `the metadata of the authorization server ${current.issuer} is no longer available`,
        });
      }
      const identity = await this.#machineIdentityAt(current.issuer);
      return await (this.#machine as MachineClient).requestTokens(
        await this.#machineContext(as, current),
        events,
        {
          as,
          identity,
          scopes: current.requestedScopes,
          resource: current.resource,
          renewal: true,
        },
      );
    } catch (error) {
      maskSecrets(error, ctx.secrets);
      events.emit(failureEvent('token', error));
      throw error;
    }
  }

  /**
   * The machine client's identity at `issuer`, which must be the one it is bound to: given with the credentials, else
   * the first it met. Its secret or signed assertions go to no other authorization server, whatever the MCP server's
   * metadata names later.
   */
  async #machineIdentityAt(issuer: string): Promise<ClientIdentity> {
    const machine = this.#machine as MachineClient;
    this.#machineBoundIssuer ??= machine.issuer ?? issuer;
    if (issuer !== this.#machineBoundIssuer) {
      throw new McpAuthError({
        code: 'issuer_mismatch',
        step: 'token',
        message: `the client credentials belong to the authorization server ${this.#machineBoundIssuer}, but the MCP server now names ${issuer}: they are not sent there (set ${machine.option}.issuer to the server they are registered with)`,
      });
    }
    const identity = await machine.identityAt(issuer);
    this.#identity = identity;
    return identity;
  }

  /**
   * A machine client's authorization: discovery, the scopes, then its grant (one `client_credentials` or JWT bearer
   * request, after a token exchange for enterprise-managed authorization); no user, no redirect. Whatever fails is reported once and thrown typed, free of secrets.
   */
  async #runMachineAuthorization(
    request: AuthorizeRequest,
    grant: StoredGrant | undefined,
    discovered?: Discovery,
  ): Promise<void> {
    const { ctx, events, store } = this.#config;
    const machine = this.#machine as MachineClient;
    const step = request.stepUp ? 'step-up' : 'authorization';
    if (!discovered) {
      events.emit({
        step,
        status: 'started',
        message: request.stepUp
          ? 'the server demands more scope: requesting a token again'
          : `authorization required: ${machine.grant} grant`,
        ...(request.challenge?.scope ? { detail: { scope: request.challenge.scope } } : {}),
      });
    }
    try {
      const discovery = discovered ?? (await this.#discover(request));
      const scopes = this.#scopesFor(request, grant, discovery);
      const identity = await this.#machineIdentityAt(discovery.issuer);
      events.emit({
        step: 'registration',
        status: 'skipped',
        message: `using ${machine.grant} client`,
        detail: { client_id: identity.clientId, source: identity.source, issuer: identity.issuer },
      });
      const tokenContext = await this.#machineContext(discovery.authorizationServer, undefined);
      const tokens = await machine
        .requestTokens(tokenContext, events, {
          as: discovery.authorizationServer,
          identity,
          scopes,
          resource: discovery.resource,
          renewal: false,
        })
        .catch(async (error: unknown) => {
          // Nothing is bound to the new key: it would only be left behind.
          if (tokenContext.dpop)
            await this.#dpopBindings.forget(tokenContext.dpop.jkt).catch(() => undefined);
          throw error;
        });
      await store.saveGrant(this.#key, {
        issuer: discovery.issuer,
        clientId: identity.clientId,
        resource: discovery.resource,
        tokens,
        requestedScopes: scopes,
      });
      await this.#forgetReplacedKey(grant);
      events.emit(
        request.stepUp
          ? { step: 'step-up', status: 'succeeded', message: 'scope widened' }
          : {
              step: 'authorization',
              status: 'succeeded',
              message: 'access token obtained for the client itself',
            },
      );
    } catch (error) {
      maskSecrets(error, ctx.secrets);
      const failed = error instanceof McpAuthError ? error.step : step;
      events.emit(failureEvent(failed, error));
      throw error;
    }
  }

  async #runAuthorization(request: AuthorizeRequest, grant: StoredGrant | undefined): Promise<void> {
    if (this.#machine) return this.#runMachineAuthorization(request, grant);
    const { ctx, events, store, mcpUrl } = this.#config;
    const env: FlowEnvironment = { ctx, events, store };
    const step = request.stepUp ? 'step-up' : 'authorization';
    if (!this.#config.interactive) {
      const error = new InteractionRequiredError({
        step,
        message: request.stepUp
          ? 'the MCP server demands more scope, which only a new authorization with the user can grant, and this client is not interactive (interactive: false)'
          : `${grant ? 'the grant expired or was refused and cannot be refreshed' : 'not signed in'}: only a new authorization with the user can go on, and this client is not interactive (interactive: false)`,
      });
      events.emit(failureEvent(step, error));
      throw error;
    }
    events.emit({
      step,
      status: 'started',
      message: request.stepUp ? 'the server demands more scope: authorizing again' : 'authorization required',
      ...(request.challenge?.scope ? { detail: { scope: request.challenge.scope } } : {}),
    });
    // Set once the machine flow takes over: it reports its own failures.
    let handedOver = false;
    try {
      const discovery = await this.#discover(request);
      const fallback = this.#machineFallback(discovery);
      if (fallback) {
        this.#machine = fallback;
        handedOver = true;
        return await this.#runMachineAuthorization(request, grant, discovery);
      }
      // Before any registration: a server that cannot take this client's proofs is refused first.
      const dpop = bindsGrantAt(this.#config.dpop, discovery.authorizationServer);
      const scopes = this.#scopesFor(request, grant, discovery);
      const identity = await this.#resolveIdentity(discovery, scopes);
      const { url, pending } = await beginAuthorization(env, {
        mcpUrl: mcpUrl.href,
        discovery,
        identity,
        scopes,
        dpop,
      });
      const limits = { timeoutMs: this.#config.authorizationTimeoutMs, signal: ctx.signal };
      const { callback, redeemedElsewhere } = await awaitCallback(
        env,
        this.#config.handler,
        url,
        pending,
        limits,
      );
      if (redeemedElsewhere) {
        await this.#acceptGrantRedeemedElsewhere();
      } else {
        // A new key for the new grant, made only now that there is a code to redeem with it.
        const key = dpop ? await this.#newGrantKey() : undefined;
        try {
          await redeemAuthorizationCode(key ? { ...env, ctx: { ...ctx, dpop: key } } : env, {
            pending,
            callback,
            identity,
            maxAgeMs: this.#config.authorizationTimeoutMs,
          });
        } catch (error) {
          // Nothing is bound to the key: it would only be left behind.
          if (key) await this.#dpopBindings.forget(key.jkt).catch(() => undefined);
          await this.#forgetRefusedRegistration(identity, error);
          throw error;
        }
      }
      await this.#forgetReplacedKey(grant);
      if (request.stepUp) events.emit({ step: 'step-up', status: 'succeeded', message: 'scope widened' });
    } catch (error) {
      if (handedOver) throw error;
      // Whatever step failed (discovery included, whose errors quote metadata), no secret leaves with the error.
      maskSecrets(error, ctx.secrets);
      const failed = error instanceof McpAuthError ? error.step : step;
      events.emit(failureEvent(failed, error));
      throw error;
    }
  }

  /** The callback page redeemed the code and stored the grant: use it, never send the code a second time. */
  async #acceptGrantRedeemedElsewhere(): Promise<void> {
    if (!(await this.#config.store.loadGrant(this.#key))) {
      throw new AuthorizationError({
        code: 'state_mismatch',
        message:
          'this sign-in was completed (or abandoned) elsewhere and left no grant: start the sign-in again',
      });
    }
    this.#config.events.emit({
      step: 'authorization',
      status: 'succeeded',
      message: 'the callback page redeemed the code and stored the grant',
    });
  }

  /** Discovery, remembering the issuer's metadata; the PKCE check comes before any registration. */
  async #discover(request: AuthorizeRequest): Promise<Discovery> {
    const discovery = await discover(this.#config.ctx, this.#config.events, {
      mcpUrl: this.#config.mcpUrl,
      challengeResourceMetadata: request.challenge?.resourceMetadata,
      preferredIssuer: this.#config.identity.preRegistered?.issuer,
      challengeHeaderMissing: request.challengeHeaderMissing,
    });
    this.#metadataByIssuer.set(discovery.issuer, discovery.authorizationServer);
    // PKCE protects an authorization code; a machine client never has one.
    if (this.#machine || this.#machineFallback(discovery)) return discovery;
    assertPkceS256(discovery.authorizationServer, discovery.legacy === 'default-endpoints');
    return discovery;
  }

  /**
   * Pre-registered confidential credentials at an authorization server whose metadata lists `client_credentials`
   * and not `authorization_code` among its grant types: no user can sign in there, so the credentials are a machine
   * client's. Undefined otherwise (and when the credentials are bound to another issuer).
   */
  #machineFallback(discovery: Discovery): MachineClient | undefined {
    const { preRegistered, redirectUri } = this.#config.identity;
    if (!preRegistered?.clientSecret) return undefined;
    if (!preRegisteredAppliesTo(preRegistered, discovery.issuer, this.#preRegisteredBoundIssuer))
      return undefined;
    const grants = discovery.authorizationServer.grant_types_supported;
    if (!grants?.includes('client_credentials') || grants.includes('authorization_code')) return undefined;
    const method = preRegistered.tokenEndpointAuthMethod;
    return machineClient(
      {
        clientId: preRegistered.clientId,
        clientSecret: preRegistered.clientSecret,
        // Bound as the pre-registered credentials were: to their issuer, or to this first one.
        issuer: preRegistered.issuer ?? this.#preRegisteredBoundIssuer ?? discovery.issuer,
        ...(method === 'client_secret_basic' || method === 'client_secret_post'
          ? { tokenEndpointAuthMethod: method }
          : {}),
      },
      redirectUri,
    );
  }

  /** The scopes to request; a step-up at the same issuer asks for what is held as well. */
  #scopesFor(request: AuthorizeRequest, grant: StoredGrant | undefined, discovery: Discovery): string[] {
    const held =
      request.stepUp && grant && grant.issuer === discovery.issuer
        ? union(grant.requestedScopes, grant.tokens.scopes)
        : [];
    return selectScopes({
      challengeScope: request.challenge?.scope,
      resourceScopesSupported: discovery.resourceMetadata?.scopes_supported,
      authorizationServerScopesSupported: discovery.authorizationServer.scopes_supported,
      extraScopes: this.#config.extraScopes,
      heldScopes: held,
    });
  }

  async #resolveIdentity(discovery: Discovery, scopes: readonly string[]): Promise<ClientIdentity> {
    const { ctx, events, store } = this.#config;
    const as = discovery.authorizationServer;
    const identity = await resolveClientIdentity(ctx, events, store, {
      ...this.#config.identity,
      issuer: discovery.issuer,
      authorizationServer: as,
      preRegisteredBoundIssuer: this.#preRegisteredBoundIssuer,
      // Register for everything the server could grant, so a later step-up is not refused as out of scope.
      scopes: union(as.scopes_supported ?? discovery.resourceMetadata?.scopes_supported ?? [], scopes),
      // What this authorization asks for: OpenID identity scopes are registered only when it does.
      requestedScopes: scopes,
    });
    if (identity.source === 'pre-registered') this.#preRegisteredBoundIssuer ??= discovery.issuer;
    this.#identity = identity;
    return identity;
  }

  async #forgetRefusedRegistration(identity: ClientIdentity, error: unknown): Promise<void> {
    if (!(await forgetRefusedRegistration(this.#config.store, identity, error))) return;
    if (this.#identity === identity) this.#identity = undefined;
  }

  async #authorizationServerFor(issuer: string): Promise<AuthorizationServer | undefined> {
    const cached = this.#metadataByIssuer.get(issuer);
    if (cached) return cached;
    const fetched =
      (await fetchAuthorizationServerMetadata(this.#config.ctx, this.#config.events, issuer)) ??
      // A grant from a 2025-03-26 server without metadata: its origin's default endpoints issued it.
      (issuer === this.#config.mcpUrl.origin ? defaultEndpoints(issuer) : undefined);
    if (fetched) {
      // The same judgement as at discovery: a stored grant does not make a server's endpoints usable.
      assertUsableEndpoints(this.#config.ctx, fetched);
      this.#metadataByIssuer.set(issuer, fetched);
    }
    return fetched;
  }

  /** The identity a stored grant was issued to, without registering anything new. */
  async #grantIdentity(
    grant: Pick<StoredGrant, 'issuer' | 'clientId'>,
    as: AuthorizationServer,
  ): Promise<ClientIdentity | undefined> {
    const current = this.#identity;
    if (current?.issuer === grant.issuer && current.clientId === grant.clientId) return current;
    const machine = this.#machine;
    if (machine)
      return machine.clientId === grant.clientId ? this.#machineIdentityAt(grant.issuer) : undefined;
    return findGrantIdentity(this.#config.store, this.#config.identity, {
      issuer: grant.issuer,
      clientId: grant.clientId,
      authorizationServer: as,
      preRegisteredBoundIssuer: this.#preRegisteredBoundIssuer,
    });
  }
}
