/** The MCP endpoint's route, at the path of the resource URL (FastMCP's `streamable_http_path`). */
import { notFound } from '../http/responses.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import type { Route, RouteHandler } from './router.js';

const mcpHandler: RouteHandler = async (request, context) =>
  context.mcp === undefined ? notFound() : context.mcp.handle(request, context);

export function mcpRoute(settings: ResolvedMockAuthServerSettings): Route {
  const methods = ['GET', 'POST', 'DELETE'];
  if (settings.beyondFastMcp.mcpCors) methods.push('OPTIONS');
  return {
    path: new URL(settings.resourceServerUrl).pathname,
    endpoint: 'mcp',
    methods,
    handler: mcpHandler,
  };
}
