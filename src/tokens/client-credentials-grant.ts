/**
 * The `client_credentials` step (RFC 6749 §4.4): one token request by a machine client, reported as the `token`
 * step. Coordination (one request at a time per grant) is the caller's.
 */
import type { FlowEventEmitter } from '../events.js';
import { authMethodOf } from '../flow/token-endpoint-auth.js';
import type { HttpContext } from '../http.js';
import type { MachineTokenRequest } from '../identity/machine-client.js';
import { clientCredentialsTokens } from './token-requests.js';
import type { TokenSet } from './token-set.js';
import { accessTokenReceived, accessTokenRequested } from './token-events.js';

/** Requests tokens for `identity` itself at `as`; emits `token` `started` and `succeeded`. */
export async function clientCredentialsGrant(
  ctx: HttpContext,
  events: FlowEventEmitter,
  input: MachineTokenRequest,
): Promise<TokenSet> {
  const { as, identity } = input;
  const method = authMethodOf(identity, as.token_endpoint_auth_methods_supported);
  events.emit(
    accessTokenRequested({
      as,
      renewal: input.renewal,
      grant: 'client_credentials',
      method,
      with: '(client_credentials)',
    }),
  );
  const tokens = await clientCredentialsTokens(ctx, {
    as,
    identity,
    scopes: input.scopes,
    resource: input.resource,
  });
  events.emit(accessTokenReceived(tokens));
  return tokens;
}
