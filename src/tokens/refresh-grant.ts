/**
 * The refresh step: redeems a grant's refresh token and reports it. Coordination (one refresh at a time, rotation
 * safety) is the caller's, through `RefreshCoordinator`.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import type { FlowEventEmitter } from '../events.js';
import { postRequest } from '../events.js';
import type { HttpContext } from '../http.js';
import type { ClientIdentity } from '../identity/client-identity.js';
import type { StoredGrant } from '../storage/auth-state.js';
import { refreshTokens } from './token-requests.js';
import type { TokenSet } from './token-set.js';

/** Refreshes the tokens of `grant` at `as` as `identity`; emits `started` and `succeeded`. */
export async function refreshGrant(
  ctx: HttpContext,
  events: FlowEventEmitter,
  input: { as: AuthorizationServer; identity: ClientIdentity; grant: StoredGrant },
): Promise<TokenSet> {
  const { as, identity, grant } = input;
  events.emit({
    step: 'refresh',
    status: 'started',
    message: 'refreshing the access token',
    ...postRequest(as.token_endpoint),
  });
  const tokens = await refreshTokens(ctx, { as, identity, tokens: grant.tokens, resource: grant.resource });
  events.emit({
    step: 'refresh',
    status: 'succeeded',
    message: 'access token refreshed',
    detail: {
      refresh_token_rotated: tokens.refreshToken !== grant.tokens.refreshToken,
      ...(tokens.expiresAt !== undefined ? { expires_at: tokens.expiresAt } : {}),
    },
  });
  return tokens;
}
