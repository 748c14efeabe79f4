/**
 * A tiny exact-path router with Starlette's semantics: 404 `Not Found`, 405 `Method Not Allowed` with `Allow`,
 * trailing-slash redirects (307), HEAD served by the GET handler without a body, and per-route CORS.
 */
import { BodyParseError, BodyTooLargeError } from '../http/body.js';
import { isPreflight, preflightResponse, withSimpleCors } from '../http/cors.js';
import { methodNotAllowed, notFound, payloadTooLarge, textResponse, withoutBody } from '../http/responses.js';
import type { ClientIdMetadataResolver } from '../cimd/resolver.js';
import type { McpEndpoint } from '../mcp/endpoint.js';
import type { Clock } from '../provider/clock.js';
import type { OAuthAuthorizationServerProvider } from '../provider/types.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';

/** What every route handler may use besides the request. */
export interface RouteContext {
  readonly settings: ResolvedMockAuthServerSettings;
  readonly provider: OAuthAuthorizationServerProvider;
  readonly clock: Clock;
  /** The protected MCP endpoint's state (sessions, tools); without it the MCP route answers 404. */
  readonly mcp?: McpEndpoint;
  /** Fetches Client ID Metadata Documents (`beyondFastMcp.clientIdMetadataDocuments`); without it none are. */
  readonly clientIdMetadata?: ClientIdMetadataResolver;
}

export type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;

export interface Route {
  /** Exact path, e.g. `/token`. */
  readonly path: string;
  /** Methods the route answers, in the order `Allow` lists them (list HEAD explicitly next to GET). */
  readonly methods: readonly string[];
  /** When set, FastMCP's CORS wrapper with these `Access-Control-Allow-Methods`. */
  readonly corsMethods?: readonly string[];
  readonly handler: RouteHandler;
}

/** Builds the handler that dispatches to `routes`. Body-size and body-parse errors become 413 and 400. */
export function createRouter(routes: readonly Route[]): RouteHandler {
  return async (request, context) => {
    const url = new URL(request.url);
    const route = routes.find((candidate) => candidate.path === url.pathname);
    if (route === undefined) return slashRedirect(url, routes) ?? notFound();
    if (!route.methods.includes(request.method)) return methodNotAllowed(route.methods);
    if (route.corsMethods !== undefined) {
      if (isPreflight(request)) return preflightResponse(request, route.corsMethods);
      return withSimpleCors(request, await run(route, request, context));
    }
    return run(route, request, context);
  };
}

async function run(route: Route, request: Request, context: RouteContext): Promise<Response> {
  try {
    const response = await route.handler(request, context);
    return request.method === 'HEAD' ? withoutBody(response) : response;
  } catch (error) {
    if (error instanceof BodyTooLargeError) return payloadTooLarge();
    if (error instanceof BodyParseError) return textResponse(error.message, 400);
    throw error;
  }
}

/** Starlette's `redirect_slashes`: `/token/` → 307 `/token` (and the reverse) when that path exists. */
function slashRedirect(url: URL, routes: readonly Route[]): Response | undefined {
  if (url.pathname === '/') return undefined;
  const alternative = url.pathname.endsWith('/') ? url.pathname.replace(/\/+$/, '') : `${url.pathname}/`;
  if (!routes.some((route) => route.path === alternative)) return undefined;
  const target = new URL(url.href);
  target.pathname = alternative;
  return new Response(null, { status: 307, headers: { location: target.href } });
}
