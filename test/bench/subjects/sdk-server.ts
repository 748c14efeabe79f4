/**
 * The peer authorization server: `@modelcontextprotocol/sdk` v1's `mcpAuthRouter` with the demo in-memory provider
 * from the SDK's own examples, on Express, plus a bearer-protected Streamable HTTP MCP endpoint built the way the
 * SDK's examples build one (`requireBearerAuth` + one transport per session). Rate limiting is off, as the mock has
 * none. The demo provider implements no refresh grant: that row's peer is oauth2-mock-server (see peers.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { DemoInMemoryAuthProvider } from '@modelcontextprotocol/sdk/examples/server/demoInMemoryOAuthProvider.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Response as ExpressResponse } from 'express';
import * as z from 'zod/v4';
import { pkcePair } from '../support/pkce.js';
import {
  CALLBACK,
  FORM_HEADERS,
  INITIALIZE_BODY,
  MCP_POST_HEADERS,
  toolsCallBody,
  formBody,
  pooled,
  statelessWorkload,
  type RouteName,
  type RouteWorkload,
} from '../support/workload.js';

export const SDK_CLIENT_ID = 'bench-client';

export interface SdkAuthServer {
  readonly url: string;
  readonly provider: DemoInMemoryAuthProvider;
  /** Live MCP sessions (for the memory row). */
  sessionCount(): number;
  close(): Promise<void>;
}

function echoServer(): McpServer {
  const server = new McpServer({ name: 'sdk-peer', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { message: z.string() } }, ({ message }) => ({
    content: [{ type: 'text', text: message }],
  }));
  return server;
}

/** Starts the peer on 127.0.0.1 (a free port); its issuer is its own URL. */
export async function startSdkAuthServer(): Promise<SdkAuthServer> {
  const app = express();
  const provider = new DemoInMemoryAuthProvider();
  const listening = await new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
  const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  const off = { rateLimit: false } as const;
  app.use(
    mcpAuthRouter({
      provider,
      issuerUrl: new URL(url),
      scopesSupported: ['mcp:tools'],
      authorizationOptions: off,
      clientRegistrationOptions: off,
      revocationOptions: off,
      tokenOptions: off,
    }),
  );
  const transports = new Map<string, StreamableHTTPServerTransport>();
  app.post('/mcp', requireBearerAuth({ verifier: provider }), express.json(), async (req, res) => {
    const sessionId = req.header('mcp-session-id');
    const existing = sessionId === undefined ? undefined : transports.get(sessionId);
    if (existing !== undefined) {
      await existing.handleRequest(req, res, req.body);
      return;
    }
    if (!isInitializeRequest(req.body)) {
      res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'No session' }, id: null });
      return;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void transports.set(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) transports.delete(transport.sessionId);
    };
    await echoServer().connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // The client under test registers itself; the bench's own client is pre-registered for the pools.
  await provider.clientsStore.registerClient({
    client_id: SDK_CLIENT_ID,
    redirect_uris: [CALLBACK],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  });
  return {
    url,
    provider,
    sessionCount: () => transports.size,
    close: () =>
      new Promise<void>((resolve) => {
        listening.closeAllConnections();
        listening.close(() => resolve());
      }),
  };
}

/** Issues a code through the provider's own `authorize` (what its `/authorize` route calls), capturing the redirect. */
async function issueSdkCode(provider: DemoInMemoryAuthProvider): Promise<{ code: string; verifier: string }> {
  const client = await provider.clientsStore.getClient(SDK_CLIENT_ID);
  if (client === undefined) throw new Error('bench client missing');
  const { verifier, challenge } = pkcePair();
  let location = '';
  const response = { redirect: (target: string) => void (location = target) } as unknown as ExpressResponse;
  await provider.authorize(
    client,
    { codeChallenge: challenge, redirectUri: CALLBACK, state: 'bench', scopes: [] },
    response,
  );
  const code = new URL(location).searchParams.get('code');
  if (code === null) throw new Error('the demo provider issued no code');
  return { code, verifier };
}

/** The peer's workload for `route` (refresh is not served by this peer: see peers.ts). */
export async function sdkWorkload(
  server: SdkAuthServer,
  route: Exclude<RouteName, 'token (refresh)'>,
  poolSize: number,
): Promise<RouteWorkload> {
  switch (route) {
    case 'metadata':
    case 'register':
      return statelessWorkload(route);
    case 'token (code)': {
      const grants: Array<{ code: string; verifier: string }> = [];
      for (let index = 0; index < poolSize; index++) grants.push(await issueSdkCode(server.provider));
      return pooled(
        route,
        200,
        grants.map((grant) => ({
          method: 'POST',
          path: '/token',
          headers: FORM_HEADERS,
          body: formBody({
            grant_type: 'authorization_code',
            code: grant.code,
            redirect_uri: CALLBACK,
            code_verifier: grant.verifier,
            client_id: SDK_CLIENT_ID,
          }),
        })),
      );
    }
    case 'tools/call':
      return sdkToolsCall(server);
  }
}

async function sdkToolsCall(server: SdkAuthServer): Promise<RouteWorkload> {
  const grant = await issueSdkCode(server.provider);
  const client = await server.provider.clientsStore.getClient(SDK_CLIENT_ID);
  if (client === undefined) throw new Error('bench client missing');
  const tokens = await server.provider.exchangeAuthorizationCode(client, grant.code, grant.verifier);
  const authorization = `Bearer ${tokens.access_token}`;
  const opened = await fetch(`${server.url}/mcp`, {
    method: 'POST',
    headers: { ...MCP_POST_HEADERS, authorization },
    body: INITIALIZE_BODY,
  });
  const sessionId = opened.headers.get('mcp-session-id');
  await opened.body?.cancel();
  if (sessionId === null) throw new Error(`the SDK peer opened no session (${opened.status})`);
  const headers = { ...MCP_POST_HEADERS, authorization, 'mcp-session-id': sessionId };
  let id = 1;
  return {
    route: 'tools/call',
    expectStatus: 200,
    capacity: Number.POSITIVE_INFINITY,
    next: () => ({ method: 'POST', path: '/mcp', headers, body: toolsCallBody(id++) }),
  };
}
