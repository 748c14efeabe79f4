/**
 * The MCP endpoint's 2026-07-28 path (`mcp.protocolEras`): `server/discover`, stateless tools with per-request
 * `_meta`, the revision's header validation and error codes, the same bearer rules as the session path, and a
 * dual-era endpoint choosing the path from how the client opens.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/v4';
import {
  createMockAuthServer,
  SettingsError,
  type MockAuthServerSettings,
} from '../../../mock-server/index.js';
import { ALL_CLIENTS } from './helpers.js';
import { BASE, INITIALIZE, mcpPost, PRM_URL, tokensFor } from './mcp-helpers.js';

const VERSION = '2026-07-28';
const META = {
  'io.modelcontextprotocol/protocolVersion': VERSION,
  'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

function mockWith(settings: Partial<MockAuthServerSettings> = {}) {
  return createMockAuthServer({
    issuerUrl: BASE,
    clients: ALL_CLIENTS,
    mcp: { protocolEras: [VERSION] },
    ...settings,
  });
}

interface ModernCall {
  readonly id: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

let nextId = 1;
/** A modern request: body with `_meta`, and the headers the revision asks for (each overridable, `null` drops it). */
function modern(
  method: string,
  params: Record<string, unknown> = {},
  headers: Record<string, string | null> = {},
): ModernCall {
  const id = nextId++;
  const name = method === 'tools/call' ? params['name'] : undefined;
  const all: Record<string, string | null> = {
    'mcp-protocol-version': VERSION,
    'mcp-method': method,
    ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
    ...headers,
  };
  const sent = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
  return { id, body: { jsonrpc: '2.0', id, method, params: { _meta: META, ...params } }, headers: sent };
}

