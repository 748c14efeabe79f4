/**
 * The default provider: everything in memory, auto-approval or a consent page, unguessable WebCrypto values.
 * Codes are single-use, refresh tokens rotate, and revoking either token of a pair revokes both. The work is done by
 * the stores it composes: {@link ClientRegistry} (clients), {@link AuthorizationCodes}, {@link TokenStore} (token
 * pairs), {@link PendingConsents} (the consent page's requests) and {@link SpentCredentials} (replay detection); its
 * options are read by in-memory-options.ts. Every store is bounded (`stateLimits`): each call that adds state first
 * forgets what has expired (expiry.ts; no timer, and the cost is what it removes: age-ordered-map.ts), and each store
 * forgets its oldest entries beyond its cap.
 */
import { constructRedirectUri } from '../http/url.js';
import { randomToken } from '../http/crypto.js';
import { resolveClient, type ClientInformation, type ResolvedMockAuthServerSettings } from '../settings.js';
import type { ProviderAdministration, TokenKind } from './administration.js';
import { AuthorizationCodes } from './authorization-codes.js';
import { ClientRegistry } from './client-registry.js';
import { nowSeconds, systemClock, type Clock } from './clock.js';
import { TokenEndpointError } from './errors.js';
import {
  configurationOf,
  optionsFromSettings,
  type InMemoryConfiguration,
  type InMemoryProviderOptions,
} from './in-memory-options.js';
import { PendingConsents } from './pending-consents.js';
import { SpentCredentials } from './spent-credentials.js';
import { TokenStore } from './token-store.js';
import type {
  AccessToken,
  AuthorizationCode,
  AuthorizationParams,
  ClientCredentialsCapableProvider,
  ConsentCapableProvider,
  ConsentDecision,
  DpopBindingCapableProvider,
  GrantAwareProvider,
  OAuthToken,
  PendingConsent,
  RefreshToken,
} from './types.js';

export type { InMemoryProviderOptions } from './in-memory-options.js';

/** The end user every token of the in-memory provider acts for (it has no login). */
export const MOCK_SUBJECT = 'mock-user';

/** How much state an {@link InMemoryProvider} keeps now (see `InMemoryProvider.stats`). */
export interface InMemoryProviderStats {
  /** Clients registered through `/register` (capped by `stateLimits.maxClients`). */
  readonly registeredClients: number;
  /** Clients from the settings (`clients`): not capped. */
  readonly preRegisteredClients: number;
  /** Authorization codes not redeemed yet, expired ones included until swept. */
  readonly authorizationCodes: number;
  /** Requests waiting on the consent page, expired ones included until swept. */
  readonly pendingConsents: number;
  /** Access tokens, expired ones included until swept. */
  readonly accessTokens: number;
  /** Refresh tokens, expired ones included until swept. */
  readonly refreshTokens: number;
}

/** Text of the `error_description` sent when the user presses Deny. */
const ACCESS_DENIED_DESCRIPTION = 'The user denied the authorization request';

/**
 * The provider a mock uses unless given its own: clients, codes and tokens in memory, with every optional capability
 * (consent page, grant tracking for replay detection, and the administration `mock.control` needs). Each instance
 * starts empty apart from the clients in its options.
 */
