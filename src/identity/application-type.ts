/**
 * Redirect URI rules and the `application_type` they imply. Pure.
 */
import { isLoopbackHost } from '../http.js';

/** OIDC Dynamic Registration `application_type`. */
export type ApplicationType = 'web' | 'native';

/** `native` for loopback redirects (CLIs, tests, desktop), `web` for https redirects (browser apps). */
export function applicationTypeFor(redirectUri: URL): ApplicationType {
  return redirectUri.protocol === 'http:' && isLoopbackHost(redirectUri.hostname) ? 'native' : 'web';
}

/** Redirect URIs must be https, or http on a loopback host (OAuth 2.1 §2.3.1, MCP authorization). */
export function isAcceptableRedirectUri(redirectUri: URL): boolean {
  if (redirectUri.hash !== '') return false;
  if (redirectUri.protocol === 'https:') return true;
  return redirectUri.protocol === 'http:' && isLoopbackHost(redirectUri.hostname);
}
