/**
 * DNS-rebinding protection of the MCP endpoint, as the Python SDK's `TransportSecurityMiddleware`: with protection
 * on, a `Host` outside `allowedHosts` → 421 `Invalid Host header`, an `Origin` outside `allowedOrigins` → 403
 * `Invalid Origin header`. An entry ending in `:*` allows any port. FastMCP turns it on when it is bound to a
 * loopback name, with the loopback names as the allowed hosts and origins.
 */
import { bareText } from './json-rpc.js';

/** FastMCP's `TransportSecuritySettings` (`transport_security=`), in camelCase. */
export interface TransportSecuritySettings {
  /** Check `Host` and `Origin` on the MCP endpoint. */
  enableDnsRebindingProtection?: boolean | undefined;
  /** `Host` values accepted, e.g. `127.0.0.1:*` (any port) or `mcp.example:443`. */
  allowedHosts?: string[] | undefined;
  /** `Origin` values accepted, e.g. `http://localhost:*`; a request without `Origin` always passes. */
  allowedOrigins?: string[] | undefined;
}

/** {@link TransportSecuritySettings} after validation. */
export interface ResolvedTransportSecurity {
  /** Whether `Host` and `Origin` are checked. */
  readonly enableDnsRebindingProtection: boolean;
  /** `Host` values accepted (`:*` → any port). */
  readonly allowedHosts: readonly string[];
  /** `Origin` values accepted (`:*` → any port). */
  readonly allowedOrigins: readonly string[];
}

/** What FastMCP uses when bound to 127.0.0.1, localhost or ::1 and not told otherwise. */
export const LOOPBACK_TRANSPORT_SECURITY: ResolvedTransportSecurity = {
  enableDnsRebindingProtection: true,
  allowedHosts: ['127.0.0.1:*', 'localhost:*', '[::1]:*'],
  allowedOrigins: ['http://127.0.0.1:*', 'http://localhost:*', 'http://[::1]:*'],
};

export const NO_TRANSPORT_SECURITY: ResolvedTransportSecurity = {
  enableDnsRebindingProtection: false,
  allowedHosts: [],
  allowedOrigins: [],
};

/** FastMCP's rule: protection on by default exactly when the server is bound to a loopback name. */
export function isLoopbackBindHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
}

function allowed(value: string, list: readonly string[]): boolean {
  return list.some(
    (entry) => entry === value || (entry.endsWith(':*') && value.startsWith(`${entry.slice(0, -2)}:`)),
  );
}

/**
 * The refusal for this request, or `undefined` when it passes. `host` is the request's `Host` header (or, in
 * process where there is none, the host of its URL).
 */
export function transportSecurityRefusal(
  security: ResolvedTransportSecurity,
  host: string | null,
  origin: string | null,
): Response | undefined {
  if (!security.enableDnsRebindingProtection) return undefined;
  if (host === null || host === '' || !allowed(host, security.allowedHosts)) {
    return bareText('Invalid Host header', 421);
  }
  if (origin !== null && origin !== '' && !allowed(origin, security.allowedOrigins)) {
    return bareText('Invalid Origin header', 403);
  }
  return undefined;
}
