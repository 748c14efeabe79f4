/**
 * Which Client ID Metadata Document URLs the mock may fetch: https only, a path, no credentials or fragment, and no
 * host that names this machine or a private network.
 *
 * Hosts are checked as written: IP literals (in every form the URL parser accepts, including IPv6 addresses that
 * embed an IPv4 one) and reserved names. Host *names* are not resolved here — this check runs in browsers too, which
 * cannot resolve names. Where a runtime can, an injected fetch resolves the name and refuses private addresses
 * (the CLI injects one: see `runtimes/cimd-fetch-node.ts`).
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
  return hostProblem(parsed.hostname);
}

/** Why a URL's host (as `URL.hostname` writes it) must not be contacted, or `undefined`. */
function hostProblem(hostname: string): string | undefined {
  // `localhost.` is `localhost`: a fully qualified name may end in a dot.
  const host = hostname.toLowerCase().replace(/\.+$/, '');
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
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part))) return undefined;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** IPv4 ranges that are not on the public internet: `[first octets..., prefix length]`. */
const NON_PUBLIC_IPV4: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8 private
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local (cloud metadata)
  [0xac100000, 12], // 172.16/12 private
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0a80000, 16], // 192.168/16 private
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved, and the broadcast address
];

function ipv4Value(octets: readonly number[]): number {
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

function isPublicIpv4Value(value: number): boolean {
  return !NON_PUBLIC_IPV4.some(([network, prefix]) => {
    const size = 2 ** (32 - prefix);
    return Math.floor(value / size) === Math.floor(network / size);
  });
}

/** False for loopback, private, CGNAT, link-local, benchmarking, multicast, reserved and malformed IPv4. */
export function isPublicIpv4(host: string): boolean {
  const octets = ipv4Octets(host);
  return octets !== undefined && isPublicIpv4Value(ipv4Value(octets));
}

/** The eight 16-bit groups of an IPv6 address (`::` and a dotted IPv4 tail allowed), or `undefined`. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const tail = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (tail !== undefined) {
    const octets = ipv4Octets(tail);
    if (octets === undefined) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    text = `${text.slice(0, -tail.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (half: string | undefined): number[] | undefined => {
    if (half === undefined || half === '') return [];
    const groups = half.split(':');
    if (groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return undefined;
    return groups.map((group) => parseInt(group, 16));
  };
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  if (head === undefined || rest === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - rest.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...rest] : undefined;
}

function embeddedIpv4(high: number, low: number): number {
  return high * 0x10000 + low;
}

/**
 * False for `::`, `::1`, the deprecated IPv4-compatible `::/96` and site-local `fec0::/10`, unique-local, link-local,
 * multicast, local-use NAT64 and Teredo; IPv4-mapped, NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`) addresses are
 * judged by the IPv4 address they carry. Malformed input is not public.
 */
export function isPublicIpv6(host: string): boolean {
  const groups = ipv6Groups(host);
  if (groups === undefined) return false;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0) return false; // ::, ::1 and IPv4-compatible ::a.b.c.d
  if (firstFiveZero && g5 === 0xffff) return isPublicIpv4Value(embeddedIpv4(g6, g7)); // IPv4-mapped
  if (g0 === 0x64 && g1 === 0xff9b) {
    // NAT64: the well-known prefix carries an IPv4 address; 64:ff9b:1::/48 is for local use.
    if (g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPublicIpv4Value(embeddedIpv4(g6, g7));
    return false;
  }
  if (g0 === 0x2002) return isPublicIpv4Value(embeddedIpv4(g1, g2)); // 6to4
  if (g0 === 0x2001 && g1 === 0) return false; // Teredo: the client address is obfuscated
  if ((g0 & 0xfe00) === 0xfc00) return false; // fc00::/7 unique-local
  if ((g0 & 0xffc0) === 0xfe80) return false; // fe80::/10 link-local
  if ((g0 & 0xffc0) === 0xfec0) return false; // fec0::/10 site-local (deprecated)
  if ((g0 & 0xff00) === 0xff00) return false; // ff00::/8 multicast
  return true;
}

/** True when `address` (an IPv4 or IPv6 address as a resolver returns it) is on the public internet. */
export function isPublicAddress(address: string): boolean {
  return address.includes(':') ? isPublicIpv6(address) : isPublicIpv4(address);
}
