/**
 * An injected error sent the way `/authorize` sends its own: a 302 to the client's registered redirect URI with
 * `error`, `error_description`, `state` (and `iss` when the settings add it), so a client's callback handling can be
 * tested (e.g. `temporarily_unavailable`).
 */
import { redirectResponse } from '../http/responses.js';
import { constructRedirectUri, parseUrl } from '../http/url.js';
import type { OAuthAuthorizationServerProvider } from '../provider/types.js';
import { withIssParameter } from '../routes/iss.js';
import { resolveRedirectUri } from '../routes/redirect-uri.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import type { InjectedError } from './faults.js';

/**
 * The error redirect for an authorization request with these parameters, or `undefined` when the request names no
 * known client or no redirect URI registered for it (the caller then answers with JSON, as `/authorize` would).
 */
export async function injectedErrorRedirect(
  params: Readonly<Record<string, string>>,
  error: Readonly<InjectedError>,
  provider: OAuthAuthorizationServerProvider,
  settings: ResolvedMockAuthServerSettings,
): Promise<Response | undefined> {
  const clientId = params['client_id'];
  if (clientId === undefined || clientId === '') return undefined;
  const client = await provider.getClient(clientId).catch(() => undefined);
  if (client === undefined) return undefined;
  const requested = params['redirect_uri'];
  const normalised = requested === undefined ? undefined : parseUrl(requested)?.href;
  if (requested !== undefined && normalised === undefined) return undefined;
  const redirectUri = resolveRedirectUri(
    client,
    normalised,
    settings.beyondFastMcp.restrictRedirectUriSchemes,
  );
  if (!redirectUri.ok) return undefined;
  const location = constructRedirectUri(redirectUri.value, {
    error: error.error ?? 'server_error',
    error_description: error.errorDescription,
    state: params['state'],
  });
  return redirectResponse(withIssParameter(location, redirectUri.value, settings), {
    'Cache-Control': 'no-store',
  });
}
