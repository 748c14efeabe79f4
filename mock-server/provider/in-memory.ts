/**
 * The default provider: everything in memory, auto-approval or a consent page, unguessable WebCrypto values.
 * Codes are single-use, refresh tokens rotate, and revoking either token of a pair revokes both.
 */
import { constructRedirectUri } from '../http/url.js';
import { randomToken } from '../http/crypto.js';
import {
  resolveClient,
  type ApprovalMode,
  type ClientInformation,
  type ResolvedMockAuthServerSettings,
} from '../settings.js';
import type { ProviderAdministration, TokenKind } from './administration.js';
import { nowSeconds, systemClock, type Clock } from './clock.js';
import { TokenError } from './errors.js';
import type {
  AccessToken,
  AuthorizationCode,
  AuthorizationParams,
  ConsentCapableProvider,
  ConsentDecision,
  GrantAwareProvider,
  OAuthToken,
  PendingAuthorization,
  RefreshToken,
} from './types.js';

export interface InMemoryProviderOptions {
  /** Clients known from the start. */
  clients?: readonly ClientInformation[];
  clock?: Clock;
  /** `auto` (default) issues a code at once; `consent` sends the browser to `consentPageUrl`. */
  approval?: ApprovalMode;
  /** Absolute URL of the consent page; the request id is added as `?request=`. Required for `consent`. */
  consentPageUrl?: string;
  authorizationCodeSeconds?: number;
  accessTokenSeconds?: number;
  /** `null` → refresh tokens never expire. */
  refreshTokenSeconds?: number | null;
  consentSeconds?: number;
}

/** The end user every token of the in-memory provider acts for (it has no login). */
export const MOCK_SUBJECT = 'mock-user';

/** How many redeemed codes and rotated refresh tokens are remembered for replay detection. */
const REPLAY_MEMORY = 10_000;

/** Text of the `error_description` sent when the user presses Deny. */
export const ACCESS_DENIED_DESCRIPTION = 'The user denied the authorization request';

interface StoredAccessToken extends AccessToken {
  pairedRefreshToken: string | undefined;
  /** One id per authorization grant: the code's exchange and every refresh after it. */
  grantId: string;
}

interface StoredRefreshToken extends RefreshToken {
  pairedAccessToken: string;
  resource: string | undefined;
  grantId: string;
}

export class InMemoryProvider implements ConsentCapableProvider, ProviderAdministration, GrantAwareProvider {
  /** Redeemed codes and rotated-out refresh tokens → their grant, oldest first (bounded). */
  readonly #spent = new Map<string, string>();
  readonly #clients = new Map<string, ClientInformation>();
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #accessTokens = new Map<string, StoredAccessToken>();
  readonly #refreshTokens = new Map<string, StoredRefreshToken>();
  readonly #pending = new Map<string, PendingAuthorization>();
  readonly #clock: Clock;
  // Not readonly: `applySettings` changes them at run time (mock.control.reconfigure).
  #approval: ApprovalMode = 'auto';
  #consentPageUrl: string | undefined;
  #codeSeconds = 300;
  #accessSeconds = 3600;
  #refreshSeconds: number | null = 30 * 24 * 3600;
  #consentSeconds = 600;

  constructor(options: InMemoryProviderOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#configure(options);
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
    this.#configure(optionsFromSettings(settings));
  }

  /** {@inheritDoc ProviderAdministration.resetState} */
  resetState(settings: ResolvedMockAuthServerSettings): void {
    const options = optionsFromSettings(settings);
    // Checked before anything is forgotten, so a bad call leaves the state alone.
    checkApproval(options);
    this.#clients.clear();
    this.#codes.clear();
    this.#accessTokens.clear();
    this.#refreshTokens.clear();
    this.#pending.clear();
    this.#spent.clear();
    this.#configure(options);
  }

