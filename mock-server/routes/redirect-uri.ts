/** FastMCP's `validate_redirect_uri` and `validate_scope` for a client. */
import { parseUrl } from '../http/url.js';
import type { ClientInformation } from '../settings.js';
import { redirectSchemeProblem } from './redirect-uri-scheme.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * The redirect URI a request resolves to. An explicit one must equal a registered one after normalisation (no
 * loopback port relaxation); an omitted one is fine only when exactly one is registered. With `restrictSchemes`
 * (`beyondFastMcp.restrictRedirectUriSchemes`) the result must also have an allowed scheme: a client registered
 * outside `/register` (settings, a metadata document) may list any.
 */
export function resolveRedirectUri(
  client: ClientInformation,
  requested: string | undefined,
  restrictSchemes = false,
): Checked<string> {
  const resolved = matchRegisteredRedirectUri(client, requested);
  if (!resolved.ok || !restrictSchemes) return resolved;
  const problem = redirectSchemeProblem(resolved.value);
  return problem === undefined ? resolved : { ok: false, message: `Redirect URI ${problem}` };
}

function matchRegisteredRedirectUri(
  client: ClientInformation,
  requested: string | undefined,
): Checked<string> {
  const registered = (client.redirect_uris ?? []).map((uri) => parseUrl(uri)?.href ?? uri);
  if (requested !== undefined) {
    return registered.includes(requested)
      ? { ok: true, value: requested }
      : { ok: false, message: `Redirect URI '${requested}' not registered for client` };
  }
  const only = registered.length === 1 ? registered[0] : undefined;
  return only !== undefined
    ? { ok: true, value: only }
    : { ok: false, message: 'redirect_uri must be specified when client has multiple registered URIs' };
}

/** Requested scopes, split on single spaces; each must be among the client's registered ones. */
export function checkScopes(
  client: ClientInformation,
  requested: string | undefined,
): Checked<string[] | undefined> {
  if (requested === undefined) return { ok: true, value: undefined };
  const scopes = requested.split(' ');
  const allowed = client.scope === undefined ? [] : client.scope.split(' ');
  const missing = scopes.find((scope) => !allowed.includes(scope));
  return missing === undefined
    ? { ok: true, value: scopes }
    : { ok: false, message: `Client was not registered with scope ${missing}` };
}
