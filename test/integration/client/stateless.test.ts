import { describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../../../mock-server/index.js';
import { createAuthedMcpClient, headlessAuthorize } from '../../../src/index.js';
import { FASTMCP_WITH_REGISTRATION, MCP_URL, REDIRECT_URI } from './support/mock-world.js';
import { statelessMcpFetch } from './support/stateless-mcp.js';

describe('the 2026-07-28 stateless revision', () => {
  it('authorizes the same way, then speaks server/discover and per-request _meta with method headers', async () => {
    const mock = createMockAuthServer(FASTMCP_WITH_REGISTRATION);
    const fetch = statelessMcpFetch(mock, MCP_URL);
    const methods: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const method = new Headers(init?.headers).get('mcp-method');
      if (method !== null && response.status === 200) methods.push(method);
      return response;
    };
    const client = await createAuthedMcpClient(MCP_URL, {
      fetch: recording,
      authorize: headlessAuthorize({ fetch }),
      clientMetadata: { redirectUri: REDIRECT_URI },
      protocolVersion: '2026-07-28',
    });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['whoami']);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const clientId = mock.control.requests().find((entry) => entry.endpoint === 'authorize')?.query[
      'client_id'
    ];
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe(clientId);
    expect(methods).toEqual(['server/discover', 'tools/list', 'tools/call']);
    await client.close();
  });
});