  /** {@inheritDoc ProviderAdministration.expireTokens} */
  expireTokens(kind: TokenKind): number {
    // One second in the past: every expiry check is "expiresAt < now".
    const past = Math.floor(nowSeconds(this.#clock)) - 1;
    let touched = 0;
    if (kind !== 'refresh') {
      for (const token of this.#accessTokens.values()) {
        token.expiresAt = past;
        touched++;
      }
    }
    if (kind !== 'access') {
      for (const token of this.#refreshTokens.values()) {
        token.expiresAt = past;
        touched++;
      }
    }
    return touched;
  }

  /** {@inheritDoc ProviderAdministration.revokeTokens} */
  revokeTokens(kind: TokenKind): number {
    let removed = 0;
    if (kind !== 'refresh') {
      removed += this.#accessTokens.size;
      this.#accessTokens.clear();
    }
    if (kind !== 'access') {
      removed += this.#refreshTokens.size;
      this.#refreshTokens.clear();
      for (const access of this.#accessTokens.values()) access.pairedRefreshToken = undefined;
    }
    return removed;
  }

  #configure(options: InMemoryProviderOptions): void {
    checkApproval(options);
    options.clients?.forEach((client, index) => {
      const resolved = resolveClient(`clients[${index}]`, structuredClone(client));
      this.#clients.set(resolved.client_id, resolved);
    });
    this.#approval = options.approval ?? 'auto';
    this.#consentPageUrl = options.consentPageUrl;
    this.#codeSeconds = options.authorizationCodeSeconds ?? 300;
    this.#accessSeconds = options.accessTokenSeconds ?? 3600;
    this.#refreshSeconds =
      options.refreshTokenSeconds === undefined ? 30 * 24 * 3600 : options.refreshTokenSeconds;
    this.#consentSeconds = options.consentSeconds ?? 600;
  }

  /** How many clients it knows (pre-registered and registered): lets tests check that a refused request stored none. */
  get clientCount(): number {
    return this.#clients.size;
  }

  async getClient(clientId: string): Promise<ClientInformation | undefined> {
    const client = this.#clients.get(clientId);
    return client === undefined ? undefined : structuredClone(client);
  }

  async registerClient(client: ClientInformation): Promise<void> {
    this.#clients.set(client.client_id, structuredClone(client));
  }

  async authorize(client: ClientInformation, params: AuthorizationParams): Promise<string> {
    if (this.#approval === 'consent' && this.#consentPageUrl !== undefined) {
      const requestId = randomToken();
      this.#pending.set(requestId, {
        requestId,
        antiForgeryToken: randomToken(),
        client: structuredClone(client),
        params: structuredClone(params),
        expiresAt: nowSeconds(this.#clock) + this.#consentSeconds,
      });
      const url = new URL(this.#consentPageUrl);
      url.searchParams.set('request', requestId);
      return url.href;
    }
    return this.#issueCode(client, params);
  }

  async loadPendingAuthorization(requestId: string): Promise<PendingAuthorization | undefined> {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) return undefined;
    if (pending.expiresAt < nowSeconds(this.#clock)) {
      this.#pending.delete(requestId);
      return undefined;
    }
    return structuredClone(pending);
  }

  async completePendingAuthorization(
    requestId: string,
    decision: ConsentDecision,
  ): Promise<string | undefined> {
    const pending = await this.loadPendingAuthorization(requestId);
    if (pending === undefined) return undefined;
    this.#pending.delete(requestId);
    if (decision === 'deny') {
      return constructRedirectUri(pending.params.redirectUri, {
        error: 'access_denied',
        error_description: ACCESS_DENIED_DESCRIPTION,
        state: pending.params.state,
      });
    }
    return this.#issueCode(pending.client, pending.params);
  }

  async loadAuthorizationCode(
    _client: ClientInformation,
    code: string,
  ): Promise<AuthorizationCode | undefined> {
    const stored = this.#codes.get(code);
    return stored === undefined ? undefined : structuredClone(stored);
  }

  async exchangeAuthorizationCode(client: ClientInformation, code: AuthorizationCode): Promise<OAuthToken> {
    // Deleting first makes the code single-use even if two exchanges race.
    if (!this.#codes.delete(code.code)) {
      throw new TokenError('invalid_grant', 'authorization code does not exist');
    }
    const grantId = randomToken(16);
    this.#remember(`code:${code.code}`, grantId);
    return this.#issueTokens(client.client_id, code.scopes, code.resource, grantId);
  }

  async loadRefreshToken(
    _client: ClientInformation,
    refreshToken: string,
  ): Promise<RefreshToken | undefined> {
    const stored = this.#refreshTokens.get(refreshToken);
    return stored === undefined ? undefined : publicRefreshToken(stored);
  }

  async exchangeRefreshToken(
    client: ClientInformation,
    refreshToken: RefreshToken,
    scopes: string[],
  ): Promise<OAuthToken> {
    const stored = this.#refreshTokens.get(refreshToken.token);
    if (stored === undefined) throw new TokenError('invalid_grant', 'refresh token does not exist');
    // Rotation: the old refresh token stops working. Its access token stays valid until it expires.
    this.#refreshTokens.delete(stored.token);
    this.#remember(`refresh:${stored.token}`, stored.grantId);
    const oldAccess = this.#accessTokens.get(stored.pairedAccessToken);
    if (oldAccess !== undefined) oldAccess.pairedRefreshToken = undefined;
    return this.#issueTokens(client.client_id, scopes, stored.resource, stored.grantId);
  }

  async revokeGrantOfRedeemedCode(code: string): Promise<boolean> {
    return this.#revokeGrant(this.#spent.get(`code:${code}`));
  }

  async revokeFamilyOfRotatedRefreshToken(refreshToken: string): Promise<boolean> {
    return this.#revokeGrant(this.#spent.get(`refresh:${refreshToken}`));
  }

  async resourceOfRefreshToken(refreshToken: string): Promise<string | undefined> {
    return this.#refreshTokens.get(refreshToken)?.resource;
  }

  #revokeGrant(grantId: string | undefined): boolean {
    if (grantId === undefined) return false;
    let revoked = false;
    for (const [token, stored] of this.#accessTokens) {
      if (stored.grantId === grantId) revoked = this.#accessTokens.delete(token) || revoked;
    }
    for (const [token, stored] of this.#refreshTokens) {
      if (stored.grantId === grantId) revoked = this.#refreshTokens.delete(token) || revoked;
    }
    return revoked;
  }

  #remember(key: string, grantId: string): void {
    this.#spent.set(key, grantId);
    if (this.#spent.size > REPLAY_MEMORY) {
      const oldest = this.#spent.keys().next().value;
      if (oldest !== undefined) this.#spent.delete(oldest);
    }
  }

