/**
 * The in-memory provider's tokens: issued in pairs (an access token and its refresh token), every pair tagged with
 * the grant it came from, so a pair, a grant or every token of a kind can be revoked or expired at once.
 */
import { randomToken } from '../http/crypto.js';
import type { ResolvedTokenLifetimes } from '../settings.js';
import type { TokenKind } from './administration.js';
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

export class TokenStore {
  readonly #accessTokens = new Map<string, StoredAccessToken>();
  readonly #refreshTokens = new Map<string, StoredRefreshToken>();

  /** Issues a pair at `now` (whole seconds since the epoch) and returns the token endpoint's answer. */
  issue(
    grant: Grant,
    lifetimes: Pick<ResolvedTokenLifetimes, 'accessTokenSeconds' | 'refreshTokenSeconds'>,
    now: number,
  ): OAuthToken {
    const accessToken = randomToken();
    const refreshToken = randomToken();
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
    this.#refreshTokens.set(refreshToken, {
      token: refreshToken,
      clientId,
      scopes: [...grant.scopes],
      expiresAt: lifetimes.refreshTokenSeconds === null ? undefined : now + lifetimes.refreshTokenSeconds,
      pairedAccessToken: accessToken,
      resource,
      grantId,
    });
    const response: OAuthToken = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: lifetimes.accessTokenSeconds,
    };
    if (grant.scopes.length > 0) response.scope = grant.scopes.join(' ');
    response.refresh_token = refreshToken;
    return response;
  }

  /** A copy of the access token while it is live at `now` (seconds since the epoch); an expired one is forgotten. */
  accessToken(token: string, now: number): AccessToken | undefined {
    const stored = this.#accessTokens.get(token);
    if (stored === undefined) return undefined;
    if (stored.expiresAt !== undefined && stored.expiresAt < now) {
      this.#accessTokens.delete(token);
      return undefined;
    }
    return {
      token: stored.token,
      clientId: stored.clientId,
      scopes: [...stored.scopes],
      expiresAt: stored.expiresAt,
      resource: stored.resource,
      subject: stored.subject,
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
    };
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
    this.#refreshTokens.delete(token);
    const oldAccess = this.#accessTokens.get(stored.pairedAccessToken);
    if (oldAccess !== undefined) oldAccess.pairedRefreshToken = undefined;
    return { resource: stored.resource, grantId: stored.grantId };
  }

  /** Revokes the token and the other token of its pair. */
  revokePair(token: string): void {
    const access = this.#accessTokens.get(token);
    const refresh = this.#refreshTokens.get(token);
    if (access !== undefined) {
      this.#accessTokens.delete(access.token);
      if (access.pairedRefreshToken !== undefined) this.#refreshTokens.delete(access.pairedRefreshToken);
    }
    if (refresh !== undefined) {
      this.#refreshTokens.delete(refresh.token);
      this.#accessTokens.delete(refresh.pairedAccessToken);
    }
  }

  /** Revokes every token of the grant. Returns whether there was any. */
  revokeGrant(grantId: string | undefined): boolean {
    if (grantId === undefined) return false;
    let revoked = false;
    for (const tokens of this.#ofKind('all')) {
      for (const [token, stored] of tokens) {
        if (stored.grantId === grantId) revoked = tokens.delete(token) || revoked;
      }
    }
    return revoked;
  }

  /** Sets the expiry of every token of that kind. Returns how many it touched. */
  expireAll(kind: TokenKind, expiresAt: number): number {
    let touched = 0;
    for (const tokens of this.#ofKind(kind)) {
      for (const token of tokens.values()) {
        token.expiresAt = expiresAt;
        touched++;
      }
    }
    return touched;
  }

  /** Revokes every token of that kind. Returns how many it removed. */
  revokeAll(kind: TokenKind): number {
    let removed = 0;
    for (const tokens of this.#ofKind(kind)) {
      removed += tokens.size;
      tokens.clear();
    }
    if (kind !== 'access')
      for (const access of this.#accessTokens.values()) access.pairedRefreshToken = undefined;
    return removed;
  }

  clear(): void {
    this.revokeAll('all');
  }

  #ofKind(kind: TokenKind): Array<Map<string, StoredAccessToken | StoredRefreshToken>> {
    const maps: Array<Map<string, StoredAccessToken | StoredRefreshToken>> = [];
    if (kind !== 'refresh') maps.push(this.#accessTokens);
    if (kind !== 'access') maps.push(this.#refreshTokens);
    return maps;
  }
}
