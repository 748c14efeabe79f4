/**
 * The in-memory provider's tokens: issued in pairs (an access token and its refresh token), every pair tagged with
 * the grant it came from, so a pair, a grant, a client's tokens or every token of a kind can be revoked or expired at
 * once. Both kinds are kept oldest first: expired ones are swept from that end and, beyond the cap, the oldest go.
 */
import { randomToken } from '../http/crypto.js';
import type { ResolvedTokenLifetimes } from '../settings.js';
import type { TokenKind } from './administration.js';
import { AgeOrderedMap } from './age-ordered-map.js';
import { EXPIRED_RETENTION_SECONDS, expiredFor } from './expiry.js';
import type { AccessToken, OAuthToken, RefreshToken } from './types.js';

/** What a token pair is issued for. */
export interface Grant {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resource: string | undefined;
  /** The end user the tokens act for. */
  readonly subject: string;
  /** One id per authorization grant: the code's exchange and every refresh after it. */
  readonly grantId: string;
}

interface StoredAccessToken extends AccessToken {
  subject: string;
  pairedRefreshToken: string | undefined;
  grantId: string;
}

interface StoredRefreshToken extends RefreshToken {
  pairedAccessToken: string;
  resource: string | undefined;
  grantId: string;
}

type StoredToken = StoredAccessToken | StoredRefreshToken;

export class TokenStore {
  readonly #accessTokens = new AgeOrderedMap<string, StoredAccessToken>();
  readonly #refreshTokens = new AgeOrderedMap<string, StoredRefreshToken>();
  /** Client id → the values of its tokens of both kinds, so forgetting a client needs no pass over every token. */
  readonly #byClient = new Map<string, Set<string>>();

