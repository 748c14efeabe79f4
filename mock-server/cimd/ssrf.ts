/**
 * Which Client ID Metadata Document URLs the mock may fetch: https only, a path, no credentials or fragment, and no
 * host that names this machine or a private network. Hosts are checked as written (IP literals and reserved
 * names); resolving names first is the injected `fetch`'s job where a runtime can do it (browsers cannot).
 */

const RESERVED_NAME_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.lan'];

/** Why `url` must not be fetched, or `undefined` when it may be. */
export function documentUrlProblem(url: string): string | undefined {
  if (!URL.canParse(url)) return 'is not an absolute URL';
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:') return 'must use https';
  if (parsed.username !== '' || parsed.password !== '') return 'must not contain credentials';
  if (parsed.hash !== '' || url.includes('#')) return 'must not have a fragment';
  if (parsed.pathname === '/' || parsed.pathname === '') return 'must have a path';
  if (/\/\.\.?(\/|$)/.test(url.replace(/^[^:]+:\/\/[^/]+/, ''))) return 'must not contain dot segments';
  const host = parsed.hostname.toLowerCase();
  if (host === 'localhost' || RESERVED_NAME_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return 'must not name a local host';
  }
  if (host.startsWith('['))
    return isPublicIpv6(host.slice(1, -1)) ? undefined : 'must not be a private address';
  if (/^[\d.]+$/.test(host)) return isPublicIpv4(host) ? undefined : 'must not be a private address';
  if (!host.includes('.')) return 'must be a fully qualified domain name';
  return undefined;
}

function ipv4Octets(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4) return undefined;
  const octets = parts.map(Number);
  return octets.every((octet) => Number.isInteger(octet) && octet >= 0 && octet <= 255) ? octets : undefined;
}

/** False for loopback, private (RFC 1918), CGNAT, link-local, unspecified, multicast and reserved IPv4. */
export function isPublicIpv4(host: string): boolean {
  const octets = ipv4Octets(host);
  if (octets === undefined) return false;
  const [a = 0, b = 0] = octets;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  return true;
}

/** False for `::`, `::1`, unique-local, link-local, multicast and IPv4-mapped private addresses. */
export function isPublicIpv6(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === '::' || lower === '::1') return false;
  const mapped = /^::ffff:(.+)$/.exec(lower)?.[1];
  if (mapped !== undefined) {
    if (mapped.includes('.')) return isPublicIpv4(mapped);
    const [high = '0', low = '0'] = mapped.split(':');
    const value = (parseInt(high, 16) << 16) | parseInt(low, 16);
    return isPublicIpv4([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.'));
  }
  const first = parseInt(lower.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00) return false;
  if ((first & 0xffc0) === 0xfe80) return false;
  if ((first & 0xff00) === 0xff00) return false;
  return true;
}
