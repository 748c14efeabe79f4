/**
 * Sign-out revocation (RFC 7009): the refresh token first (revoking it revokes the grant, so a failure on the
 * access token cannot leave the grant alive), then the access token. Both are attempted; the first failure is
 * returned for the caller to report after clearing local state.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import type { FlowEventEmitter } from '../events.js';
import { failureEvent, redactUrl } from '../events.js';
import type { HttpContext } from '../http.js';
import type { ClientIdentity } from '../identity/client-identity.js';
import { revokeToken } from './token-requests.js';

/** Revokes the tokens of a grant; resolves to the first failure, if any. */
export async function revokeGrantTokens(
  ctx: HttpContext,
  events: FlowEventEmitter,
  input: {
    as: AuthorizationServer;
    identity: ClientIdentity;
    tokens: { accessToken?: string | undefined; refreshToken?: string | undefined };
  },
): Promise<unknown> {
  const { as, identity, tokens } = input;
  if (typeof as.revocation_endpoint !== 'string') {
    events.emit({
      step: 'revocation',
      status: 'skipped',
      message: 'the authorization server has no revocation_endpoint',
    });
    return undefined;
  }
  const order: Array<['refresh_token' | 'access_token', string | undefined]> = [
    ['refresh_token', tokens.refreshToken],
    ['access_token', tokens.accessToken],
  ];
  let failure: unknown;
  let emptySecret = false;
  for (const [hint, token] of order) {
    if (!token) continue;
    const what = hint.replace('_', ' ');
    events.emit({
      step: 'revocation',
      status: 'started',
      message: `revoking the ${what}`,
      request: { method: 'POST', url: redactUrl(as.revocation_endpoint) },
    });
    try {
      ({ emptySecret } = await revokeToken(ctx, { as, identity, token, hint, emptySecret }));
      events.emit({ step: 'revocation', status: 'succeeded', message: `${what} revoked` });
    } catch (error) {
      failure ??= error;
      events.emit(failureEvent('revocation', error));
    }
  }
  return failure;
}
