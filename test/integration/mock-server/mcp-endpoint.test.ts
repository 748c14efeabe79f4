/** The protected MCP endpoint: FastMCP's bearer answers, sessions bound to their principal, tools, CORS. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod/v4';
import { describe, expect, it } from 'vitest';
import {
  createMockAuthServer,
  InMemoryProvider,
  type AccessToken,
  type MockAuthServerSettings,
} from '../../../mock-server/index.js';
import { principalOf } from '../../../mock-server/mcp/endpoint.js';
import { MOCK_SUBJECT } from '../../../mock-server/provider/in-memory.js';
import { ALL_CLIENTS, POST_CLIENT, obtainTokens } from './helpers.js';
import {
  BASE,
  caseContext,
  connectClient,
  firstText,
  INITIALIZE,
  MCP_URL,
  mcpPost,
  openSession,
  PRM_URL,
  tokensFor,
} from './mcp-helpers.js';

function mockWith(settings: Partial<MockAuthServerSettings> = {}, options = {}) {
  return createMockAuthServer(
    { issuerUrl: BASE, clients: ALL_CLIENTS, revocationOptions: { enabled: true }, ...settings },
    options,
  );
}

const CHALLENGE_401 = `Bearer error="invalid_token", error_description="Authentication required", resource_metadata="${PRM_URL}"`;
const BODY_401 = '{"error": "invalid_token", "error_description": "Authentication required"}';

describe('bearer protection of /mcp (FastMCP exact)', () => {
  it('answers 401 with FastMCP body and challenge without a token, with a wrong scheme, with an unknown token', async () => {
    const mock = mockWith();
    for (const authorization of [undefined, 'Basic abc', 'Bearer nope', 'Bearer ']) {
      const response = await mcpPost(mock, INITIALIZE, authorization === undefined ? {} : { authorization });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('www-authenticate')).toBe(CHALLENGE_401);
      expect(await response.text()).toBe(BODY_401);
    }
  });

  it('matches the scheme case-insensitively', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    const response = await mcpPost(mock, INITIALIZE, { authorization: `bEaReR ${access_token}` });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });

  it('answers 403 insufficient_scope naming the first missing required scope', async () => {
    const mock = mockWith({ requiredScopes: ['read', 'write'] });
    const { access_token } = await tokensFor(mock, { scope: 'read' });
    const response = await mcpPost(mock, INITIALIZE, { authorization: `Bearer ${access_token}` });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="Required scope: write", resource_metadata="${PRM_URL}"`,
    );
    expect(await response.text()).toBe(
      '{"error": "insufficient_scope", "error_description": "Required scope: write"}',
    );
  });

  it('refuses expired and revoked tokens with 401', async () => {
    const mock = mockWith();
    const expired = await tokensFor(mock);
    mock.control.clock.advance(3601);
    expect(
      (await mcpPost(mock, INITIALIZE, { authorization: `Bearer ${expired.access_token}` })).status,
    ).toBe(401);

    const revoked = await tokensFor(mock);
    const revoke = await caseContext(mock).fetch(`${BASE}/revoke`, {
      method: 'POST',
      body: new URLSearchParams({
        token: revoked.access_token,
        client_id: 'public-client',
        client_secret: '',
      }),
    });
    expect(revoke.status).toBe(200);
    expect(
      (await mcpPost(mock, INITIALIZE, { authorization: `Bearer ${revoked.access_token}` })).status,
    ).toBe(401);
  });

  it('redirects /mcp/ to /mcp (307); other methods get the bearer check first, then 405 (as FastMCP)', async () => {
    const mock = mockWith();
    const slash = await mock.fetch(new Request(`${MCP_URL}/`, { method: 'POST' }));
    expect(slash.status).toBe(307);
    expect(slash.headers.get('location')).toBe(MCP_URL);
    const anonymous = await mock.fetch(new Request(MCP_URL, { method: 'PUT' }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const { access_token } = await tokensFor(mock);
    const put = await mock.fetch(
      new Request(MCP_URL, { method: 'PUT', headers: { authorization: `Bearer ${access_token}` } }),
    );
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, DELETE');
    expect(put.headers.get('mcp-session-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(await put.json()).toStrictEqual({
      jsonrpc: '2.0',
      id: 'server-error',
      error: { code: -32600, message: 'Method Not Allowed' },
    });
  });
});

describe('MCP sessions', () => {
  it('runs the built-in tools through the SDK client; whoami never shows the token', async () => {
    const mock = mockWith();
    const tokens = await tokensFor(mock);
    const { client } = await connectClient(mock, tokens.access_token);
    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name).sort()).toStrictEqual(['echo', 'elevated_echo', 'whoami']);
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    const text = firstText(who);
    expect(text).not.toContain(tokens.access_token);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      client_id: 'public-client',
      subject: 'mock-user',
      scopes: ['read', 'write'],
    });
    expect(typeof parsed['expires_at']).toBe('number');
    expect(firstText(await client.callTool({ name: 'echo', arguments: { message: 'hi there' } }))).toBe(
      'hi there',
    );
    const elevated = await client.callTool({ name: 'elevated_echo', arguments: { message: 'x' } });
    expect(elevated.isError).toBe(true);
    expect(firstText(elevated)).toBe('Missing scope: admin');
    await client.close();
  });

  it('binds a session to the user too: another subject of the same client gets 404 Session not found', async () => {
    /** Issues tokens as usual, but says each access token speaks for the user the test assigned to it. */
    class TwoUserProvider extends InMemoryProvider {
      readonly subjects = new Map<string, string>();
      override async loadAccessToken(token: string): Promise<AccessToken | undefined> {
        const loaded = await super.loadAccessToken(token);
        const subject = this.subjects.get(token);
        return loaded === undefined || subject === undefined ? loaded : { ...loaded, subject };
      }
    }
    const settings: MockAuthServerSettings = { issuerUrl: BASE, clients: ALL_CLIENTS };
    const provider = new TwoUserProvider({ clients: ALL_CLIENTS });
    const mock = createMockAuthServer(settings, { provider });
    const alice = await tokensFor(mock);
    const bob = await tokensFor(mock);
    provider.subjects.set(alice.access_token, 'alice');
    provider.subjects.set(bob.access_token, 'bob');
    const sessionId = await openSession(mock, alice.access_token);
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    const stolen = await mcpPost(mock, list, { ...headers, authorization: `Bearer ${bob.access_token}` });
    expect(stolen.status).toBe(404);
    expect(await stolen.json()).toStrictEqual({
      jsonrpc: '2.0',
      id: 'server-error',
      error: { code: -32600, message: 'Session not found' },
    });
    const own = await mcpPost(mock, list, { ...headers, authorization: `Bearer ${alice.access_token}` });
    expect(own.status).toBe(200);
    await own.body?.cancel();
  });

  it('binds a session to the client that opened it: another client gets 404 Session not found', async () => {
    const mock = mockWith();
    const mine = await tokensFor(mock);
    const theirs = await obtainTokens(caseContext(mock), POST_CLIENT);
    const sessionId = await openSession(mock, mine.access_token);
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    const stolen = await mcpPost(mock, list, { ...headers, authorization: `Bearer ${theirs.access_token}` });
    expect(stolen.status).toBe(404);
    expect(await stolen.json()).toStrictEqual({
      jsonrpc: '2.0',
      id: 'server-error',
      error: { code: -32600, message: 'Session not found' },
    });
    const unknown = await mcpPost(mock, list, {
      ...headers,
      'mcp-session-id': 'nope',
      authorization: `Bearer ${mine.access_token}`,
    });
    expect(unknown.status).toBe(404);
    const own = await mcpPost(mock, list, { ...headers, authorization: `Bearer ${mine.access_token}` });
    expect(own.status).toBe(200);
    await own.body?.cancel();
  });

  it('closes every session when the mock is reset', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    await openSession(mock, access_token);
    expect(mock.mcp.sessions.size).toBe(1);
    mock.control.reset();
    expect(mock.mcp.sessions.size).toBe(0);
  });

  it('closes a session on DELETE, and refuses requests without a session id', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    const authorization = `Bearer ${access_token}`;
    const sessionId = await openSession(mock, access_token);
    expect(mock.mcp.sessions.size).toBe(1);
    const del = await mock.fetch(
      new Request(MCP_URL, { method: 'DELETE', headers: { authorization, 'mcp-session-id': sessionId } }),
    );
    expect(del.status).toBe(200);
    expect(mock.mcp.sessions.size).toBe(0);
    const after = await mcpPost(
      mock,
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { authorization, 'mcp-session-id': sessionId },
    );
    expect(after.status).toBe(404);
    const missing = await mcpPost(mock, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { authorization });
    expect(missing.status).toBe(400);
    const get = await mock.fetch(
      new Request(MCP_URL, { headers: { authorization, accept: 'text/event-stream' } }),
    );
    expect(get.status).toBe(400);
    expect(await get.json()).toStrictEqual({
      jsonrpc: '2.0',
      id: 'server-error',
      error: { code: -32600, message: 'Bad Request: Missing session ID' },
    });
    const garbage = await mock.fetch(
      new Request(MCP_URL, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: '{not json',
      }),
    );
    expect(garbage.status).toBe(400);
    expect(mock.mcp.sessions.size).toBe(0);
  });

  it('keeps at most mcp.maxSessions sessions, closing the least recently used', async () => {
    const mock = mockWith({ mcp: { maxSessions: 2 } });
    const { access_token } = await tokensFor(mock);
    const first = await openSession(mock, access_token);
    await openSession(mock, access_token);
    await openSession(mock, access_token);
    expect(mock.mcp.sessions.size).toBe(2);
    const ids = mock.mcp.sessions.idsOf(principalOf({ clientId: 'public-client', subject: MOCK_SUBJECT }));
    expect(ids).toHaveLength(2);
    expect(ids).not.toContain(first);
  });

  it('serves your own tools: configureMcpServer and mock.mcp.configure', async () => {
    const mock = mockWith(
      {},
      {
        configureMcpServer: (server: McpServer) => {
          server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
            content: [{ type: 'text', text: String(a + b) }],
          }));
        },
      },
    );
    mock.mcp.configure((server) => {
      server.registerResource('greeting', 'mock://greeting', {}, async (uri) => ({
        contents: [{ uri: uri.href, text: 'hello' }],
      }));
    });
    const { access_token } = await tokensFor(mock);
    const { client } = await connectClient(mock, access_token);
    expect(firstText(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }))).toBe('5');
    const resource = await client.readResource({ uri: 'mock://greeting' });
    expect(resource.contents[0]).toMatchObject({ text: 'hello' });
    await client.close();
  });
});

describe('CORS on /mcp (beyondFastMcp.mcpCors)', () => {
  it('is absent in FastMCP mode: a preflight gets the bearer challenge (401) and nothing is exposed', async () => {
    const mock = mockWith();
    const preflight = await mock.fetch(
      new Request(MCP_URL, {
        method: 'OPTIONS',
        headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' },
      }),
    );
    expect(preflight.status).toBe(401);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const denied = await mcpPost(mock, INITIALIZE, { origin: 'http://app.example' });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows Authorization and the MCP headers, and exposes WWW-Authenticate and Mcp-Session-Id', async () => {
    const mock = mockWith({ beyondFastMcp: { mcpCors: true } });
    const preflight = await mock.fetch(
      new Request(MCP_URL, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers':
            'authorization, content-type, mcp-session-id, mcp-protocol-version',
        },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const header of [
      'authorization',
      'mcp-session-id',
      'mcp-protocol-version',
      'last-event-id',
      'content-type',
    ]) {
      expect(allowed).toContain(header);
    }
    const challenge = await mcpPost(mock, INITIALIZE, { origin: 'http://app.example' });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = (challenge.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    expect(exposed).toContain('www-authenticate');
    expect(exposed).toContain('mcp-session-id');
  });
});
