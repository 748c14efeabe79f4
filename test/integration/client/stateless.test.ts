/**
 * The client on the 2026-07-28 stateless revision against the mock's own MCP endpoint (`mcp.protocolEras`): the same
 * authorization, then `server/discover` and per-request `_meta` with the revision's headers, which the mock checks.
 */
import { describe, expect, it } from 'vitest';
import type { MockAuthServerSettings, WhoAmI } from '../../../mock-server/index.js';
import { createMockWorld, MCP_URL } from './support/mock-world.js';

const STATELESS_ONLY: Partial<MockAuthServerSettings> = { mcp: { protocolEras: ['2026-07-28'] } };

/** The world's fetch, noting the `Mcp-Method` of every MCP request the endpoint answered past authorization. */
function recording(world: ReturnType<typeof createMockWorld>, methods: string[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await world.fetch(request);
    const method = request.headers.get('mcp-method');
    if (request.url === MCP_URL && method !== null && response.status !== 401) {
      methods.push(`${method} ${response.status}`);
    }
    return response;
  };
}

describe('the 2026-07-28 stateless revision, against the mock', () => {
  it('authorizes the same way, then lists and calls tools statelessly with the headers the mock checks', async () => {
    const world = createMockWorld(STATELESS_ONLY);
    const methods: string[] = [];
    const client = await world.connect({ fetch: recording(world, methods), protocolVersion: '2026-07-28' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['whoami', 'echo', 'elevated_echo']);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const clientId = world.requestsTo('authorize')[0]?.query['client_id'];
    expect((result.structuredContent as unknown as WhoAmI).client_id).toBe(clientId);
    const echo = await client.callTool({ name: 'echo', arguments: { message: 'stateless' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'stateless' }]);
    expect(methods.slice(-3)).toEqual(['tools/list 200', 'tools/call 200', 'tools/call 200']);
    expect(world.mock.mcp.sessions.size).toBe(0);
    expect(world.requestsTo('authorize')).toHaveLength(1);
    await client.close();
  });

  it('finds the stateless era by itself on a stateless-only mock and on a dual-era one (spec latest)', async () => {
    for (const settings of [STATELESS_ONLY, { spec: 'latest' } as const]) {
      const world = createMockWorld(settings);
      const methods: string[] = [];
      const client = await world.connect({ fetch: recording(world, methods) });
      expect((await client.callTool({ name: 'echo', arguments: { message: 'hi' } })).content).toEqual([
        { type: 'text', text: 'hi' },
      ]);
      expect(methods[0]).toBe('server/discover 200');
      expect(world.mock.mcp.sessions.size).toBe(0);
      await client.close();
    }
  });
});
