/**
 * The JWT bearer grant at `/token` (RFC 7523 §2.1; beyond FastMCP: `jwtBearerGrant`): a workload's JWT, or an
 * identity assertion from the enterprise identity provider, exchanged for an access token for its subject. The
 * assertion is checked in assertions/grant-assertion.ts; the scopes are the requested ones within the client's
 * registered `scope` (all of those when none are requested), as for `client_credentials`.
 */
import { checkGrantAssertion } from '../assertions/grant-assertion.js';
import { isClientCredentialsCapable, type OAuthToken } from '../provider/types.js';
import type { ClientInformation } from '../settings.js';
import { isOwnResource } from './audience.js';
import { checkScopes } from './redirect-uri.js';
import type { RouteContext } from './router.js';

/** The grant type RFC 7523 §2.1 defines. */
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A JWT bearer token request, its form fields validated. */
export interface JwtBearerRequest {
  grantType: typeof JWT_BEARER;
  assertion: string;
  scope: string | undefined;
  resource: string | undefined;
}

/** An OAuth error for `/token` to answer with. */
export interface GrantRefusal {
  error: string;
  description: string;
}

/** The tokens the assertion of `request` earns `client`, or why not. */
export async function redeemGrantAssertion(
  client: ClientInformation,
  request: JwtBearerRequest,
  context: RouteContext,
): Promise<OAuthToken | GrantRefusal> {
  const { provider, settings } = context;
  if (!isClientCredentialsCapable(provider)) {
    return { error: 'unsupported_grant_type', description: 'this provider issues no tokens for assertions' };
  }
  const checked = await checkGrantAssertion(request.assertion, client, context);
  if (!checked.ok) return { error: 'invalid_grant', description: checked.message };
  const scopes = checkScopes(client, request.scope);
  if (!scopes.ok) return { error: 'invalid_scope', description: scopes.message };
  if (
    settings.beyondFastMcp.audienceBinding &&
    request.resource !== undefined &&
    !isOwnResource(request.resource, settings)
  ) {
    return { error: 'invalid_target', description: `Resource '${request.resource}' is not served here` };
  }
  const granted = scopes.value ?? (client.scope ?? '').split(' ').filter((scope) => scope !== '');
  return provider.exchangeClientCredentials(client, granted, request.resource, checked.subject);
}

/** Whether a redemption ended in a refusal. */
export function isGrantRefusal(value: OAuthToken | GrantRefusal): value is GrantRefusal {
  return 'error' in value;
}
