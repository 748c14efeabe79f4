/**
 * Which lifecycle the client speaks when the application does not say: it probes `server/discover`, falls back to
 * the initialize handshake, and remembers the verdict per server in its storage. Against the mock serving 2025-11-25,
 * 2026-07-28 or both; then the revision's tool features against the mock: header annotations and input-required
 * results.
 */
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { McpServerConfigurer } from '../../../mock-server/index.js';
import { memoryStorage } from '../../../src/index.js';
import type { AuthedMcpClientOptions } from '../../../src/index.js';
import { createMockWorld, MCP_URL } from './support/mock-world.js';
import * as z from 'zod/v4';

/** The JSON-RPC method of each POST to the MCP URL that the server answered, past authorization (not 401). */
function recordMethods(
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
  methods: string[],
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body =
      request.url === MCP_URL && request.method === 'POST'
        ? ((await request.clone().json()) as { method?: string })
        : undefined;
    const response = await fetch(request);
    if (body?.method !== undefined && response.status !== 401) methods.push(body.method);
    return response;
  };
}

describe('era detection: a 2025-11-25 server (the mock)', () => {
  it('probes server/discover, falls back to initialize, authorizes once, and remembers the verdict', async () => {
    const world = createMockWorld();
    const methods: string[] = [];
    const storage = memoryStorage();
    const options = { fetch: recordMethods(world.fetch, methods), storage };
    const client = await world.connect(options);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
    expect(methods.slice(0, 3)).toEqual(['server/discover', 'initialize', 'notifications/initialized']);
    expect(world.requestsTo('authorize')).toHaveLength(1);
    expect(JSON.parse((await storage.get(`mcp-authed-client/v1/era/${MCP_URL}`)) ?? '{}')).toEqual({
      lifecycle: 'initialize',
    });

    methods.length = 0;
    const again = await world.connect(options);
    await again.close();
    expect(methods[0]).toBe('initialize');
    expect(methods).not.toContain('server/discover');
    expect(world.requestsTo('authorize')).toHaveLength(1);
  });

  it('remembers nothing from a passing refusal of the probe (a 403 page), nor before the client connected', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    const eraKey = `mcp-authed-client/v1/era/${MCP_URL}`;
    // Signed in first, so the probe is the next MCP request and meets the injected refusal.
    await (await world.connect({ storage, protocolVersion: '2025-11-25' })).close();
    world.mock.control.failNext('mcp', { status: 403, times: 1 });
    const client = await world.connect({ storage });
    await client.close();
    expect(await storage.get(eraKey)).toBeUndefined();

    // A handshake that fails leaves nothing behind either.
    world.mock.control.failNext('mcp', { status: 503, times: 3 });
    await world.connect({ storage }).catch(() => undefined);
    expect(await storage.get(eraKey)).toBeUndefined();
  });

  it('does not probe when the application names the revision', async () => {
    const world = createMockWorld();
    const methods: string[] = [];
    const client = await world.connect({
      fetch: recordMethods(world.fetch, methods),
      protocolVersion: '2025-11-25',
    });
    await client.close();
    expect(methods[0]).toBe('initialize');
    expect(methods).not.toContain('server/discover');
  });

  it('forgets a remembered verdict that no longer connects, so the next connection probes again', async () => {
    const world = createMockWorld();
    const storage = memoryStorage();
    await storage.set(
      `mcp-authed-client/v1/era/${MCP_URL}`,
      JSON.stringify({ lifecycle: 'stateless', version: '2026-07-28' }),
    );
    await expect(world.connect({ storage })).rejects.toMatchObject({ step: 'connection' });
    expect(await storage.get(`mcp-authed-client/v1/era/${MCP_URL}`)).toBeUndefined();
    const client = await world.connect({ storage });
    await client.close();
  });
});

describe('era detection: the mock serving 2026-07-28', () => {
  it.each([
    ['only the stateless revision', ['2026-07-28'] as const],
    ['both revisions', ['2025-11-25', '2026-07-28'] as const],
  ])('with %s: detects it, authorizes once, and calls tools statelessly', async (_what, protocolEras) => {
    const world = createMockWorld({ mcp: { protocolEras: [...protocolEras] } });
    const methods: string[] = [];
    const storage = memoryStorage();
    const client = await world.connect({ fetch: recordMethods(world.fetch, methods), storage });
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    await client.close();
    const who = JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '{}') as {
      client_id?: string;
    };
    expect(who.client_id).toBe(world.requestsTo('authorize')[0]?.query['client_id']);
    expect(methods).toEqual(['server/discover', 'tools/list', 'tools/call']);
    expect(world.requestsTo('authorize')).toHaveLength(1);
    expect(JSON.parse((await storage.get(`mcp-authed-client/v1/era/${MCP_URL}`)) ?? '{}')).toEqual({
      lifecycle: 'stateless',
      version: '2026-07-28',
    });
  });
});

