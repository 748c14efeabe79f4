/**
 * CORS for the MCP endpoint (`beyondFastMcp.mcpCors`). FastMCP sends none on `/mcp`, so a browser on another origin
 * can neither send `Authorization` nor read `WWW-Authenticate` / `Mcp-Session-Id`. Any origin, no credentials
 * (bearer tokens travel in a header, not a cookie).
 */

const MCP_CORS_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'] as const;
const MCP_CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'Mcp-Session-Id',
  'MCP-Protocol-Version',
  'Last-Event-ID',
] as const;
const MCP_CORS_EXPOSED_HEADERS = ['WWW-Authenticate', 'Mcp-Session-Id', 'MCP-Protocol-Version'] as const;
const MAX_AGE_SECONDS = '600';

/** The preflight answer: 204 with the methods and headers the endpoint accepts. */
export function mcpPreflightResponse(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': MCP_CORS_METHODS.join(', '),
      'Access-Control-Allow-Headers': MCP_CORS_ALLOWED_HEADERS.join(', '),
      'Access-Control-Max-Age': MAX_AGE_SECONDS,
      Vary: 'Origin',
    },
  });
}

/** Adds the CORS headers of an actual (non-preflight) response when the request came with an `Origin`. */
export function withMcpCors(request: Request, response: Response): Response {
  if (!request.headers.has('origin')) return response;
  const headers = new Headers(response.headers);
  headers.set('Access-Control-Allow-Origin', '*');
  headers.set('Access-Control-Expose-Headers', MCP_CORS_EXPOSED_HEADERS.join(', '));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
