/**
 * A 2026-07-28 (stateless) MCP endpoint in front of the mock's authorization server, for the one thing the mock's
 * own MCP endpoint does not speak: `server/discover` and per-request `_meta` instead of the initialize handshake.
 * Tokens are checked against the mock's provider, as the mock's endpoint does; every other path is the mock's.
 */
import type { MockAuthServer } from '../../../../mock-server/index.js';
import { protectedResourceMetadataUrl } from '../../../../mock-server/index.js';

const VERSION = '2026-07-28';

/** A fetch that serves the stateless endpoint at `mcpUrl` and passes everything else to the mock. */
export function statelessMcpFetch(
  mock: MockAuthServer,
  mcpUrl: string,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.url !== mcpUrl) return mock.fetch(request);
    const header = request.headers.get('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const access = token === undefined ? undefined : await mock.provider.loadAccessToken(token);
    if (!access) {
      return new Response(JSON.stringify({ error: 'invalid_token' }), {
        status: 401,
        headers: {
          'content-type': 'application/json',
          'www-authenticate': `Bearer error="invalid_token", resource_metadata="${protectedResourceMetadataUrl(mcpUrl)}"`,
        },
      });
    }
    return answer(request, access.clientId);
  };
}

/** Checks the version header, `_meta` and `Mcp-Method` of every request; answers discover, tools/list, tools/call. */
async function answer(request: Request, clientId: string): Promise<Response> {
  const body = (await request.json()) as {
    id?: unknown;
    method?: string;
    params?: { _meta?: Record<string, unknown>; name?: string };
  };
  const id = body.id ?? null;
  const fail = (code: number, message: string, status = 400) =>
    Response.json({ jsonrpc: '2.0', id, error: { code, message } }, { status });
  if (request.headers.get('mcp-protocol-version') !== VERSION)
    return fail(-32020, 'bad MCP-Protocol-Version');
  const meta = body.params?._meta ?? {};
  if (
    meta['io.modelcontextprotocol/protocolVersion'] !== VERSION ||
    !meta['io.modelcontextprotocol/clientCapabilities']
  ) {
    return fail(-32602, 'missing _meta keys');
  }
  if (request.headers.get('mcp-method') !== body.method) return fail(-32001, 'Mcp-Method does not match');
  const ok = (result: unknown) => Response.json({ jsonrpc: '2.0', id, result });
  switch (body.method) {
    case 'server/discover':
      return ok({
        supportedVersions: [VERSION],
        capabilities: { tools: {} },
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'stateless-stand-in', version: '1.0.0' } },
      });
    case 'tools/list':
      return ok({ tools: [{ name: 'whoami', inputSchema: { type: 'object' } }], resultType: 'complete' });
    case 'tools/call':
      if (request.headers.get('mcp-name') !== body.params?.name)
        return fail(-32001, 'Mcp-Name does not match');
      return ok({ content: [{ type: 'text', text: clientId }], resultType: 'complete' });
    default:
      return fail(-32601, `Method not found: ${String(body.method)}`, 404);
  }
}
