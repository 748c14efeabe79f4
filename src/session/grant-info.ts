/**
 * What an application may know about the grant without sending a request: who issued it, for which scopes, until
 * when — never the tokens themselves. Pure.
 */
import type { StoredGrant } from '../storage/auth-state.js';
import { isExpired } from '../tokens/token-set.js';

/** The grant of the MCP server as stored, without its tokens. */
export interface GrantInfo {
  /** The authorization server that issued the tokens. */
  readonly issuer: string;
  /** The client id the tokens were issued to. */
  readonly clientId: string;
  /** The resource (RFC 8707) the tokens are for: the MCP server. */
  readonly resource: string;
  /** The scopes granted (the token response's `scope`, else what was requested). */
  readonly scopes: readonly string[];
  /** When the access token expires, in milliseconds since the epoch; undefined when the server did not say. */
  readonly expiresAt: number | undefined;
  /** Whether the access token's stated lifetime is over (at the time this object was made). */
  readonly expired: boolean;
  /**
   * Whether an expired access token is replaced without the user: a refresh token is held, or the client is a machine
   * client (`clientCredentials`), which asks again.
   */
  readonly refreshable: boolean;
  /** `DPoP` when the access token is bound to this client's key (RFC 9449): only requests with a proof can use it. */
  readonly tokenType: 'Bearer' | 'DPoP';
}

/** The public view of a stored grant at `now`; `renewable` tells whether the client renews it without a refresh token. */
export function grantInfo(grant: StoredGrant, now: number, renewable = false): GrantInfo {
  return Object.freeze({
    issuer: grant.issuer,
    clientId: grant.clientId,
    resource: grant.resource,
    scopes: Object.freeze(grant.tokens.scopes.filter((scope) => typeof scope === 'string')),
    expiresAt: grant.tokens.expiresAt,
    expired: isExpired(grant.tokens, now),
    refreshable: renewable || grant.tokens.refreshToken !== undefined,
    tokenType: grant.tokens.tokenType ?? 'Bearer',
  });
}

/** Whether a grant can authorize a request without the user: its access token is alive or can be refreshed. */
export function isUsable(grant: GrantInfo | undefined): boolean {
  return grant !== undefined && (!grant.expired || grant.refreshable);
}
