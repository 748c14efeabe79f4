/**
 * Logical endpoint names, so tests can say `'token'` instead of a path. Resolved against the settings in force when
 * the request arrives, so they follow `reconfigure` (e.g. a resource path that changes).
 */
import { CONSENT_PATH } from '../routes/consent.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';

export const ENDPOINT_NAMES = [
  'metadata',
  'resource-metadata',
  'authorize',
  'consent',
  'token',
  'register',
  'revoke',
  'mcp',
] as const;

/** A logical endpoint of the mock. `metadata` covers every authorization-server metadata URL. */
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

/** An endpoint name, or an exact path such as `/token` or `/.well-known/oauth-protected-resource/mcp`. */
export type EndpointTarget = EndpointName | `/${string}`;

const FIXED_PATHS: Readonly<Record<string, EndpointName>> = {
  '/authorize': 'authorize',
  [CONSENT_PATH]: 'consent',
  '/token': 'token',
  '/register': 'register',
  '/revoke': 'revoke',
};

/** The logical endpoint a path belongs to, if any. */
export function endpointOf(path: string, settings: ResolvedMockAuthServerSettings): EndpointName | undefined {
  // An issuer with a path may serve its endpoints under that path (`/tenant/token`).
  const issuerPath = new URL(settings.issuerUrl).pathname.replace(/\/+$/, '');
  const local = issuerPath !== '' && path.startsWith(`${issuerPath}/`) ? path.slice(issuerPath.length) : path;
  const fixed = FIXED_PATHS[path] ?? FIXED_PATHS[local];
  if (fixed !== undefined) return fixed;
  if (
    path.startsWith('/.well-known/oauth-authorization-server') ||
    path.startsWith('/.well-known/openid-configuration')
  ) {
    return 'metadata';
  }
  if (path.startsWith('/.well-known/oauth-protected-resource')) return 'resource-metadata';
  const mcpPath = new URL(settings.resourceServerUrl).pathname;
  if (path === mcpPath || path === `${mcpPath.replace(/\/+$/, '')}/`) return 'mcp';
  return undefined;
}

/** Throws a TypeError naming the accepted forms when `target` is neither a known name nor a path. */
export function checkTarget(target: unknown): asserts target is EndpointTarget {
  if (typeof target === 'string' && (target.startsWith('/') || isEndpointName(target))) return;
  throw new TypeError(
    `fault target must be a path starting with "/" or one of ${ENDPOINT_NAMES.join(', ')}; got ${JSON.stringify(target)}`,
  );
}

export function isEndpointName(value: string): value is EndpointName {
  return (ENDPOINT_NAMES as readonly string[]).includes(value);
}

/** True when a request to `path` is aimed at `target`. */
export function targets(target: EndpointTarget, path: string, endpoint: EndpointName | undefined): boolean {
  return target.startsWith('/') ? target === path : target === endpoint;
}
