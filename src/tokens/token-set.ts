/**
 * Token sets as stored: absolute expiry, optional refresh token, granted scope. Pure.
 */
import type { TokenEndpointResponse } from 'oauth4webapi';
import { splitScope } from '../flow/scope.js';
import { tokenLifetimeSeconds } from './token-lifetime.js';

/** A token endpoint result, normalised for storage. */
export interface TokenSet {
  /** The access token: a bearer token, unless `tokenType` says it is DPoP-bound. */
  accessToken: string;
  /** `DPoP` when the access token is bound to the key `dpopJkt` names (RFC 9449); absent for bearer tokens. */
  tokenType?: 'DPoP';
  /**
   * The RFC 7638 thumbprint of the DPoP key the tokens were requested with: every proof for this grant (resource
   * requests for a DPoP token, refreshes of a bound refresh token) is signed with that key.
   */
  dpopJkt?: string;
  refreshToken?: string;
  /**
   * Absolute expiry in milliseconds since the epoch, when the server stated a usable `expires_in` (see
   * `token-lifetime.ts`: at most one year ahead; zero, negative and non-numeric lifetimes count as none).
   */
  expiresAt?: number;
  /** When the token was received (milliseconds since the epoch). */
  issuedAt?: number;
  /** Granted scopes (the response's `scope`, else what was requested). */
  scopes: string[];
}

/** Builds a token set from a token response; keeps `previousRefreshToken` when the server did not rotate. */
export function tokenSetFromResponse(
  response: TokenEndpointResponse,
  now: number,
  requestedScopes: readonly string[],
  previousRefreshToken?: string,
): TokenSet {
  const tokens: TokenSet = {
    accessToken: response.access_token,
    scopes: typeof response.scope === 'string' ? splitScope(response.scope) : [...requestedScopes],
  };
  const refreshToken = response.refresh_token ?? previousRefreshToken;
  if (refreshToken) tokens.refreshToken = refreshToken;
  const lifetime = tokenLifetimeSeconds(response.expires_in);
  if (lifetime !== undefined) {
    tokens.expiresAt = now + Math.round(lifetime * 1000);
    tokens.issuedAt = now;
  }
  return tokens;
}

/**
 * The token set with unusable times dropped: an `expiresAt` that is not a finite number (a `null` that an infinite
 * expiry became in JSON, a string, a value edited in storage) means "lifetime unknown", like a response without
 * `expires_in`, rather than a grant to throw away; an `issuedAt` is kept only when it is a finite number no later
 * than the expiry.
 */
export function withUsableTimes<T extends { expiresAt?: unknown; issuedAt?: unknown }>(
  tokens: T,
): Omit<T, 'expiresAt' | 'issuedAt'> & { expiresAt?: number; issuedAt?: number } {
  const { expiresAt, issuedAt, ...rest } = tokens;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return rest;
  const usableIssuedAt =
    typeof issuedAt === 'number' && Number.isFinite(issuedAt) && issuedAt <= expiresAt ? issuedAt : undefined;
  return usableIssuedAt === undefined
    ? { ...rest, expiresAt }
    : { ...rest, expiresAt, issuedAt: usableIssuedAt };
}

/**
 * When the access token starts to count as expiring: the skew margin before its expiry, at most half its lifetime
 * so short-lived tokens are not refreshed on every request. Undefined for tokens without an expiry. Pure.
 */
export function expiringFrom(tokens: TokenSet, skewMs: number): number | undefined {
  if (tokens.expiresAt === undefined) return undefined;
  const lifetime = tokens.issuedAt === undefined ? undefined : tokens.expiresAt - tokens.issuedAt;
  const margin = lifetime === undefined ? skewMs : Math.min(skewMs, lifetime / 2);
  return tokens.expiresAt - margin;
}

/** True when the access token expires within the skew margin (tokens without an expiry never count as expiring). */
export function isExpiring(tokens: TokenSet, now: number, skewMs: number): boolean {
  const from = expiringFrom(tokens, skewMs);
  return from !== undefined && from <= now;
}

/** True when the access token's stated lifetime is over (tokens without an expiry never are). */
export function isExpired(tokens: TokenSet, now: number): boolean {
  return tokens.expiresAt !== undefined && tokens.expiresAt <= now;
}
