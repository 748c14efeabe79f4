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
  'Mcp-Method',
  'Mcp-Name',
  // RFC 9449 §7: the proof that comes with a DPoP-bound token (harmless to allow when DPoP is off).
  'DPoP',
] as const;
const MCP_CORS_EXPOSED_HEADERS = [
  'WWW-Authenticate',
  'Mcp-Session-Id',
  'MCP-Protocol-Version',
  'DPoP-Nonce',
] as const;
const MAX_AGE_SECONDS = '600';

/**
 * The `Mcp-Param-{Name}` headers a preflight asks for: their names come from each tool's schema (2026-07-28), so
 * no fixed list can name them.
 */
function requestedParamHeaders(request: Request): string[] {
  return (request.headers.get('access-control-request-headers') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => /^mcp-param-[!#$%&'*+\-.^_`|~0-9a-z]+$/i.test(name));
}

/** The preflight answer: 204 with the methods and headers the endpoint accepts. */
export function mcpPreflightResponse(request: Request): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': MCP_CORS_METHODS.join(', '),
      'Access-Control-Allow-Headers': [...MCP_CORS_ALLOWED_HEADERS, ...requestedParamHeaders(request)].join(
        ', ',
      ),
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
