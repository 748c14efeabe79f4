/**
 * The MCP endpoint's own answers, byte for byte as the Python SDK's Streamable HTTP transport (v1.x) sends them:
 * JSON-RPC errors with `"id":"server-error"`, the session id header when the transport has one, and Starlette's
 * bare `Response(text)` (no content type) for the transport-security checks.
 */

/** JSON-RPC error codes the Python transport uses. */
export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;
export const PARSE_ERROR = -32700;

/**
 * A transport-level error: `{"jsonrpc":"2.0","id":"server-error","error":{code,message}}`, `content-type:
 * application/json`, and `mcp-session-id` when `sessionId` is given (the session the request was routed to).
 */
export function transportError(
  status: number,
  message: string,
  options: { code?: number; sessionId?: string | undefined; headers?: Record<string, string> } = {},
): Response {
  const body = `{"jsonrpc":"2.0","id":"server-error","error":{"code":${options.code ?? INVALID_REQUEST},"message":${JSON.stringify(message)}}}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.sessionId !== undefined) headers['mcp-session-id'] = options.sessionId;
  return new Response(body, { status, headers });
}

/** An unknown session, or one that belongs to another principal: the two are indistinguishable on purpose. */
export function sessionNotFound(): Response {
  return transportError(404, 'Session not found');
}

/** An empty answer with the JSON content type and the session id (202 to a notification, 200 to DELETE). */
export function emptyJson(status: number, sessionId: string): Response {
  return new Response(null, {
    status,
    headers: { 'content-type': 'application/json', 'mcp-session-id': sessionId },
  });
}

/** Starlette's `Response(text, status)`: a body and no content type (a string body would get one in undici). */
export function bareText(text: string, status: number): Response {
  return new Response(new TextEncoder().encode(text), { status });
}
