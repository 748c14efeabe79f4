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
import { nowSeconds, systemClock, type Clock } from './clock.js';
import { TokenError } from './errors.js';
import type {
  AccessToken,
  AuthorizationCode,
  AuthorizationParams,
  ConsentCapableProvider,
  ConsentDecision,
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

/** Text of the `error_description` sent when the user presses Deny. */
export const ACCESS_DENIED_DESCRIPTION = 'The user denied the authorization request';

interface StoredAccessToken extends AccessToken {
  pairedRefreshToken: string | undefined;
}

interface StoredRefreshToken extends RefreshToken {
  pairedAccessToken: string;
  resource: string | undefined;
}

export class InMemoryProvider implements ConsentCapableProvider {
  readonly #clients = new Map<string, ClientInformation>();
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #accessTokens = new Map<string, StoredAccessToken>();
  readonly #refreshTokens = new Map<string, StoredRefreshToken>();
  readonly #pending = new Map<string, PendingAuthorization>();
  readonly #clock: Clock;
  readonly #approval: ApprovalMode;
  readonly #consentPageUrl: string | undefined;
  readonly #codeSeconds: number;
  readonly #accessSeconds: number;
  readonly #refreshSeconds: number | null;
  readonly #consentSeconds: number;

  constructor(options: InMemoryProviderOptions = {}) {
    options.clients?.forEach((client, index) => {
      const resolved = resolveClient(`clients[${index}]`, structuredClone(client));
      this.#clients.set(resolved.client_id, resolved);
    });
    this.#clock = options.clock ?? systemClock;
    this.#approval = options.approval ?? 'auto';
    this.#consentPageUrl = options.consentPageUrl;
    if (this.#approval === 'consent' && this.#consentPageUrl === undefined) {
      throw new TypeError('InMemoryProvider: consentPageUrl is required when approval is "consent"');
    }
    this.#codeSeconds = options.authorizationCodeSeconds ?? 300;
    this.#accessSeconds = options.accessTokenSeconds ?? 3600;
    this.#refreshSeconds =
      options.refreshTokenSeconds === undefined ? 30 * 24 * 3600 : options.refreshTokenSeconds;
    this.#consentSeconds = options.consentSeconds ?? 600;
  }

  /** The provider `createMockAuthServer` builds from resolved settings. */
  static fromSettings(
    settings: ResolvedMockAuthServerSettings,
    clock: Clock = systemClock,
  ): InMemoryProvider {
    return new InMemoryProvider({
      clients: settings.clients,
      clock,
      approval: settings.approval,
      consentPageUrl: `${new URL(settings.issuerUrl).origin}/consent`,
      ...settings.tokenLifetimes,
    });
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
    return this.#issueTokens(client.client_id, code.scopes, code.resource);
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
    const oldAccess = this.#accessTokens.get(stored.pairedAccessToken);
    if (oldAccess !== undefined) oldAccess.pairedRefreshToken = undefined;
    return this.#issueTokens(client.client_id, scopes, stored.resource);
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

  #issueTokens(clientId: string, scopes: string[], resource: string | undefined): OAuthToken {
    const now = Math.floor(nowSeconds(this.#clock));
    const accessToken = randomToken();
    const refreshToken = randomToken();
    this.#accessTokens.set(accessToken, {
      token: accessToken,
      clientId,
      scopes: [...scopes],
      expiresAt: now + this.#accessSeconds,
      resource,
      pairedRefreshToken: refreshToken,
    });
    this.#refreshTokens.set(refreshToken, {
      token: refreshToken,
      clientId,
      scopes: [...scopes],
      expiresAt: this.#refreshSeconds === null ? undefined : now + this.#refreshSeconds,
      pairedAccessToken: accessToken,
      resource,
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
