/** JSON-RPC error answers of the MCP endpoint, in the shape the SDK's server transport uses for the same cases. */

function jsonRpcErrorResponse(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** An unknown session, or one that belongs to another principal: the two are indistinguishable on purpose. */
export function sessionNotFound(): Response {
  return jsonRpcErrorResponse(404, -32001, 'Session not found');
}

export function missingSessionId(): Response {
  return jsonRpcErrorResponse(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
}

export function parseError(): Response {
  return jsonRpcErrorResponse(400, -32700, 'Parse error: Invalid JSON');
}