async function send(
  mock: ReturnType<typeof mockWith>,
  token: string,
  call: ModernCall,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const response = await mcpPost(mock, call.body, { authorization: `Bearer ${token}`, ...call.headers });
  expect(response.headers.get('content-type')).toBe('application/json');
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const errorOf = (json: Record<string, unknown>) =>
  json['error'] as { code: number; message: string; data?: unknown };

describe('mcp.protocolEras', () => {
  it('defaults to FastMCP’s sessions, both eras with spec latest, and refuses unknown or empty lists', () => {
    const eras = (settings: Partial<MockAuthServerSettings>) =>
      createMockAuthServer({ issuerUrl: BASE, ...settings }).settings.mcp.protocolEras;
    expect(eras({})).toEqual(['2025-11-25']);
    expect(eras({ spec: 'latest' })).toEqual(['2025-11-25', VERSION]);
    expect(eras({ spec: 'latest', mcp: { protocolEras: [VERSION] } })).toEqual([VERSION]);
    for (const bad of [[], ['2024-11-05'], 'both']) {
      expect(() => eras({ mcp: { protocolEras: bad as never } })).toThrow(SettingsError);
    }
  });
});

describe('the 2026-07-28 stateless path', () => {
  it('answers server/discover with its versions, capabilities, server info and cache hints', async () => {
    const mock = mockWith({ mcp: { protocolEras: [VERSION], serverName: 'named' } });
    const { access_token } = await tokensFor(mock);
    const call = modern('server/discover');
    const { status, json, headers } = await send(mock, access_token, call);
    expect(status).toBe(200);
    expect(headers.get('mcp-session-id')).toBeNull();
    expect(json).toMatchObject({
      jsonrpc: '2.0',
      id: call.id,
      result: {
        supportedVersions: [VERSION],
        capabilities: { tools: {} },
        resultType: 'complete',
        ttlMs: 0,
        cacheScope: 'private',
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'named', version: expect.any(String) } },
      },
    });
  });

  it('lists and calls the built-in tools; whoami names the token’s principal, echo echoes', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    const list = await send(mock, access_token, modern('tools/list'));
    const result = list.json['result'] as { tools: Array<{ name: string }>; resultType: string };
    expect(result.tools.map((t) => t.name)).toEqual(['whoami', 'echo', 'elevated_echo']);
    expect(result.resultType).toBe('complete');
    const who = await send(mock, access_token, modern('tools/call', { name: 'whoami', arguments: {} }));
    const whoResult = who.json['result'] as { structuredContent: { client_id: string; scopes: string[] } };
    expect(whoResult.structuredContent.client_id).toBe('public-client');
    expect(whoResult.structuredContent.scopes).toEqual(['read', 'write']);
    const echo = await send(
      mock,
      access_token,
      modern('tools/call', { name: 'echo', arguments: { message: 'hé' } }),
    );
    expect(echo.json['result']).toEqual({ content: [{ type: 'text', text: 'hé' }], resultType: 'complete' });
  });

  it('keeps two callers that use the same JSON-RPC id apart', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    const a = modern('tools/call', { name: 'echo', arguments: { message: 'a' } });
    const b = modern('tools/call', { name: 'echo', arguments: { message: 'b' } });
    const [ra, rb] = await Promise.all([
      send(mock, access_token, { ...a, body: { ...a.body, id: 7 } }),
      send(mock, access_token, { ...b, body: { ...b.body, id: 7 } }),
    ]);
    expect(ra.json['result']).toMatchObject({ content: [{ text: 'a' }] });
    expect(rb.json['result']).toMatchObject({ content: [{ text: 'b' }] });
  });

  it('serves tools your configurers add, also ones added after the first request', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    await send(mock, access_token, modern('tools/list'));
    mock.mcp.configure((server) => {
      server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
        content: [{ type: 'text', text: String(a + b) }],
      }));
    });
    const sum = await send(
      mock,
      access_token,
      modern('tools/call', { name: 'add', arguments: { a: 2, b: 3 } }),
    );
    expect(sum.json['result']).toMatchObject({ content: [{ text: '5' }] });
  });

  it('checks Mcp-Param headers against the arguments a tool annotates with x-mcp-header', async () => {
    const mock = mockWith();
    mock.mcp.configure((server) => {
      server.registerTool(
        'route',
        {
          inputSchema: {
            region: z.string().meta({ 'x-mcp-header': 'Region' }),
            shard: z.number().int().optional().meta({ 'x-mcp-header': 'Shard' }),
          },
        },
        ({ region }, extra) => ({
          content: [
            { type: 'text', text: `${region} via ${String(extra.requestInfo?.headers['mcp-param-region'])}` },
          ],
        }),
      );
    });
    const { access_token } = await tokensFor(mock);
    const route = (args: Record<string, unknown>, headers: Record<string, string>) =>
      send(mock, access_token, modern('tools/call', { name: 'route', arguments: args }, headers));
    const ok = await route(
      { region: 'eu', shard: 7 },
      { 'mcp-param-region': 'eu', 'mcp-param-shard': '7.0' },
    );
    expect(ok.json['result']).toMatchObject({ content: [{ text: 'eu via eu' }] });
    const encoded = await route(
      { region: ' 世界 ' },
      { 'mcp-param-region': `=?base64?${Buffer.from(' 世界 ').toString('base64')}?=` },
    );
    expect(encoded.status).toBe(200);
    for (const headers of [
      {},
      { 'mcp-param-region': 'us' },
      { 'mcp-param-region': 'eu', 'mcp-param-shard': '8' },
    ]) {
      const refused = await route({ region: 'eu', shard: 7 }, headers);
      expect([refused.status, errorOf(refused.json).code]).toEqual([400, -32020]);
    }
  });

  it('passes a tool’s input-required result through (SEP-2322) instead of calling it complete', async () => {
    const mock = mockWith();
    mock.mcp.configure((server) => {
      server.registerTool('confirm', {}, () => ({
        content: [],
        resultType: 'input_required',
        inputRequests: { ok: { method: 'elicitation/create', params: { mode: 'form', message: 'Go on?' } } },
        requestState: 'opaque',
      }));
    });
    const { access_token } = await tokensFor(mock);
    const answer = await send(mock, access_token, modern('tools/call', { name: 'confirm', arguments: {} }));
    expect(answer.json['result']).toMatchObject({ resultType: 'input_required', requestState: 'opaque' });
  });

  it('rejects missing or wrong request metadata with the revision’s codes, keeping the request id', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    const cases: Array<[ModernCall, number, number]> = [
      [modern('tools/list', {}, { 'mcp-protocol-version': null }), 400, -32020],
      [modern('tools/list', {}, { 'mcp-method': null }), 400, -32020],
      [modern('tools/list', {}, { 'mcp-method': 'tools/call' }), 400, -32020],
      [
        modern('tools/call', { name: 'echo', arguments: { message: 'x' } }, { 'mcp-name': null }),
        400,
        -32020,
      ],
      [
        modern('tools/call', { name: 'echo', arguments: { message: 'x' } }, { 'mcp-name': 'whoami' }),
        400,
        -32020,
      ],
      [modern('tools/list', {}, { 'mcp-protocol-version': '2025-11-25' }), 400, -32020],
      [modern('initialize'), 404, -32601],
      [modern('ping'), 404, -32601],
      [modern('unknown/method'), 404, -32601],
    ];
    for (const [call, status, code] of cases) {
      const answer = await send(mock, access_token, call);
      expect([answer.status, errorOf(answer.json).code, answer.json['id']]).toEqual([status, code, call.id]);
    }
    const noMeta = modern('server/discover');
    const body = { ...noMeta.body, params: {} };
    const missing = await send(mock, access_token, { ...noMeta, body });
    expect([missing.status, errorOf(missing.json).code]).toEqual([400, -32602]);
    expect(errorOf(missing.json).message).toContain('io.modelcontextprotocol/protocolVersion');
  });

  it('answers an unsupported version with -32022 naming the supported and the requested version', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    const call = modern('server/discover', {}, { 'mcp-protocol-version': 'v999.0.0' });
    const body = {
      ...call.body,
      params: { _meta: { ...META, 'io.modelcontextprotocol/protocolVersion': 'v999.0.0' } },
    };
    const answer = await send(mock, access_token, { ...call, body });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.json)).toEqual({
      code: -32022,
      message: 'Unsupported protocol version',
      data: { supported: [VERSION], requested: 'v999.0.0' },
    });
  });

  it('accepts a Base64-encoded Mcp-Name and refuses a malformed one', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    const encoded = `=?base64?${btoa('echo')}?=`;
    const call = modern(
      'tools/call',
      { name: 'echo', arguments: { message: 'ok' } },
      { 'mcp-name': encoded },
    );
    expect((await send(mock, access_token, call)).status).toBe(200);
    const broken = modern(
      'tools/call',
      { name: 'echo', arguments: { message: 'ok' } },
      { 'mcp-name': '=?base64?!!?=' },
    );
    expect(errorOf((await send(mock, access_token, broken)).json).code).toBe(-32020);
  });

  it('refuses bodies that are not one request (parse error, batch) and takes notifications with 202', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    const headers = { authorization: `Bearer ${access_token}`, 'mcp-protocol-version': VERSION };
    const batch = await mcpPost(mock, [modern('tools/list').body], headers);
    expect([batch.status, errorOf((await batch.json()) as Record<string, unknown>).code]).toEqual([
      400, -32600,
    ]);
    const garbage = await mock.fetch(
      new Request(`${BASE}/mcp`, {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: '{not json',
      }),
    );
    expect([garbage.status, errorOf((await garbage.json()) as Record<string, unknown>).code]).toEqual([
      400, -32700,
    ]);
    const notification = await mcpPost(
      mock,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      headers,
    );
    expect(notification.status).toBe(202);
  });

  it('answers GET and DELETE with 405, and ignores Mcp-Session-Id', async () => {
    const mock = mockWith();
    const { access_token } = await tokensFor(mock);
    for (const method of ['GET', 'DELETE']) {
      const response = await mock.fetch(
        new Request(`${BASE}/mcp`, { method, headers: { authorization: `Bearer ${access_token}` } }),
      );
      expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
    }
    const call = modern('tools/list', {}, { 'mcp-session-id': 'made-up' });
    expect((await send(mock, access_token, call)).status).toBe(200);
    expect(mock.mcp.sessions.size).toBe(0);
  });

  it('keeps the bearer rules: 401 challenge without a token, 403 insufficient_scope with step-up', async () => {
    const mock = mockWith({ beyondFastMcp: { stepUpChallenge: true } });
    const call = modern('tools/list');
    const anonymous = await mcpPost(mock, call.body, call.headers);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain(`resource_metadata="${PRM_URL}"`);
    const { access_token } = await tokensFor(mock);
    const elevated = modern('tools/call', { name: 'elevated_echo', arguments: { message: 'x' } });
    const refused = await mcpPost(mock, elevated.body, {
      authorization: `Bearer ${access_token}`,
      ...elevated.headers,
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="read write admin"');
  });
});

