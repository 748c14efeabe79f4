/**
 * The JWT bearer grant step (RFC 7523 §2.1): one token request presenting an assertion — a workload's JWT, or an
 * identity assertion (ID-JAG) from the enterprise's identity provider — reported as the `token` step. A refusal is
 * thrown as it is: the assertion is the application's (or the IdP's) to replace, so nothing is retried here and no
 * other grant is tried.
 */
import type { FlowEventEmitter } from '../events.js';
import { authMethodOf } from '../flow/token-endpoint-auth.js';
import type { HttpContext } from '../http.js';
import type { MachineTokenRequest } from '../identity/machine-client.js';
import { jwtBearerTokens } from './token-requests.js';
import type { TokenSet } from './token-set.js';
import { accessTokenReceived, accessTokenRequested } from './token-events.js';

/** Redeems `assertion` at `request.as`; emits `token` `started` and `succeeded`. */
export async function jwtBearerGrant(
  ctx: HttpContext,
  events: FlowEventEmitter,
  request: MachineTokenRequest & {
    assertion: string;
    /** What the assertion is, for the events: `workload identity`, `identity assertion`. */
    assertionKind: string;
  },
): Promise<TokenSet> {
  const { as, identity } = request;
  const method = authMethodOf(identity, as.token_endpoint_auth_methods_supported);
  events.emit(
    accessTokenRequested({
      as,
      renewal: request.renewal,
      grant: 'jwt-bearer',
      method,
      with: `with the ${request.assertionKind} (jwt-bearer)`,
    }),
  );
  const tokens = await jwtBearerTokens(ctx, {
    as,
    identity,
    assertion: request.assertion,
    scopes: request.scopes,
    resource: request.resource,
  });
  events.emit(accessTokenReceived(tokens));
  return tokens;
}
