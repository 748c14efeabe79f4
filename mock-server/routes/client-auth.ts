/**
 * FastMCP's `ClientAuthenticator`: `client_id` always comes from the form; the client's registered
 * `token_endpoint_auth_method` decides where the secret is read. Every failure is a 401 `unauthorized_client`.
 * Beyond FastMCP (`clientCredentialsGrant`), a `private_key_jwt` client presents a signed assertion instead.
 */
import { formString, type Form } from '../http/body.js';
import { decodeBase64Utf8, timingSafeEqual } from '../http/crypto.js';
import { pythonUnquote } from '../http/url.js';
import { nowSeconds } from '../provider/clock.js';
import { clientAuthMethodOf, type ClientInformation } from '../settings.js';
import { findClient, withRefusal } from '../cimd/lookup.js';
import { checkClientAssertion } from './client-assertion.js';
import type { RouteContext } from './router.js';

export type ClientAuthResult = { ok: true; client: ClientInformation } | { ok: false; message: string };

export async function authenticateClient(
  request: Request,
  form: Form,
  context: RouteContext,
): Promise<ClientAuthResult> {
  const clientId = formString(form, 'client_id');
  if (!clientId) return { ok: false, message: 'Missing client_id' };
  const { client, refusal } = await findClient(context, clientId);
  if (client === undefined) return { ok: false, message: withRefusal('Invalid client_id', refusal) };

  let presentedSecret: string | undefined;
  // A client from a custom provider may leave the method out: a secret then means client_secret_post.
  const method = clientAuthMethodOf(client);
  if (method === 'client_secret_basic') {
    const header = request.headers.get('authorization') ?? '';
    if (!header.startsWith('Basic ')) {
      return { ok: false, message: 'Missing or invalid Basic authentication in Authorization header' };
    }
    const decoded = decodeBase64Utf8(header.slice('Basic '.length));
    const colon = decoded?.indexOf(':') ?? -1;
    if (decoded === undefined || colon < 0)
      return { ok: false, message: 'Invalid Basic authentication header' };
    if (pythonUnquote(decoded.slice(0, colon)) !== clientId) {
      return { ok: false, message: 'Client ID mismatch in Basic auth' };
    }
    presentedSecret = pythonUnquote(decoded.slice(colon + 1));
  } else if (method === 'client_secret_post') {
    presentedSecret = formString(form, 'client_secret');
  } else if (method === 'private_key_jwt' && context.settings.beyondFastMcp.clientCredentialsGrant) {
    const checked = await checkClientAssertion(
      formString(form, 'client_assertion'),
      formString(form, 'client_assertion_type'),
      client,
      context,
    );
    return checked.ok ? { ok: true, client } : checked;
  } else if (method !== 'none') {
    return { ok: false, message: `Unsupported auth method: ${method}` };
  }

  if (client.client_secret) {
    if (!presentedSecret) return { ok: false, message: 'Client secret is required' };
    if (!timingSafeEqual(client.client_secret, presentedSecret))
      return { ok: false, message: 'Invalid client_secret' };
    const expiresAt = client.client_secret_expires_at;
    if (expiresAt && expiresAt < Math.floor(nowSeconds(context.clock))) {
      return { ok: false, message: 'Client secret has expired' };
    }
  }
  return { ok: true, client };
}
