/**
 * The MCP server behind oidc-provider, as a developer would write it: the SDK's `McpServer` over Streamable HTTP
 * (stateless), a bearer check in front of it, and RFC 9728 protected-resource metadata. JWT access tokens are
 * verified against the provider's JWKS (issuer, audience = this MCP resource, expiry); opaque ones are introspected
 * (RFC 7662) with the resource server's own client credentials. A missing or bad token is a 401 whose
 * `WWW-Authenticate` names the metadata; a tool that needs more scope is a 403 `insufficient_scope` (step-up).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as z from 'zod/v4';
import { RESOURCE_SCOPES, RESOURCE_SERVER_CLIENT } from './authorization-server.js';

export interface RunningResourceServer {
  /** The MCP endpoint, which is also the resource identifier. */
  mcpUrl: string;
  /** Bearer tokens the server accepted, in order (to check which token a call carried). */
  accepted: Array<{ scopes: string[]; clientId: string | undefined }>;
  close(): Promise<void>;
}

/** Who the token says the caller is, or why it is refused. */
type Verdict = { ok: true; scopes: string[]; clientId: string | undefined } | { ok: false };

/** What the bearer check needs to know about the authorization server. */
export interface AuthorizationServerInfo {
  issuer: string;
  jwksUri: string;
  introspectionEndpoint: string;
}

/** Starts the MCP resource server on a free loopback port; its authorization server is given once it runs. */
export async function startResourceServer(
  tokenFormat: 'jwt' | 'opaque',
  authorizationServer: () => AuthorizationServerInfo,
): Promise<RunningResourceServer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mcpUrl = `${origin}/mcp`;
  const metadataUrl = `${origin}/.well-known/oauth-protected-resource/mcp`;
  const accepted: RunningResourceServer['accepted'] = [];
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  const verify = async (token: string): Promise<Verdict> => {
    const as = authorizationServer();
    if (tokenFormat === 'jwt') {
      jwks ??= createRemoteJWKSet(new URL(as.jwksUri));
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer: as.issuer,
          audience: mcpUrl,
          typ: 'at+jwt',
        });
        return {
          ok: true,
          scopes: typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [],
          clientId: typeof payload['client_id'] === 'string' ? payload['client_id'] : undefined,
        };
      } catch {
        return { ok: false };
      }
    }
    const response = await fetch(as.introspectionEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${RESOURCE_SERVER_CLIENT.id}:${RESOURCE_SERVER_CLIENT.secret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    const audience = body['aud'];
    const forUs = audience === mcpUrl || (Array.isArray(audience) && audience.includes(mcpUrl));
    if (body['active'] !== true || !forUs) return { ok: false };
    return {
      ok: true,
      scopes: typeof body['scope'] === 'string' ? body['scope'].split(' ') : [],
      clientId: typeof body['client_id'] === 'string' ? body['client_id'] : undefined,
    };
  };

  const challenge = (res: ServerResponse, status: 401 | 403, params: Record<string, string>): void => {
    const header = Object.entries({ ...params, resource_metadata: metadataUrl })
      .map(([name, value]) => `${name}="${value}"`)
      .join(', ');
    res.writeHead(status, { 'www-authenticate': `Bearer ${header}`, 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: params['error'] ?? 'invalid_token' }));
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', origin).pathname;
    if (path === '/.well-known/oauth-protected-resource/mcp') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          resource: mcpUrl,
          authorization_servers: [authorizationServer().issuer],
          scopes_supported: RESOURCE_SCOPES,
          bearer_methods_supported: ['header'],
        }),
      );
      return;
    }
    if (path !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    const authorization = req.headers.authorization ?? '';
    const token = /^Bearer (\S+)$/i.exec(authorization)?.[1];
    if (!token) return challenge(res, 401, { scope: 'mcp:read' });
    const verdict = await verify(token);
    if (!verdict.ok) return challenge(res, 401, { error: 'invalid_token', scope: 'mcp:read' });
    if (!verdict.scopes.includes('mcp:read')) {
      return challenge(res, 403, { error: 'insufficient_scope', scope: 'mcp:read' });
    }
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (needsAdmin(body) && !verdict.scopes.includes('mcp:admin')) {
      return challenge(res, 403, { error: 'insufficient_scope', scope: 'mcp:admin' });
    }
    accepted.push({ scopes: verdict.scopes, clientId: verdict.clientId });
    const mcp = new McpServer({ name: 'oidc-protected', version: '1.0.0' });
    mcp.registerTool('whoami', { description: 'The token’s client and scopes' }, () => ({
      content: [
        { type: 'text', text: JSON.stringify({ client_id: verdict.clientId, scopes: verdict.scopes }) },
      ],
    }));
    mcp.registerTool(
      'admin_echo',
      { description: 'Echoes, for callers holding mcp:admin', inputSchema: { text: z.string() } },
      ({ text }) => ({ content: [{ type: 'text', text }] }),
    );
    const transport = new StreamableHTTPServerTransport({}); // no session id generator: stateless
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  return {
    mcpUrl,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Whether a JSON-RPC message calls the elevated tool (decided before the MCP server sees it, as a gateway would). */
function needsAdmin(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((message) => {
    const m = message as { method?: unknown; params?: { name?: unknown } } | null;
    return m?.method === 'tools/call' && m.params?.name === 'admin_echo';
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
