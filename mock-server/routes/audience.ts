/** RFC 8707 audience binding: which `resource` values name this server's protected resource. */
import { parseUrl } from '../http/url.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';

/**
 * True when `resource` is this server's resource URL. Compared after URL normalisation (case of scheme and host,
 * default port); RFC 8707 forbids a fragment, so one never matches.
 */
export function isOwnResource(resource: string, settings: ResolvedMockAuthServerSettings): boolean {
  const url = parseUrl(resource);
  return url !== undefined && url.hash === '' && url.href === settings.resourceServerUrl;
}
