/**
 * Which redirect URI schemes `beyondFastMcp.restrictRedirectUriSchemes` lets through: the web's (`https`, `http`)
 * and RFC 8252 §7.1 private-use schemes, which must be reverse domain names (so they contain a dot, as
 * `com.example.app`). Everything else is a scheme the browser acts on itself (`javascript:`, `data:`, `file:`,
 * `vbscript:`, `blob:`, `about:`, …) or one no authorization response belongs to (`mailto:`, `tel:`, `ws:`, …):
 * an allow-list, because a deny-list misses the scheme nobody thought of.
 */
import { parseUrl } from '../http/url.js';

const WEB_SCHEMES = new Set(['https', 'http']);

/** What to use instead, appended to every refusal. */
const ALLOWED = 'use https, http or a private-use scheme named after a reverse domain, e.g. com.example.app';

/**
 * Why `uri` may not be a redirect URI, or `undefined` when its scheme is allowed (or when it is no absolute URL at
 * all: that is the URL checks' to report). Names the scheme only, never the URI, which may be long or hostile.
 */
export function redirectSchemeProblem(uri: string): string | undefined {
  const url = parseUrl(uri);
  if (url === undefined) return undefined;
  // The WHATWG parser has already lower-cased the scheme and dropped tabs and newlines inside it ("java\tscript:").
  const scheme = url.protocol.slice(0, -1);
  if (WEB_SCHEMES.has(scheme) || isReverseDomainScheme(scheme)) return undefined;
  return `scheme '${scheme}' is not allowed; ${ALLOWED} (RFC 8252 §7.1)`;
}

/** A scheme of two or more dot-separated labels, each starting with a letter or digit (`com.example.app`). */
function isReverseDomainScheme(scheme: string): boolean {
  const labels = scheme.split('.');
  return labels.length >= 2 && labels.every((label) => /^[a-z0-9][a-z0-9+-]*$/.test(label));
}