export class InMemoryProvider
  implements
    ConsentCapableProvider,
    ProviderAdministration,
    GrantAwareProvider,
    ClientCredentialsCapableProvider,
    DpopBindingCapableProvider
{
  readonly #clients = new ClientRegistry();
  readonly #codes = new AuthorizationCodes();
  readonly #tokens = new TokenStore();
  readonly #pending = new PendingConsents();
  readonly #spent = new SpentCredentials();
  readonly #clock: Clock;
  // Not readonly: `applySettings` replaces it at run time (mock.control.reconfigure).
  #configuration: InMemoryConfiguration;

  constructor(options: InMemoryProviderOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#configuration = this.#configure(options);
  }

  /** The provider `createMockAuthServer` builds from resolved settings. */
  static fromSettings(
    settings: ResolvedMockAuthServerSettings,
    clock: Clock = systemClock,
  ): InMemoryProvider {
    return new InMemoryProvider({ ...optionsFromSettings(settings), clock });
  }

  /** {@inheritDoc ProviderAdministration.applySettings} */
  applySettings(settings: ResolvedMockAuthServerSettings): void {
    this.#configuration = this.#configure(optionsFromSettings(settings));
  }

  /** {@inheritDoc ProviderAdministration.resetState} */
  resetState(settings: ResolvedMockAuthServerSettings): void {
    const options = optionsFromSettings(settings);
    // Checked before anything is forgotten, so a bad call leaves the state alone.
    configurationOf(options);
    this.#clients.clear();
    this.#codes.clear();
    this.#tokens.clear();
    this.#pending.clear();
    this.#spent.clear();
    this.#configuration = this.#configure(options);
  }

  /** {@inheritDoc ProviderAdministration.expireTokens} */
  expireTokens(kind: TokenKind): number {
    // One second in the past: every expiry check is "expiresAt < now".
    return this.#tokens.expireAll(kind, Math.floor(nowSeconds(this.#clock)) - 1);
  }

  /** {@inheritDoc ProviderAdministration.revokeTokens} */
  revokeTokens(kind: TokenKind): number {
    return this.#tokens.revokeAll(kind);
  }

  /** Checks the options, then adds (or replaces) the clients they name. */
  #configure(options: InMemoryProviderOptions): InMemoryConfiguration {
    const configuration = configurationOf(options);
    options.clients?.forEach((client, index) => {
      const resolved = resolveClient(`clients[${index}]`, structuredClone(client));
      this.#clients.configure(resolved);
    });
    return configuration;
  }

  /** How many clients it knows (pre-registered and registered): lets tests check that a refused request stored none. */
  get clientCount(): number {
    return this.#clients.configuredCount + this.#clients.registeredCount;
  }

  /**
   * How many clients, codes, consent requests and tokens it keeps now, so a test can watch the caps and the sweeping
   * (`stateLimits`) work. Reading it changes nothing: expired entries still count until a later call sweeps them.
   */
  stats(): InMemoryProviderStats {
    return {
      registeredClients: this.#clients.registeredCount,
      preRegisteredClients: this.#clients.configuredCount,
      authorizationCodes: this.#codes.size,
      pendingConsents: this.#pending.size,
      ...this.#tokens.counts(),
    };
  }

  /**
   * Looks the client up and marks it as just used: beyond `stateLimits.maxClients`, the registered client forgotten
   * first is the one looked up least recently.
   */
  async getClient(clientId: string): Promise<ClientInformation | undefined> {
    const client = this.#clients.get(clientId);
    return client === undefined ? undefined : structuredClone(client);
  }

  /**
   * Stores the client; beyond `stateLimits.maxClients` registered clients, forgets the least recently used one and
   * revokes its tokens.
   */
  async registerClient(client: ClientInformation): Promise<void> {
    this.#sweep();
    const forgotten = this.#clients.register(structuredClone(client), this.#configuration.limits.maxClients);
    for (const clientId of forgotten) this.#tokens.revokeClient(clientId);
  }

  /**
   * With `approval: 'auto'`, issues a code at once and returns the client's redirect URI carrying it; with
   * `'consent'`, holds the request and returns the consent page's URL (`?request=<id>`).
   */
  async authorize(client: ClientInformation, params: AuthorizationParams): Promise<string> {
    this.#sweep();
    const { approval, consentPageUrl, lifetimes, limits } = this.#configuration;
    if (approval === 'consent' && consentPageUrl !== undefined) {
      const expiresAt = nowSeconds(this.#clock) + lifetimes.consentSeconds;
      const url = new URL(consentPageUrl);
      const requestId = this.#pending.hold(client, params, expiresAt, limits.maxPendingAuthorizations);
      url.searchParams.set('request', requestId);
      return url.href;
    }
    return this.#issueCode(client, params);
  }

  /** {@inheritDoc ConsentCapableProvider.loadPendingAuthorization} */
  async loadPendingAuthorization(requestId: string): Promise<PendingConsent | undefined> {
    return this.#pending.load(requestId, nowSeconds(this.#clock));
  }

  /** {@inheritDoc ConsentCapableProvider.completePendingAuthorization} */
  async completePendingAuthorization(
    requestId: string,
    decision: ConsentDecision,
  ): Promise<string | undefined> {
    this.#sweep();
    const pending = this.#pending.take(requestId, nowSeconds(this.#clock));
    if (pending === undefined) return undefined;
    if (decision === 'deny') {
      return constructRedirectUri(pending.params.redirectUri, {
        error: 'access_denied',
        error_description: ACCESS_DENIED_DESCRIPTION,
        state: pending.params.state,
      });
    }
    return this.#issueCode(pending.client, pending.params);
  }

  /** {@inheritDoc OAuthAuthorizationServerProvider.loadAuthorizationCode} */
  async loadAuthorizationCode(
    _client: ClientInformation,
    code: string,
  ): Promise<AuthorizationCode | undefined> {
    return this.#codes.get(code);
  }

  /** {@inheritDoc OAuthAuthorizationServerProvider.exchangeAuthorizationCode} */
  async exchangeAuthorizationCode(client: ClientInformation, code: AuthorizationCode): Promise<OAuthToken> {
    this.#sweep();
    // Deleting first makes the code single-use even if two exchanges race.
    if (!this.#codes.delete(code.code)) {
      throw new TokenEndpointError('invalid_grant', 'authorization code does not exist');
    }
    const grantId = randomToken(16);
    this.#spent.spendCode(code.code, grantId);
    return this.#issueTokens(client, code.scopes, code.resource, grantId);
  }

  /** {@inheritDoc OAuthAuthorizationServerProvider.loadRefreshToken} */
  async loadRefreshToken(
    _client: ClientInformation,
    refreshToken: string,
  ): Promise<RefreshToken | undefined> {
    return this.#tokens.refreshToken(refreshToken);
  }

  /** {@inheritDoc OAuthAuthorizationServerProvider.exchangeRefreshToken} */
  async exchangeRefreshToken(
    client: ClientInformation,
    refreshToken: RefreshToken,
    scopes: string[],
  ): Promise<OAuthToken> {
    this.#sweep();
    // Rotation: the old refresh token stops working. Its access token stays valid until it expires.
    const grant = this.#tokens.rotateOut(refreshToken.token);
    if (grant === undefined) throw new TokenEndpointError('invalid_grant', 'refresh token does not exist');
    this.#spent.spendRefreshToken(refreshToken.token, grant.grantId);
    return this.#issueTokens(client, scopes, grant.resource, grant.grantId);
  }

  /** {@inheritDoc ClientCredentialsCapableProvider.exchangeClientCredentials} */
  async exchangeClientCredentials(
    client: ClientInformation,
    scopes: string[],
    resource: string | undefined,
    subject?: string,
  ): Promise<OAuthToken> {
    this.#sweep();
    // The client acts for itself (it is the token's subject), unless an assertion named the subject.
    const grant = {
      clientId: client.client_id,
      scopes,
      resource,
      subject: subject ?? client.client_id,
      grantId: randomToken(16),
    };
    const { lifetimes, limits } = this.#configuration;
    return this.#tokens.issue(grant, lifetimes, Math.floor(nowSeconds(this.#clock)), limits.maxTokens, false);
  }

  /** {@inheritDoc GrantAwareProvider.revokeGrantOfRedeemedCode} */
  async revokeGrantOfRedeemedCode(code: string): Promise<boolean> {
    return this.#tokens.revokeGrant(this.#spent.grantOfCode(code));
  }

  /** {@inheritDoc GrantAwareProvider.revokeFamilyOfRotatedRefreshToken} */
  async revokeFamilyOfRotatedRefreshToken(refreshToken: string): Promise<boolean> {
    return this.#tokens.revokeGrant(this.#spent.grantOfRefreshToken(refreshToken));
  }

  /** {@inheritDoc GrantAwareProvider.resourceOfRefreshToken} */
  async resourceOfRefreshToken(refreshToken: string): Promise<string | undefined> {
    return this.#tokens.resourceOfRefreshToken(refreshToken);
  }

  /** {@inheritDoc DpopBindingCapableProvider.bindTokenToDpopKey} */
  async bindTokenToDpopKey(token: string, jkt: string): Promise<boolean> {
    return this.#tokens.bindToKey(token, jkt);
  }

  /** {@inheritDoc OAuthAuthorizationServerProvider.loadAccessToken} */
  async loadAccessToken(token: string): Promise<AccessToken | undefined> {
    return this.#tokens.accessToken(token, nowSeconds(this.#clock));
  }

  /** {@inheritDoc OAuthAuthorizationServerProvider.revokeToken} */
  async revokeToken(token: AccessToken | RefreshToken): Promise<void> {
    this.#sweep();
    this.#tokens.revokePair(token.token);
  }

  /**
   * Forgets what has expired, in every store. Run by each call that adds state, before it adds: never on a timer
   * (which would keep a Node process alive), and cheap when nothing is due (one look per store).
   */
  #sweep(): void {
    const now = nowSeconds(this.#clock);
    this.#codes.sweep(now);
    this.#pending.sweep(now);
    this.#tokens.sweep(now);
  }

  #issueCode(client: ClientInformation, params: AuthorizationParams): string {
    const code = randomToken();
    this.#codes.add(
      {
        code,
        scopes: params.scopes ?? registeredScopes(client),
        expiresAt: nowSeconds(this.#clock) + this.#configuration.lifetimes.authorizationCodeSeconds,
        clientId: client.client_id,
        codeChallenge: params.codeChallenge,
        redirectUri: params.redirectUri,
        redirectUriProvidedExplicitly: params.redirectUriProvidedExplicitly,
        resource: params.resource,
      },
      this.#configuration.limits.maxPendingAuthorizations,
    );
    return constructRedirectUri(params.redirectUri, { code, state: params.state });
  }

  #issueTokens(
    client: ClientInformation,
    scopes: readonly string[],
    resource: string | undefined,
    grantId: string,
  ): OAuthToken {
    const grant = { clientId: client.client_id, scopes, resource, subject: MOCK_SUBJECT, grantId };
    const { lifetimes, limits } = this.#configuration;
    return this.#tokens.issue(grant, lifetimes, Math.floor(nowSeconds(this.#clock)), limits.maxTokens);
  }
}

/** Scopes a client registered, used when a request names none. */
function registeredScopes(client: ClientInformation): string[] {
  return (client.scope ?? '').split(' ').filter((scope) => scope !== '');
}
