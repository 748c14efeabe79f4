import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_ROUNDS, MAX_INPUTS_PER_ROUND } from '../../../src/session/input-required.js';
import { StatelessTransport, withMethodHeaders } from '../../../src/session/stateless-transport.js';
import { ToolHeaderRegistry } from '../../../src/session/tool-header-registry.js';

/**
 * Records what the wrapper hands to the HTTP transport below it. The wrapper's own `tools/list` lookups (before
 * calling a tool it has not seen listed) are answered with `listed` and recorded apart.
 */
function recordingTransport(listed: unknown[] = []) {
  const sent: unknown[] = [];
  const lookups: unknown[] = [];
  const versions: string[] = [];
  const inner: Transport & { setProtocolVersion(version: string): void } = {
    start: async () => undefined,
    close: async () => undefined,
    send: async (message) => {
      const record = message as { id?: unknown; method?: string };
      if (record.method === 'tools/list' && String(record.id).startsWith('mcp-authed-client/')) {
        lookups.push(message);
        queueMicrotask(() =>
          inner.onmessage?.({ jsonrpc: '2.0', id: record.id, result: { tools: listed } } as JSONRPCMessage),
        );
        return;
      }
      sent.push(message);
    },
    setProtocolVersion: (version) => {
      versions.push(version);
    },
  };
  return { inner, sent, versions, lookups };
}

const initialize = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: { roots: {} },
    clientInfo: { name: 'c', version: '1' },
  },
} as JSONRPCMessage;

describe('StatelessTransport', () => {
  it('turns initialize into server/discover and its answer into an initialize result', async () => {
    const { inner, sent, versions } = recordingTransport();
    const transport = new StatelessTransport(inner, '2026-07-28');
    const received: unknown[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.send(initialize);
    expect(versions).toEqual(['2026-07-28']);
    expect(sent).toEqual([
      {
        jsonrpc: '2.0',
        id: 0,
        method: 'server/discover',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': { roots: {} },
            'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
          },
        },
      },
    ]);
    inner.onmessage?.({
      jsonrpc: '2.0',
      id: 0,
      result: {
        supportedVersions: ['2026-07-28'],
        capabilities: { tools: {} },
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 's', version: '2' } },
      },
    } as JSONRPCMessage);
    expect(received).toEqual([
      {
        jsonrpc: '2.0',
        id: 0,
        result: {
          protocolVersion: '2025-11-25',
          capabilities: { tools: {} },
          serverInfo: { name: 's', version: '2' },
        },
      },
    ]);
  });

  it('drops notifications/initialized, adds _meta to every other message and keeps the wire version', async () => {
    const { inner, sent, versions } = recordingTransport();
    const transport = new StatelessTransport(inner, '2026-07-28');
    await transport.send(initialize);
    sent.length = 0;
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JSONRPCMessage);
    await transport.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 't', arguments: {}, _meta: { progressToken: 7 } },
    } as JSONRPCMessage);
    transport.setProtocolVersion();
    expect(sent).toEqual([
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 't',
          arguments: {},
          _meta: {
            progressToken: 7,
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': { roots: {} },
            'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
          },
        },
      },
    ]);
    expect(versions).toEqual(['2026-07-28', '2026-07-28']);
  });

  it('passes other answers through untouched', async () => {
    const { inner } = recordingTransport();
    const transport = new StatelessTransport(inner, '2026-07-28');
    const received: unknown[] = [];
    transport.onmessage = (message) => received.push(message);
    const answer = { jsonrpc: '2.0', id: 5, result: { tools: [] } } as JSONRPCMessage;
    inner.onmessage?.(answer);
    expect(received).toEqual([answer]);
  });
});

describe('withMethodHeaders', () => {
  const capture = () => {
    const seen: Headers[] = [];
    const fetch = withMethodHeaders(async (_input, init) => {
      seen.push(new Headers(init?.headers));
      return new Response(null, { status: 202 });
    });
    return { seen, fetch };
  };

  it('sets Mcp-Method always and Mcp-Name for named operations', async () => {
    const { seen, fetch } = capture();
    const post = (body: unknown) => fetch('https://m/mcp', { method: 'POST', body: JSON.stringify(body) });
    await post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } });
    await post({ jsonrpc: '2.0', id: 2, method: 'resources/read', params: { uri: 'file:///a' } });
    await post({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
    expect(seen.map((h) => [h.get('mcp-method'), h.get('mcp-name')])).toEqual([
      ['tools/call', 'echo'],
      ['resources/read', 'file:///a'],
      ['tools/list', null],
    ]);
  });

  it('leaves requests without a JSON-RPC body alone', async () => {
    const { seen, fetch } = capture();
    await fetch('https://m/mcp', { method: 'GET' });
    await fetch('https://m/mcp', { method: 'POST', body: 'not json' });
    expect(seen.map((h) => h.get('mcp-method'))).toEqual([null, null]);
  });
});

