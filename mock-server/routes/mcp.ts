/** The MCP endpoint's route, at the path of the resource URL (FastMCP's `streamable_http_path`). */
import { notFound } from '../http/responses.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import type { Route, RouteHandler } from './router.js';

const mcpHandler: RouteHandler = async (request, context) =>
  context.mcp === undefined ? notFound() : context.mcp.handle(request, context);

/**
 * FastMCP mounts its transport for every method: the bearer check answers first (401 / 403), then the transport
 * (405 with `Allow: GET, POST, DELETE` for the methods it does not serve). So the route takes them all.
 */
const EVERY_METHOD = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'] as const;

export function mcpRoute(settings: ResolvedMockAuthServerSettings): Route {
  return {
    path: new URL(settings.resourceServerUrl).pathname,
    endpoint: 'mcp',
    methods: EVERY_METHOD,
    handler: mcpHandler,
  };
}