  async loadAccessToken(token: string): Promise<AccessToken | undefined> {
    const stored = this.#accessTokens.get(token);
    if (stored === undefined) return undefined;
    if (stored.expiresAt !== undefined && stored.expiresAt < nowSeconds(this.#clock)) {
      this.#accessTokens.delete(token);
      return undefined;
    }
    return publicAccessToken(stored);
  }

  async revokeToken(token: AccessToken | RefreshToken): Promise<void> {
    const access = this.#accessTokens.get(token.token);
    const refresh = this.#refreshTokens.get(token.token);
    if (access !== undefined) {
      this.#accessTokens.delete(access.token);
      if (access.pairedRefreshToken !== undefined) this.#refreshTokens.delete(access.pairedRefreshToken);
    }
    if (refresh !== undefined) {
      this.#refreshTokens.delete(refresh.token);
      this.#accessTokens.delete(refresh.pairedAccessToken);
    }
  }

  #issueCode(client: ClientInformation, params: AuthorizationParams): string {
    const code = randomToken();
    this.#codes.set(code, {
      code,
      scopes: params.scopes ?? registeredScopes(client),
      expiresAt: nowSeconds(this.#clock) + this.#codeSeconds,
      clientId: client.client_id,
      codeChallenge: params.codeChallenge,
      redirectUri: params.redirectUri,
      redirectUriProvidedExplicitly: params.redirectUriProvidedExplicitly,
      resource: params.resource,
    });
    return constructRedirectUri(params.redirectUri, { code, state: params.state });
  }

  #issueTokens(
    clientId: string,
    scopes: string[],
    resource: string | undefined,
    grantId: string,
  ): OAuthToken {
    const now = Math.floor(nowSeconds(this.#clock));
    const accessToken = randomToken();
    const refreshToken = randomToken();
    this.#accessTokens.set(accessToken, {
      token: accessToken,
      clientId,
      scopes: [...scopes],
      expiresAt: now + this.#accessSeconds,
      resource,
      subject: MOCK_SUBJECT,
      pairedRefreshToken: refreshToken,
      grantId,
    });
    this.#refreshTokens.set(refreshToken, {
      token: refreshToken,
      clientId,
      scopes: [...scopes],
      expiresAt: this.#refreshSeconds === null ? undefined : now + this.#refreshSeconds,
      pairedAccessToken: accessToken,
      resource,
      grantId,
    });
    const response: OAuthToken = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.#accessSeconds,
    };
    if (scopes.length > 0) response.scope = scopes.join(' ');
    response.refresh_token = refreshToken;
    return response;
  }
}

function optionsFromSettings(settings: ResolvedMockAuthServerSettings): InMemoryProviderOptions {
  return {
    clients: settings.clients,
    approval: settings.approval,
    consentPageUrl: `${new URL(settings.issuerUrl).origin}/consent`,
    ...settings.tokenLifetimes,
  };
}

function checkApproval(options: InMemoryProviderOptions): void {
  if (options.approval === 'consent' && options.consentPageUrl === undefined) {
    throw new TypeError('InMemoryProvider: consentPageUrl is required when approval is "consent"');
  }
}

/** Scopes a client registered, used when a request names none. */
function registeredScopes(client: ClientInformation): string[] {
  return (client.scope ?? '').split(' ').filter((scope) => scope !== '');
}

function publicAccessToken(stored: StoredAccessToken): AccessToken {
  return {
    token: stored.token,
    clientId: stored.clientId,
    scopes: [...stored.scopes],
    expiresAt: stored.expiresAt,
    resource: stored.resource,
    subject: MOCK_SUBJECT,
  };
}

function publicRefreshToken(stored: StoredRefreshToken): RefreshToken {
  return {
    token: stored.token,
    clientId: stored.clientId,
    scopes: [...stored.scopes],
    expiresAt: stored.expiresAt,
  };
}
