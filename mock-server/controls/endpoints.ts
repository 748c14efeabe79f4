/**
 * Logical endpoint names, so tests can say `'token'` instead of a path. They come from the route table of the
 * settings in force when the request arrives (each route names its endpoint), so they follow `reconfigure` (e.g. a
 * resource path that changes).
 */
import { endpointRoutes } from '../routes/index.js';
import { issuerPath, wellKnownEndpoint } from '../routes/metadata.js';
import { ENDPOINT_NAMES, slashTwin, type EndpointName } from '../routes/router.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';

export type { EndpointName } from '../routes/router.js';

/** An endpoint name, or an exact path such as `/token` or `/.well-known/oauth-protected-resource/mcp`. */
export type EndpointTarget = EndpointName | `/${string}`;

/** Names the endpoint a request path is aimed at, or `undefined` when it is none of the mock's. */
export type EndpointNamer = (path: string) => EndpointName | undefined;

/**
 * The namer for `settings`. A path names an endpoint when it is that endpoint's route (switched on or not) or the
 * route's trailing-slash twin; or, failing that, when it is one of those written relative to the issuer, with or
 * without the issuer's path (clients build either, e.g. `/tenant/token` and `/token`); or else when it is a
 * well-known metadata path.
 */
export function endpointNamer(settings: ResolvedMockAuthServerSettings): EndpointNamer {
  const base = issuerPath(settings);
  const relative = (path: string): string =>
    base !== '' && path.startsWith(`${base}/`) ? path.slice(base.length) : path;
  const exact = new Map<string, EndpointName>();
  const relativeToIssuer = new Map<string, EndpointName>();
  for (const route of endpointRoutes(settings)) {
    if (route.endpoint === undefined) continue;
    for (const path of [route.path, slashTwin(route.path)]) {
      if (path === undefined) continue;
      if (!exact.has(path)) exact.set(path, route.endpoint);
      if (!relativeToIssuer.has(relative(path))) relativeToIssuer.set(relative(path), route.endpoint);
    }
  }
  return (path) => exact.get(path) ?? relativeToIssuer.get(relative(path)) ?? wellKnownEndpoint(path);
}

/** Throws a TypeError naming the accepted forms when `target` is neither a known name nor a path. */
export function checkTarget(target: unknown): asserts target is EndpointTarget {
  if (typeof target === 'string' && (target.startsWith('/') || isEndpointName(target))) return;
  throw new TypeError(
    `fault target must be a path starting with "/" or one of ${ENDPOINT_NAMES.join(', ')}; got ${JSON.stringify(target)}`,
  );
}

function isEndpointName(value: string): value is EndpointName {
  return (ENDPOINT_NAMES as readonly string[]).includes(value);
}

/** True when a request to `path` is aimed at `target`. */
export function targets(target: EndpointTarget, path: string, endpoint: EndpointName | undefined): boolean {
  return target.startsWith('/') ? target === path : target === endpoint;
}
