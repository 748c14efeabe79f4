/** Helpers for the MCP endpoint tests: tokens from the mock itself, raw MCP requests, and an SDK client over it. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect } from 'vitest';
import type { MockAuthServer } from '../../../mock-server/index.js';
import { obtainTokens, PUBLIC_CLIENT, type CaseContext, type TokenSet } from './helpers.js';

export const BASE = 'http://localhost:8000';
export const MCP_URL = `${BASE}/mcp`;
export const PRM_URL = `${BASE}/.well-known/oauth-protected-resource/mcp`;

export function caseContext(mock: Pick<MockAuthServer, 'fetch'>, baseUrl = BASE): CaseContext {
  return { fetch: fetchOf(mock), baseUrl };
}

/** `mock.fetch` with `fetch`'s signature. */
export function fetchOf(mock: Pick<MockAuthServer, 'fetch'>): typeof fetch {
  return (input, init) => mock.fetch(new Request(input, init));
}

/** Tokens for the public pre-registered client (scope `read write` unless `extra.scope` says otherwise). */
export function tokensFor(mock: MockAuthServer, extra: Record<string, string> = {}): Promise<TokenSet> {
  return obtainTokens(caseContext(mock), PUBLIC_CLIENT, extra);
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1.0.0' } },
} as const;

/** A POST to the MCP endpoint with the headers the transport requires. */
export function mcpPost(
  mock: Pick<MockAuthServer, 'fetch'>,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return mock.fetch(
    new Request(MCP_URL, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: JSON.stringify(body),
    }),
  );
}

/** Opens a session with raw requests; returns its id. */
export async function openSession(mock: Pick<MockAuthServer, 'fetch'>, accessToken: string): Promise<string> {
  const response = await mcpPost(mock, INITIALIZE, { authorization: `Bearer ${accessToken}` });
  expect(response.status).toBe(200);
  await response.body?.cancel();
  const id = response.headers.get('mcp-session-id');
  expect(id).toBeTruthy();
  return id ?? '';
}

/** An SDK client connected to the mock with a fixed access token. */
export async function connectClient(
  mock: Pick<MockAuthServer, 'fetch'>,
  accessToken: string,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
    fetch: fetchOf(mock),
    requestInit: { headers: { authorization: `Bearer ${accessToken}` } },
  });
  const client = new Client({ name: 'mock-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** The text of a tool result's first content block. */
export function firstText(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  const first = content[0];
  expect(first?.type).toBe('text');
  return first?.text ?? '';
}