describe('the 2026-07-28 revision’s tool features (the mock, stateless)', () => {
  /** A mock serving only the stateless revision, with the bodies of the client's tool calls recorded. */
  function statelessWorld(configure: McpServerConfigurer) {
    const world = createMockWorld({ mcp: { protocolEras: ['2026-07-28'] } });
    world.mock.mcp.configure(configure);
    const calls: Array<Record<string, unknown>> = [];
    const fetch: typeof world.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.url === MCP_URL && request.method === 'POST') {
        const body = (await request.clone().json()) as { method?: string; params?: Record<string, unknown> };
        const response = await world.fetch(request);
        if (body.method === 'tools/call' && response.status !== 401) calls.push(body.params ?? {});
        return response;
      }
      return world.fetch(request);
    };
    return {
      world,
      calls,
      connect: (options: AuthedMcpClientOptions = {}) => world.connect({ fetch, ...options }),
    };
  }

  it('mirrors annotated arguments into Mcp-Param headers, encoded as the revision says', async () => {
    const { connect } = statelessWorld((server) => {
      server.registerTool(
        'region',
        { inputSchema: { region: z.string().meta({ 'x-mcp-header': 'Region' }), query: z.string() } },
        ({ region }, extra) => ({
          content: [
            { type: 'text', text: `${region} via ${String(extra.requestInfo?.headers['mcp-param-region'])}` },
          ],
        }),
      );
    });
    const client = await connect();
    // Not listed by the application: the client reads the tool's definition itself before the call (the mock
    // refuses a call whose annotated argument has no matching header).
    const result = await client.callTool({ name: 'region', arguments: { region: 'Zürich', query: 'q' } });
    await client.close();
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('Zürich via =?base64?WsO8cmljaA==?=');
  });

  it('leaves a tool with an invalid annotation out of tools/list and refuses to call it', async () => {
    const { connect, calls } = statelessWorld((server) => {
      server.registerTool(
        'broken',
        { inputSchema: { score: z.number().meta({ 'x-mcp-header': 'Score' }) } },
        () => ({ content: [{ type: 'text', text: 'called' }] }),
      );
    });
    const client = await connect();
    const skipped: string[] = [];
    client.events.subscribe((event) => {
      if (event.status === 'skipped') skipped.push(event.message);
    });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).not.toContain('broken');
    expect(tools.map((t) => t.name)).toContain('whoami');
    expect(skipped.join('\n')).toMatch(/"broken".*number/);
    await expect(client.callTool({ name: 'broken', arguments: { score: 1.5 } })).rejects.toThrow(
      /not callable/,
    );
    await client.close();
    expect(calls).toEqual([]);
  });

  it('answers an input-required result through the application’s handler and retries with the exact state', async () => {
    const state = '{"opaque":"state, not to be touched"}';
    let attempts = 0;
    const { connect, calls } = statelessWorld((server) => {
      server.registerTool('confirm', {}, () =>
        ++attempts === 1
          ? {
              content: [],
              resultType: 'input_required',
              inputRequests: {
                go: {
                  method: 'elicitation/create',
                  params: {
                    mode: 'form',
                    message: 'Go on?',
                    requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
                  },
                },
              },
              requestState: state,
            }
          : { content: [{ type: 'text', text: 'done' }] },
      );
    });
    const client = await connect({
      mcpClientOptions: { capabilities: { elicitation: { form: {} } } },
      beforeConnect: (c) => {
        c.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { ok: true } }));
      },
    });
    const result = await client.callTool({ name: 'confirm', arguments: {} });
    await client.close();
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('done');
    expect(calls).toHaveLength(2);
    expect(calls[0]).not.toHaveProperty('requestState');
    expect(calls[1]).toMatchObject({
      inputResponses: { go: { action: 'accept', content: { ok: true } } },
      requestState: state,
    });
  });
});
