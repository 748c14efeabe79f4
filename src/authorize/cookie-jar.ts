/**
 * The little of RFC 6265 a headless sign-in needs: authorization servers keep the sign-in's state (interaction,
 * session, resume) in cookies across their redirects, as a browser would carry them. Host-only cookies keyed by
 * host name, path matching, expiry, `Secure` (loopback counts as secure, as browsers treat it); bounded in count
 * and size, since the server is not trusted to be reasonable.
 */
import { isLoopbackHost } from '../http.js';

interface Cookie {
  name: string;
  value: string;
  path: string;
  secure: boolean;
  /** Milliseconds since the epoch; absent for a session cookie. */
  expiresAt?: number;
}

/** Most cookies kept per host, and the longest `name=value` kept (RFC 6265 §6.1 minimums). */
const MAX_COOKIES_PER_HOST = 50;
const MAX_COOKIE_LENGTH = 4096;

/** A cookie jar for the requests of one headless sign-in handler. */
export class CookieJar {
  readonly #byHost = new Map<string, Cookie[]>();

  /** Keeps the cookies a response sets (and forgets those it expires). */
  store(url: URL, setCookies: readonly string[], now = Date.now()): void {
    for (const header of setCookies) {
      const cookie = parseSetCookie(header, url, now);
      if (!cookie) continue;
      const kept = (this.#byHost.get(url.hostname) ?? []).filter(
        (other) => other.name !== cookie.name || other.path !== cookie.path,
      );
      if (cookie.expiresAt === undefined || cookie.expiresAt > now) kept.push(cookie);
      this.#byHost.set(url.hostname, kept.slice(-MAX_COOKIES_PER_HOST));
    }
  }

  /** The `Cookie` header for a request to `url`, or undefined when no cookie applies. */
  header(url: URL, now = Date.now()): string | undefined {
    const secureChannel = url.protocol === 'https:' || isLoopbackHost(url.hostname);
    const matching = (this.#byHost.get(url.hostname) ?? [])
      .filter((cookie) => cookie.expiresAt === undefined || cookie.expiresAt > now)
      .filter((cookie) => !cookie.secure || secureChannel)
      .filter((cookie) => pathMatches(url.pathname, cookie.path))
      // RFC 6265 §5.4: longer paths first.
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length === 0
      ? undefined
      : matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }
}

/** Parses one `Set-Cookie` header (RFC 6265 §5.2); undefined for one that cannot be kept. Pure. */
export function parseSetCookie(header: string, url: URL, now: number): Cookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const equals = pair.indexOf('=');
  if (equals <= 0 || pair.length > MAX_COOKIE_LENGTH) return undefined;
  const name = pair.slice(0, equals).trim();
  const value = pair.slice(equals + 1).trim();
  if (name === '' || /[\s;,]/.test(name) || /[;\r\n]/.test(value)) return undefined;
  const cookie: Cookie = { name, value, path: defaultPath(url), secure: false };
  let maxAgeSeen = false;
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const attributeValue = rest.join('=').trim();
    if (key === 'path' && attributeValue.startsWith('/')) cookie.path = attributeValue;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'max-age' && /^-?\d+$/.test(attributeValue)) {
      // Max-Age wins over Expires (§5.3 step 3).
      maxAgeSeen = true;
      cookie.expiresAt = now + Number(attributeValue) * 1000;
    } else if (key === 'expires' && !maxAgeSeen) {
      const at = Date.parse(attributeValue);
      if (Number.isFinite(at)) cookie.expiresAt = at;
    }
  }
  return cookie;
}

/** RFC 6265 §5.1.4: the directory of the request path. */
function defaultPath(url: URL): string {
  const path = url.pathname;
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