describe('CORS for the revision’s headers (mcpCors)', () => {
  it('allows Mcp-Method, Mcp-Name and the Mcp-Param headers a preflight asks for', async () => {
    const mock = mockWith({ beyondFastMcp: { mcpCors: true } });
    const preflight = await mock.fetch(
      new Request(`${BASE}/mcp`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'mcp-method, mcp-name, mcp-param-region, x-other',
        },
      }),
    );
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(', ');
    expect(allowed).toEqual(expect.arrayContaining(['mcp-method', 'mcp-name', 'mcp-param-region']));
    expect(allowed).not.toContain('x-other');
  });
});

describe('a dual-era endpoint (both protocol eras)', () => {
  it('serves modern requests statelessly and initialize with a session, side by side', async () => {
    const mock = mockWith({ mcp: { protocolEras: ['2025-11-25', VERSION] } });
    const { access_token } = await tokensFor(mock);
    const discover = await send(mock, access_token, modern('server/discover'));
    expect(discover.status).toBe(200);
    const opened = await mcpPost(mock, INITIALIZE, { authorization: `Bearer ${access_token}` });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('mcp-session-id')).toMatch(/^[0-9a-f]{32}$/);
    await opened.body?.cancel();
    expect(mock.mcp.sessions.size).toBe(1);
    // A legacy request without a session is still FastMCP's "Missing session ID", not a modern error.
    const legacy = await mcpPost(
      mock,
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      {
        authorization: `Bearer ${access_token}`,
      },
    );
    expect(legacy.status).toBe(400);
    expect(await legacy.text()).toContain('Missing session ID');
  });

  it('is what spec latest serves, and FastMCP mode answers a modern probe with a legacy error', async () => {
    const latest = createMockAuthServer({ issuerUrl: BASE, clients: ALL_CLIENTS, spec: 'latest' });
    const token = (await tokensFor(latest)).access_token;
    expect((await send(latest, token, modern('server/discover'))).status).toBe(200);
    const fastmcp = createMockAuthServer({ issuerUrl: BASE, clients: ALL_CLIENTS });
    const probe = modern('server/discover');
    const answer = await mcpPost(fastmcp, probe.body, {
      authorization: `Bearer ${(await tokensFor(fastmcp)).access_token}`,
      ...probe.headers,
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { id: unknown }).id).toBe('server-error');
  });
});
