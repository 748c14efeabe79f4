/**
 * The MCP endpoint's transport answers as FastMCP's (Python SDK v1.x Streamable HTTP): DNS-rebinding protection on
 * Host and Origin (over real HTTP, where Host is what the client sent), its JSON-RPC errors, session termination
 * and the initialize result. The fidelity replay (test/fidelity) compares all of this with recorded FastMCP traffic;
 * these cases pin the settings that the recording cannot vary.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { MockAuthServerSettings } from '../../../mock-server/index.js';
import { startMockAuthServer, type RunningServer } from '../../../mock-server/runtimes/node-entry.js';
import { obtainTokens, PUBLIC_CLIENT } from './helpers.js';
import { INITIALIZE } from './mcp-helpers.js';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with exactly these headers (fetch would not let a test choose Host). */
function raw(port: number, method: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path: '/mcp', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          // An SSE answer ends with its single event; stop reading there.
          if (String(res.headers['content-type']).startsWith('text/event-stream')) res.destroy();
        });
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function serverWithToken(settings: Partial<MockAuthServerSettings> = {}) {
  const server = await startMockAuthServer({ clients: [PUBLIC_CLIENT], ...settings });
  running.push(server);
  const tokens = await obtainTokens({ fetch, baseUrl: server.url }, PUBLIC_CLIENT);
  const post = (headers: Record<string, string>, body: unknown = INITIALIZE) =>
    raw(
      server.port,
      'POST',
      {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      JSON.stringify(body),
    );
  return { server, tokens, post };
}

describe('DNS-rebinding protection of /mcp', () => {
  it('is on for a mock on 127.0.0.1: a foreign Host gets 421, a foreign Origin 403, loopback ones pass', async () => {
    const { server, post } = await serverWithToken();
    const foreignHost = await post({ host: `evil.example:${server.port}` });
    expect(foreignHost).toMatchObject({ status: 421, body: 'Invalid Host header' });
    expect(foreignHost.headers['content-type']).toBeUndefined();
    const foreignOrigin = await post({ origin: 'https://evil.example' });
    expect(foreignOrigin).toMatchObject({ status: 403, body: 'Invalid Origin header' });
    expect((await post({ host: `localhost:${server.port}`, origin: 'http://localhost:5173' })).status).toBe(
      200,
    );
  });

  it('follows transportSecurity: its own allow-lists with `:*` for any port, or off', async () => {
    const custom = await serverWithToken({
      transportSecurity: { allowedHosts: ['mcp.example:*'], allowedOrigins: ['https://app.example'] },
    });
    expect((await custom.post({})).status).toBe(421);
    expect((await custom.post({ host: 'mcp.example:443', origin: 'https://app.example' })).status).toBe(200);
    expect((await custom.post({ host: 'mcp.example:443', origin: 'https://app.example:8443' })).status).toBe(
      403,
    );

    const off = await serverWithToken({ transportSecurity: { enableDnsRebindingProtection: false } });
    expect((await off.post({ host: 'evil.example', origin: 'https://evil.example' })).status).toBe(200);
  });
});

describe('the Streamable HTTP transport, as the Python SDK answers', () => {
  it('answers a non-JSON content type with 400 plain text before anything else', async () => {
    const { post } = await serverWithToken();
    const refused = await post({ 'content-type': 'text/plain' });
    expect(refused).toMatchObject({ status: 400, body: 'Invalid Content-Type header' });
  });

  it('advertises FastMCP capabilities, terminates sessions on DELETE and says so afterwards', async () => {
    const { server, tokens, post } = await serverWithToken();
    const opened = await post({});
    expect(opened.status).toBe(200);
    const sessionId = String(opened.headers['mcp-session-id']);
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    const data = JSON.parse(opened.body.split('data: ')[1] ?? '') as { result: { capabilities: unknown } };
    expect(data.result.capabilities).toStrictEqual({
      experimental: {},
      prompts: { listChanged: false },
      resources: { subscribe: false, listChanged: false },
      tools: { listChanged: false },
    });
    const inSession = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    const accepted = await post(inSession, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(accepted).toMatchObject({ status: 202, body: '' });
    expect(accepted.headers['content-type']).toBe('application/json');
    expect(accepted.headers['mcp-session-id']).toBe(sessionId);

    const unknown = await post(inSession, { jsonrpc: '2.0', id: 3, method: 'nope/nothing' });
    expect(unknown.body).toContain(
      '{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Invalid request parameters","data":""}}',
    );

    const authorization = `Bearer ${tokens.access_token}`;
    const deleted = await raw(server.port, 'DELETE', { authorization, ...inSession });
    expect(deleted.status).toBe(200);
    expect(deleted.headers['mcp-session-id']).toBe(sessionId);
    const after = await post(inSession, { jsonrpc: '2.0', id: 4, method: 'ping' });
    expect(after.status).toBe(404);
    expect(JSON.parse(after.body)).toStrictEqual({
      jsonrpc: '2.0',
      id: 'server-error',
      error: { code: -32600, message: 'Not Found: Session has been terminated' },
    });
  });

  it('names itself as mcp.serverName says (FastMCP: its name)', async () => {
    const { post } = await serverWithToken({ mcp: { serverName: 'my-server' } });
    const opened = await post({});
    expect(opened.body).toContain('"serverInfo":{"name":"my-server","version":');
  });

  it('refuses `Bearer  <token>` (two spaces) with 401, as FastMCP does not trim', async () => {
    const { tokens, post } = await serverWithToken();
    expect((await post({ authorization: `Bearer  ${tokens.access_token}` })).status).toBe(401);
    expect((await post({ authorization: `bearer ${tokens.access_token}` })).status).toBe(200);
  });
});
