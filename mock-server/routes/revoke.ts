/** `/revoke` (RFC 7009) as FastMCP: client authentication, then always 200 with an empty body. */
import { readForm } from '../http/body.js';
import { jsonResponse, NO_STORE_NO_CACHE, oauthError } from '../http/responses.js';
import type { AccessToken, RefreshToken } from '../provider/types.js';
import { clientAuthMethodOf } from '../settings.js';
import { authenticateClient } from './client-auth.js';
import type { RouteContext } from './router.js';
import { FormChecker, stringifyErrors } from './validation.js';

export async function revokeHandler(request: Request, context: RouteContext): Promise<Response> {
  const form = await readForm(request, context.settings.maxBodyBytes);
  const auth = await authenticateClient(request, form, context);
  if (!auth.ok) return jsonResponse(oauthError('unauthorized_client', auth.message), 401);
  const client = auth.client;

  const check = new FormChecker(form);
  const token = check.required('token');
  const hint = check.optionalLiteral('token_type_hint', ['access_token', 'refresh_token']);
  check.required('client_id');
  // FastMCP's model declares `client_secret: str | None` without a default: the key must be present (may be empty).
  // Once `none` is advertised, a public client revokes as RFC 7009 says: without any client_secret; a
  // `private_key_jwt` client (which has none) presents its assertion instead.
  if (
    context.settings.beyondFastMcp.advertisePublicClients ||
    clientAuthMethodOf(client) === 'private_key_jwt'
  )
    check.optional('client_secret');
  else check.required('client_secret');
  if (check.errors.length > 0)
    return jsonResponse(oauthError('invalid_request', stringifyErrors(check.errors)), 400);

  const { provider } = context;
  const loaders: Array<(value: string) => Promise<AccessToken | RefreshToken | undefined>> = [
    (value) => provider.loadAccessToken(value),
    (value) => provider.loadRefreshToken(client, value),
  ];
  if (hint === 'refresh_token') loaders.reverse();
  let found: AccessToken | RefreshToken | undefined;
  for (const load of loaders) {
    found = await load(token);
    if (found !== undefined) break;
  }
  // Only the owner may revoke; anything else is answered exactly like an unknown token.
  if (found !== undefined && found.clientId === client.client_id) await provider.revokeToken(found);
  return new Response(null, { status: 200, headers: NO_STORE_NO_CACHE });
}
