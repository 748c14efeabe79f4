/**
 * The `token` step's events for the grants of machine clients (client credentials, JWT bearer), which yield
 * an access token and nothing the user must know of. Pure.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import type { FlowEvent } from '../events.js';
import { postRequest } from '../events.js';
import type { TokenSet } from './token-set.js';

/**
 * "requesting an access token" (or "a new" one, for a renewal) `with` what (e.g. "with the workload identity
 * (jwt-bearer)"), the grant and the client authentication in the detail.
 */
export function accessTokenRequested(input: {
  as: AuthorizationServer;
  renewal: boolean;
  grant: string;
  method: string;
  with: string;
}): Omit<FlowEvent, 'at'> {
  return {
    step: 'token',
    status: 'started',
    message: `${input.renewal ? 'requesting a new access token' : 'requesting an access token'} ${input.with}`,
    ...postRequest(input.as.token_endpoint),
    detail: { grant_type: input.grant, token_endpoint_auth_method: input.method },
  };
}

/** "access token received", with its type, scopes and expiry (never the token). */
export function accessTokenReceived(tokens: TokenSet): Omit<FlowEvent, 'at'> {
  return {
    step: 'token',
    status: 'succeeded',
    message: tokens.tokenType === 'DPoP' ? 'DPoP-bound access token received' : 'access token received',
    detail: {
      token_type: tokens.tokenType ?? 'Bearer',
      scopes: tokens.scopes,
      ...(tokens.expiresAt !== undefined ? { expires_at: tokens.expiresAt } : {}),
    },
  };
}