describe('StatelessTransport: tools with header annotations', () => {
  const tools = [
    {
      name: 'good',
      inputSchema: { type: 'object', properties: { r: { type: 'string', 'x-mcp-header': 'R' } } },
    },
    {
      name: 'bad',
      inputSchema: { type: 'object', properties: { s: { type: 'number', 'x-mcp-header': 'S' } } },
    },
  ];

  it('leaves invalid tools out of tools/list, says so, and refuses to call them without sending anything', async () => {
    const { inner, sent } = recordingTransport();
    const rejected: string[] = [];
    const transport = new StatelessTransport(inner, '2026-07-28', {
      onToolRejected: (tool) => rejected.push(tool.name),
    });
    const received: unknown[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} } as JSONRPCMessage);
    inner.onmessage?.({ jsonrpc: '2.0', id: 1, result: { tools } } as JSONRPCMessage);
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, result: { tools: [tools[0]] } }]);
    expect(rejected).toEqual(['bad']);

    sent.length = 0;
    await transport.send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'bad' },
    } as JSONRPCMessage);
    await Promise.resolve();
    expect(sent).toEqual([]);
    expect(received[1]).toMatchObject({
      id: 2,
      error: { code: -32602, message: expect.stringMatching(/"bad"/) },
    });
  });
});

describe('StatelessTransport: input-required results', () => {
  const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 't', arguments: {} } };
  const inputRequired = (state?: string) => ({
    jsonrpc: '2.0',
    id: 7,
    result: {
      resultType: 'input_required',
      inputRequests: { confirm: { method: 'elicitation/create', params: { message: 'ok?' } } },
      ...(state === undefined ? {} : { requestState: state }),
    },
  });

  async function asked(state?: string) {
    const { inner, sent } = recordingTransport();
    const transport = new StatelessTransport(inner, '2026-07-28');
    const received: Array<Record<string, unknown>> = [];
    transport.onmessage = (message) => received.push(message as unknown as Record<string, unknown>);
    await transport.send(call as JSONRPCMessage);
    inner.onmessage?.(inputRequired(state) as JSONRPCMessage);
    return { inner, sent, transport, received };
  }

  it('hands the input request to the client, then retries under a new id with the answers and the exact state', async () => {
    const { inner, sent, transport, received } = await asked('{"opaque": "state"}');
    expect(received).toHaveLength(1);
    const question = received[0] ?? {};
    expect(question).toMatchObject({ method: 'elicitation/create', params: { message: 'ok?' } });

    await transport.send({
      jsonrpc: '2.0',
      id: question['id'],
      result: { action: 'accept', content: {} },
    } as JSONRPCMessage);
    const retry = sent[1] as { id: unknown; params: Record<string, unknown> };
    expect(retry.id).not.toBe(7);
    expect(retry.params).toMatchObject({
      name: 't',
      inputResponses: { confirm: { action: 'accept', content: {} } },
      requestState: '{"opaque": "state"}',
    });

    inner.onmessage?.({ jsonrpc: '2.0', id: retry.id, result: { content: [] } } as JSONRPCMessage);
    expect(received[1]).toEqual({ jsonrpc: '2.0', id: 7, result: { content: [] } });
  });

  it('sends no requestState when the server gave none', async () => {
    const { sent, transport, received } = await asked();
    await transport.send({
      jsonrpc: '2.0',
      id: received[0]?.['id'],
      result: { action: 'decline' },
    } as JSONRPCMessage);
    expect((sent[1] as { params: Record<string, unknown> }).params).not.toHaveProperty('requestState');
  });

  it('fails the original request when the client cannot answer', async () => {
    const { sent, transport, received } = await asked('s');
    await transport.send({
      jsonrpc: '2.0',
      id: received[0]?.['id'],
      error: { code: -32601, message: 'Method not found' },
    } as JSONRPCMessage);
    await Promise.resolve();
    expect(sent).toHaveLength(1);
    expect(received[1]).toMatchObject({ id: 7, error: { message: expect.stringMatching(/could not give/) } });
  });

  it('gives up after a bounded number of rounds', async () => {
    const { inner, sent, transport, received } = await asked('s');
    for (let round = 1; round <= MAX_INPUT_ROUNDS; round++) {
      const question = received.at(-1) ?? {};
      expect(question['method']).toBe('elicitation/create');
      await transport.send({
        jsonrpc: '2.0',
        id: question['id'],
        result: { action: 'accept' },
      } as JSONRPCMessage);
      const retry = sent.at(-1) as { id: unknown };
      inner.onmessage?.({ ...inputRequired('s'), id: retry.id } as JSONRPCMessage);
    }
    await Promise.resolve();
    expect(sent).toHaveLength(MAX_INPUT_ROUNDS + 1);
    expect(received.at(-1)).toMatchObject({ id: 7, error: { message: expect.stringMatching(/rounds/) } });
  });

  it('refuses a round that asks for more inputs than the bound, handing none to the application', async () => {
    const { inner } = recordingTransport();
    const transport = new StatelessTransport(inner, '2026-07-28');
    const received: Array<Record<string, unknown>> = [];
    transport.onmessage = (message) => received.push(message as unknown as Record<string, unknown>);
    await transport.send(call as JSONRPCMessage);
    const many = Object.fromEntries(
      Array.from({ length: MAX_INPUTS_PER_ROUND + 1 }, (_, index) => [
        `q${index}`,
        { method: 'elicitation/create', params: { message: 'ok?' } },
      ]),
    );
    inner.onmessage?.({
      jsonrpc: '2.0',
      id: 7,
      result: { resultType: 'input_required', inputRequests: many },
    } as JSONRPCMessage);
    await Promise.resolve();
    expect(received).toEqual([
      expect.objectContaining({ id: 7, error: expect.objectContaining({ code: -32602 }) }),
    ]);
  });

  it('does not send a cancellation for a request that is waiting for local input (nothing is on the wire)', async () => {
    const { sent, transport } = await asked('s');
    await transport.send({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 7, reason: 'user' },
    } as JSONRPCMessage);
    expect(sent).toHaveLength(1);
  });
});

