/**
 * Token sets as stored: absolute expiry, optional refresh token, granted scope. Pure.
 */
import type { TokenEndpointResponse } from 'oauth4webapi';
import { splitScope } from '../flow/scope.js';

/** A token endpoint result, normalised for storage. */
export interface TokenSet {
  /** A bearer token (other token types are refused when they are issued). */
  accessToken: string;
  refreshToken?: string;
  /** Absolute expiry in milliseconds since the epoch, when the server said `expires_in`. */
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
  if (typeof response.expires_in === 'number' && Number.isFinite(response.expires_in)) {
    tokens.expiresAt = now + response.expires_in * 1000;
    tokens.issuedAt = now;
  }
  return tokens;
}

/**
 * True when the access token expires within the skew margin (tokens without an expiry never count as expiring).
 * The margin is at most half the token's lifetime, so short-lived tokens are not refreshed on every request.
 */
export function isExpiring(tokens: TokenSet, now: number, skewMs: number): boolean {
  if (tokens.expiresAt === undefined) return false;
  const lifetime = tokens.issuedAt === undefined ? undefined : tokens.expiresAt - tokens.issuedAt;
  const margin = lifetime === undefined ? skewMs : Math.min(skewMs, lifetime / 2);
  return tokens.expiresAt - margin <= now;
}
