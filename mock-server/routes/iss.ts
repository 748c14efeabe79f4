/** RFC 9207 `iss` in authorization responses: whether it is advertised and which value (if any) is sent. */
import type { ResolvedMockAuthServerSettings } from '../settings.js';

/** Sent with `quirks.iss: 'wrong'` (the `iss-wrong` preset): a well-formed issuer that is not this server. */
const WRONG_ISSUER = 'https://wrong-issuer.invalid/';

/** True when the metadata carries `authorization_response_iss_parameter_supported: true`. */
export function issParameterAdvertised(settings: ResolvedMockAuthServerSettings): boolean {
  const quirk = settings.quirks.iss;
  if (quirk === 'wrong' || quirk === 'missing') return true;
  if (quirk === 'unadvertised') return false;
  return settings.beyondFastMcp.authorizationResponseIss;
}

/** The `iss` value to add to authorization responses, or `undefined` for none. */
export function issParameterValue(settings: ResolvedMockAuthServerSettings): string | undefined {
  const quirk = settings.quirks.iss;
  if (quirk === 'wrong') return WRONG_ISSUER;
  if (quirk === 'missing') return undefined;
  if (quirk === 'unadvertised' || settings.beyondFastMcp.authorizationResponseIss) return settings.issuerUrl;
  return undefined;
}

/**
 * Adds `iss` to `location` when it is an authorization response, i.e. it goes to `redirectUri` (not to a consent
 * or login page). Other locations are returned unchanged.
 */
export function withIssParameter(
  location: string,
  redirectUri: string,
  settings: ResolvedMockAuthServerSettings,
): string {
  const iss = issParameterValue(settings);
  if (iss === undefined || !URL.canParse(location)) return location;
  const target = new URL(location);
  const expected = new URL(redirectUri);
  if (target.origin !== expected.origin || target.pathname !== expected.pathname) return location;
  // Appended in the same form-encoding the other parameters use (space as `+`).
  const separator = target.search === '' ? '?' : '&';
  const encoded = new URLSearchParams({ iss }).toString();
  const hashIndex = location.indexOf('#');
  return hashIndex < 0
    ? `${location}${separator}${encoded}`
    : `${location.slice(0, hashIndex)}${separator}${encoded}${location.slice(hashIndex)}`;
}