  /**
   * Issues a pair at `now` (whole seconds since the epoch) and returns the token endpoint's answer; then forgets the
   * oldest tokens of each kind beyond `maxTokens`. With `withRefreshToken: false` (the `client_credentials` grant,
   * RFC 6749 §4.4.3), the access token alone.
   */
  issue(
    grant: Grant,
    lifetimes: Pick<ResolvedTokenLifetimes, 'accessTokenSeconds' | 'refreshTokenSeconds'>,
    now: number,
    maxTokens: number,
    withRefreshToken = true,
  ): OAuthToken {
    const accessToken = randomToken();
    const refreshToken = withRefreshToken ? randomToken() : undefined;
    const { clientId, resource, subject, grantId } = grant;
    this.#accessTokens.set(accessToken, {
      token: accessToken,
      clientId,
      scopes: [...grant.scopes],
      expiresAt: now + lifetimes.accessTokenSeconds,
      resource,
      subject,
      pairedRefreshToken: refreshToken,
      grantId,
    });
    if (refreshToken !== undefined) {
      this.#refreshTokens.set(refreshToken, {
        token: refreshToken,
        clientId,
        scopes: [...grant.scopes],
        expiresAt: lifetimes.refreshTokenSeconds === null ? undefined : now + lifetimes.refreshTokenSeconds,
        pairedAccessToken: accessToken,
        resource,
        grantId,
      });
    }
    this.#index(clientId, accessToken);
    if (refreshToken !== undefined) this.#index(clientId, refreshToken);
    this.#accessTokens.deleteOldestBeyond(maxTokens, (token, stored) =>
      this.#afterAccessForgotten(token, stored),
    );
    this.#refreshTokens.deleteOldestBeyond(maxTokens, (token, stored) =>
      this.#afterRefreshForgotten(token, stored),
    );
    const response: OAuthToken = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: lifetimes.accessTokenSeconds,
    };
    if (grant.scopes.length > 0) response.scope = grant.scopes.join(' ');
    if (refreshToken !== undefined) response.refresh_token = refreshToken;
    return response;
  }

  /** A copy of the access token while it is live at `now` (seconds since the epoch); an expired one is forgotten. */
  accessToken(token: string, now: number): AccessToken | undefined {
    const stored = this.#accessTokens.get(token);
    if (stored === undefined) return undefined;
    if (expiredFor(stored.expiresAt, now, 0)) {
      this.#forgetAccess(token);
      return undefined;
    }
    return {
      token: stored.token,
      clientId: stored.clientId,
      scopes: [...stored.scopes],
      expiresAt: stored.expiresAt,
      resource: stored.resource,
      subject: stored.subject,
      ...(stored.cnf === undefined ? {} : { cnf: { jkt: stored.cnf.jkt } }),
    };
  }

  /** A copy of the refresh token, expired or not (the token endpoint checks the expiry). */
  refreshToken(token: string): RefreshToken | undefined {
    const stored = this.#refreshTokens.get(token);
    if (stored === undefined) return undefined;
    return {
      token: stored.token,
      clientId: stored.clientId,
      scopes: [...stored.scopes],
      expiresAt: stored.expiresAt,
      ...(stored.cnf === undefined ? {} : { cnf: { jkt: stored.cnf.jkt } }),
    };
  }

  /** Binds a live access or refresh token to the DPoP key `jkt` (RFC 9449 §6). Returns whether it knew the token. */
  bindToKey(token: string, jkt: string): boolean {
    const stored = this.#accessTokens.get(token) ?? this.#refreshTokens.get(token);
    if (stored === undefined) return false;
    stored.cnf = { jkt };
    return true;
  }

  /** The RFC 8707 resource a refresh token's grant is bound to. */
  resourceOfRefreshToken(token: string): string | undefined {
    return this.#refreshTokens.get(token)?.resource;
  }

  /**
   * Rotation: takes the refresh token out and returns the grant it belonged to. Its access token stays valid until
   * it expires, but is no longer paired.
   */
  rotateOut(token: string): Pick<Grant, 'resource' | 'grantId'> | undefined {
    const stored = this.#refreshTokens.get(token);
    if (stored === undefined) return undefined;
    this.#forgetRefresh(token);
    return { resource: stored.resource, grantId: stored.grantId };
  }

  /** Revokes the token and the other token of its pair. */
  revokePair(token: string): void {
    const access = this.#accessTokens.get(token);
    const refresh = this.#refreshTokens.get(token);
    if (access !== undefined) {
      this.#forgetAccess(access.token);
      if (access.pairedRefreshToken !== undefined) this.#forgetRefresh(access.pairedRefreshToken);
    }
    if (refresh !== undefined) {
      this.#forgetRefresh(refresh.token);
      this.#forgetAccess(refresh.pairedAccessToken);
    }
  }

  /** Revokes every token of the grant. Returns whether there was any. */
  revokeGrant(grantId: string | undefined): boolean {
    if (grantId === undefined) return false;
    let revoked = false;
    for (const [token, stored] of [...this.#accessTokens.entries()]) {
      if (stored.grantId === grantId) revoked = this.#forgetAccess(token) || revoked;
    }
    for (const [token, stored] of [...this.#refreshTokens.entries()]) {
      if (stored.grantId === grantId) revoked = this.#forgetRefresh(token) || revoked;
    }
    return revoked;
  }

  /** Revokes every token issued to the client (it is being forgotten). Returns how many. */
  revokeClient(clientId: string): number {
    const tokens = [...(this.#byClient.get(clientId) ?? [])];
    return tokens.filter((token) => this.#forgetAccess(token) || this.#forgetRefresh(token)).length;
  }

  /**
   * Forgets expired tokens as of `now` (seconds since the epoch), from the oldest end of each kind: access tokens once
   * expired (they answer the same as unknown ones), refresh tokens once expired for longer than the retention (until
   * then they answer "refresh token has expired"). Tokens are issued with the lifetime in force, so they expire in
   * about the order they were issued; one issued under a longer lifetime holds the newer ones behind it until it goes
   * too (the cap bounds that).
   */
  sweep(now: number): void {
    this.#accessTokens.deleteOldestWhile(
      (stored) => expiredFor(stored.expiresAt, now, 0),
      (token, stored) => this.#afterAccessForgotten(token, stored),
    );
    this.#refreshTokens.deleteOldestWhile(
      (stored) => expiredFor(stored.expiresAt, now, EXPIRED_RETENTION_SECONDS),
      (token, stored) => this.#afterRefreshForgotten(token, stored),
    );
  }

  /** How many access and refresh tokens are kept. */
  counts(): { readonly accessTokens: number; readonly refreshTokens: number } {
    return { accessTokens: this.#accessTokens.size, refreshTokens: this.#refreshTokens.size };
  }

  /** Sets the expiry of every token of that kind. Returns how many it touched. */
  expireAll(kind: TokenKind, expiresAt: number): number {
    let touched = 0;
    for (const tokens of this.#ofKind(kind)) {
      for (const [, token] of tokens.entries()) {
        token.expiresAt = expiresAt;
        touched++;
      }
    }
    return touched;
  }

  /** Revokes every token of that kind. Returns how many it removed. */
  revokeAll(kind: TokenKind): number {
    const removed = this.#ofKind(kind).reduce((sum, tokens) => sum + tokens.size, 0);
    if (kind !== 'refresh') {
      for (const [token] of [...this.#accessTokens.entries()]) this.#forgetAccess(token);
    }
    if (kind !== 'access') {
      for (const [token] of [...this.#refreshTokens.entries()]) this.#forgetRefresh(token);
    }
    return removed;
  }

  clear(): void {
    this.#accessTokens.clear();
    this.#refreshTokens.clear();
    this.#byClient.clear();
  }

  #forgetAccess(token: string): boolean {
    const stored = this.#accessTokens.get(token);
    if (stored === undefined) return false;
    this.#accessTokens.delete(token);
    this.#afterAccessForgotten(token, stored);
    return true;
  }

  #forgetRefresh(token: string): boolean {
    const stored = this.#refreshTokens.get(token);
    if (stored === undefined) return false;
    this.#refreshTokens.delete(token);
    this.#afterRefreshForgotten(token, stored);
    return true;
  }

  // The refresh token of a forgotten access token keeps a stale `pairedAccessToken`: revoking it then deletes nothing.
  #afterAccessForgotten(token: string, stored: StoredAccessToken): void {
    this.#unindex(stored.clientId, token);
  }

  #afterRefreshForgotten(token: string, stored: StoredRefreshToken): void {
    this.#unindex(stored.clientId, token);
    const access = this.#accessTokens.get(stored.pairedAccessToken);
    if (access?.pairedRefreshToken === token) access.pairedRefreshToken = undefined;
  }

  #index(clientId: string, token: string): void {
    const tokens = this.#byClient.get(clientId);
    if (tokens === undefined) this.#byClient.set(clientId, new Set([token]));
    else tokens.add(token);
  }

  #unindex(clientId: string, token: string): void {
    const tokens = this.#byClient.get(clientId);
    if (tokens === undefined) return;
    tokens.delete(token);
    if (tokens.size === 0) this.#byClient.delete(clientId);
  }

  #ofKind(kind: TokenKind): Array<AgeOrderedMap<string, StoredToken>> {
    const maps: Array<AgeOrderedMap<string, StoredToken>> = [];
    if (kind !== 'refresh') maps.push(this.#accessTokens);
    if (kind !== 'access') maps.push(this.#refreshTokens);
    return maps;
  }
}
