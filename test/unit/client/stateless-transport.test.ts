import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { StatelessTransport, withMethodHeaders } from '../../../src/session/stateless-transport.js';

/** Records what the wrapper hands to the HTTP transport below it. */
function recordingTransport() {
  const sent: unknown[] = [];
  const versions: string[] = [];
  const inner: Transport & { setProtocolVersion(version: string): void } = {
    start: async () => undefined,
    close: async () => undefined,
    send: async (message) => {
      sent.push(message);
    },
    setProtocolVersion: (version) => {
      versions.push(version);
    },
  };
  return { inner, sent, versions };
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
