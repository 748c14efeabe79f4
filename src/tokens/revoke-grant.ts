/**
 * Sign-out revocation (RFC 7009): the refresh token first (revoking it revokes the grant, so a failure on the
 * access token cannot leave the grant alive), then the access token. Both are attempted; the first failure is
 * returned for the caller to report after clearing local state.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { McpAuthError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import { failureEvent, redactUrl } from '../events.js';
import type { HttpContext } from '../http.js';
import type { ClientIdentity } from '../identity/client-identity.js';
import { revokeToken } from './token-requests.js';

type TokenHint = 'refresh_token' | 'access_token';

/**
 * Whether a refusal means "this kind of token cannot be revoked here" (RFC 7009 §2.2.1 `unsupported_token_type`),
 * for an access token: servers that issue self-contained (JWT) access tokens answer so, correctly. Nothing more can
 * be done about such a token; the sign-out is still complete once the refresh token (the grant) is revoked. Pure.
 */
export function isUnrevocableAccessToken(hint: TokenHint, error: unknown): boolean {
  return (
    hint === 'access_token' && error instanceof McpAuthError && error.serverError === 'unsupported_token_type'
  );
}

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
  const order: Array<[TokenHint, string | undefined]> = [
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
      if (isUnrevocableAccessToken(hint, error)) {
        events.emit({
          step: 'revocation',
          status: 'skipped',
          message:
            'the authorization server cannot revoke this access token (unsupported_token_type, RFC 7009 §2.2.1): it stays valid until it expires; it is forgotten here',
          detail: { token: 'access_token', server_error: 'unsupported_token_type' },
        });
        continue;
      }
      failure ??= error;
      events.emit(failureEvent('revocation', error));
    }
  }
  return failure;
}