describe('withMethodHeaders: encoded names and tool parameters', () => {
  it('encodes a name a header cannot carry and mirrors the annotated arguments of a listed tool', async () => {
    const registry = new ToolHeaderRegistry();
    registry.learn([
      {
        name: 'sql',
        inputSchema: {
          type: 'object',
          properties: {
            region: { type: 'string', 'x-mcp-header': 'Region' },
            priority: { type: 'integer', 'x-mcp-header': 'Priority' },
            query: { type: 'string' },
          },
        },
      },
    ]);
    const seen: Headers[] = [];
    const fetch = withMethodHeaders(async (_input, init) => {
      seen.push(new Headers(init?.headers));
      return new Response(null, { status: 202 });
    }, registry);
    const post = (body: unknown) => fetch('https://m/mcp', { method: 'POST', body: JSON.stringify(body) });
    await post({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'sql', arguments: { region: ' eu ', priority: 3, query: 'x' } },
    });
    await post({ jsonrpc: '2.0', id: 2, method: 'prompts/get', params: { name: 'grüße' } });
    expect(Object.fromEntries(seen[0] ?? [])).toMatchObject({
      'mcp-name': 'sql',
      'mcp-param-region': `=?base64?${btoa(' eu ')}?=`,
      'mcp-param-priority': '3',
    });
    expect(seen[0]?.has('mcp-param-query')).toBe(false);
    expect(seen[1]?.get('mcp-name')).toBe(
      `=?base64?${btoa(String.fromCharCode(...new TextEncoder().encode('grüße')))}?=`,
    );
  });
});

describe('StatelessTransport: calling a tool not listed yet', () => {
  it('reads tools/list first (unseen by the SDK client), then refuses an invalid tool or sends the call', async () => {
    const listed = [
      {
        name: 'bad',
        inputSchema: { type: 'object', properties: { s: { type: 'object', 'x-mcp-header': 'S' } } },
      },
      { name: 'good', inputSchema: { type: 'object' } },
    ];
    const { inner, sent, lookups } = recordingTransport(listed);
    const transport = new StatelessTransport(inner, '2026-07-28');
    const received: unknown[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'bad' },
    } as JSONRPCMessage);
    await Promise.resolve();
    expect(lookups).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(received).toMatchObject([
      { id: 1, error: { message: expect.stringMatching(/"bad" is not callable/) } },
    ]);

    await transport.send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'good' },
    } as JSONRPCMessage);
    expect(lookups).toHaveLength(1);
    expect(sent).toMatchObject([{ id: 2, method: 'tools/call' }]);
  });
});
