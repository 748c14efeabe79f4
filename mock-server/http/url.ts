/** URL helpers that reproduce how FastMCP (pydantic `AnyUrl`, Python `urllib`) reads and writes URLs. */

/** Parses an absolute URL, or returns `undefined`. Never throws. */
export function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file']);

/**
 * Why `value` is not a valid absolute URL, in pydantic's words (`Input should be a valid URL, <reason>`), or
 * `undefined` when it is valid.
 */
export function urlError(value: string): string | undefined {
  if (value.trim() === '') return 'input is empty';
  if (parseUrl(value) !== undefined) return undefined;
  const scheme = /^\s*([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return 'relative URL without a base';
  if (SPECIAL_SCHEMES.has(scheme)) {
    const authority = /^\s*[^:]+:\/*([^/?#]*)/.exec(value)?.[1] ?? '';
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    if (host === '' || host.startsWith(':')) return 'empty host';
    if (host.startsWith('[')) return 'invalid IPv6 address';
    if (/:[^\]]*$/.test(host) && !/:\d{0,5}$/.test(host)) return 'invalid port number';
    if (/:\d+$/.test(host) && Number(host.slice(host.lastIndexOf(':') + 1)) > 65535)
      return 'invalid port number';
  }
  return 'invalid domain character';
}

/** `application/x-www-form-urlencoded` exactly as Python's `urlencode` writes it (space as `+`, `~` kept). */
function pythonUrlencode(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([key, value]) => `${quotePlus(key)}=${quotePlus(value)}`).join('&');
}

function quotePlus(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * Adds parameters to a redirect URI the way FastMCP's `construct_redirect_uri` does: the URI's own query is kept
 * (re-encoded, blank values dropped, repeated keys grouped), then each defined parameter is appended in order.
 */
export function constructRedirectUri(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  const grouped = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(url.search)) {
    if (value === '') continue;
    const values = grouped.get(key) ?? [];
    values.push(value);
    grouped.set(key, values);
  }
  const pairs: Array<[string, string]> = [];
  for (const [key, values] of grouped) for (const value of values) pairs.push([key, value]);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) pairs.push([key, value]);
  const query = pythonUrlencode(pairs);
  const hash = url.hash;
  url.hash = '';
  url.search = '';
  return `${url.href}${query === '' ? '' : `?${query}`}${hash}`;
}

/** Python's `urllib.parse.unquote`: decodes `%XX` as UTF-8, keeps malformed escapes, never throws. */
export function pythonUnquote(value: string): string {
  return value.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return new TextDecoder('utf-8').decode(bytes);
  });
}
