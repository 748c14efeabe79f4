/**
 * A tiny exact-path router with Starlette's semantics: 404 `Not Found`, 405 `Method Not Allowed` with `Allow`,
 * trailing-slash redirects (307), HEAD served by the GET handler without a body, and per-route CORS.
 */
import { BodyParseError, BodyTooLargeError } from '../http/body.js';
import { DPOP_CORS, isPreflight, preflightResponse, withSimpleCors } from '../http/cors.js';
import { methodNotAllowed, notFound, textResponse, withoutBody } from '../http/responses.js';
import type { ClientIdMetadataResolver } from '../cimd/resolver.js';
import type { McpEndpoint } from '../mcp/endpoint.js';
import type { Clock } from '../provider/clock.js';
import type { OAuthAuthorizationServerProvider } from '../provider/types.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';

/** What every route handler may use besides the request. */
export interface RouteContext {
  /** The settings in force for this request (they change with `mock.control.reconfigure`). */
  readonly settings: ResolvedMockAuthServerSettings;
  /** The mock's provider: its clients, codes and tokens. */
  readonly provider: OAuthAuthorizationServerProvider;
  /** The mock's clock; read expiries from it, not from `Date.now()`, so tests can move time. */
  readonly clock: Clock;
  /** The protected MCP endpoint's state (sessions, tools); without it the MCP route answers 404. */
  readonly mcp?: McpEndpoint;
  /** Fetches Client ID Metadata Documents (`beyondFastMcp.clientIdMetadataDocuments`); without it none are. */
  readonly clientIdMetadata?: ClientIdMetadataResolver;
}

/**
 * Answers one request to a route (for HEAD, the body of its answer is dropped). If it rejects, the mock answers a
 * bare 500 and reports the error to `onError`.
 */
export type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;

/**
 * A logical endpoint of the mock, by the names `mock.control` and the request log use. `metadata` covers every
 * authorization-server metadata URL, `resource-metadata` the protected-resource metadata, `consent` the consent page.
 */
export type EndpointName =
  | 'metadata'
  | 'resource-metadata'
  | 'authorize'
  | 'consent'
  | 'token'
  | 'register'
  | 'revoke'
  | 'mcp'
  | 'idp-metadata'
  | 'idp-jwks'
  | 'idp-authorize'
  | 'idp-token';

/** Every {@link EndpointName}, in the order error messages list them (`satisfies` keeps the list complete). */
export const ENDPOINT_NAMES = Object.keys({
  metadata: true,
  'resource-metadata': true,
  authorize: true,
  consent: true,
  token: true,
  register: true,
  revoke: true,
  mcp: true,
  'idp-metadata': true,
  'idp-jwks': true,
  'idp-authorize': true,
  'idp-token': true,
} satisfies Record<EndpointName, true>) as readonly EndpointName[];

/** One path the mock answers, e.g. for `extraRoutes`: 404 and 405 are answered for you, as Starlette does. */
export interface Route {
  /** Exact path, e.g. `/token`. */
  readonly path: string;
  /** Which of the mock's endpoints the route serves; routes added with `extraRoutes` need none. */
  readonly endpoint?: EndpointName;
  /** Methods the route answers, in the order `Allow` lists them (list HEAD explicitly next to GET). */
  readonly methods: readonly string[];
  /** When set, FastMCP's CORS wrapper with these `Access-Control-Allow-Methods`. */
  readonly corsMethods?: readonly string[];
  /** Answers the route's requests (only with one of `methods`). */
  readonly handler: RouteHandler;
}

/**
 * Builds the handler that dispatches to `routes`. Body-size and body-parse errors become 413 and 400. Every answer
 * to HEAD, the router's own 404, 405 and 413 included, goes without a body: in process there is no HTTP server to
 * drop it, and `mock.fetch` must answer as `fetch` would.
 */
export function createRouter(routes: readonly Route[]): RouteHandler {
  return async (request, context) => {
    const response = await dispatch(routes, request, context);
    return request.method === 'HEAD' ? withoutBody(response) : response;
  };
}

async function dispatch(
  routes: readonly Route[],
  request: Request,
  context: RouteContext,
): Promise<Response> {
  const url = new URL(request.url);
  const route = findRoute(routes, url.pathname);
  if (route === undefined) return slashRedirect(url, routes) ?? notFound();
  if (!route.methods.includes(request.method)) return methodNotAllowed(route.methods);
  if (route.corsMethods !== undefined) {
    const additions = context.settings.beyondFastMcp.dpop ? DPOP_CORS : undefined;
    if (isPreflight(request)) return preflightResponse(request, route.corsMethods, additions);
    return withSimpleCors(request, await run(route, request, context), additions);
  }
  return run(route, request, context);
}

async function run(route: Route, request: Request, context: RouteContext): Promise<Response> {
  try {
    return await route.handler(request, context);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return bodyTooLarge();
    if (error instanceof BodyParseError) return textResponse(error.message, 400);
    throw error;
  }
}

/**
 * FastMCP's body limit answers Starlette's `Response("Request body too large", 413)`: no content type (a string body
 * would get one here).
 */
function bodyTooLarge(): Response {
  return new Response(new TextEncoder().encode('Request body too large'), { status: 413 });
}

/** The route at exactly `path`. */
export function findRoute(routes: readonly Route[], path: string): Route | undefined {
  return routes.find((route) => route.path === path);
}

/** The path Starlette's `redirect_slashes` pairs with `path` (`/token` ↔ `/token/`); none for `/`. */
export function slashTwin(path: string): string | undefined {
  if (path === '/') return undefined;
  return path.endsWith('/') ? path.replace(/\/+$/, '') : `${path}/`;
}

/** Starlette's `redirect_slashes`: `/token/` → 307 `/token` (and the reverse) when that path exists. */
function slashRedirect(url: URL, routes: readonly Route[]): Response | undefined {
  const alternative = slashTwin(url.pathname);
  if (alternative === undefined || findRoute(routes, alternative) === undefined) return undefined;
  const target = new URL(url.href);
  target.pathname = alternative;
  return new Response(null, { status: 307, headers: { location: target.href } });
}
