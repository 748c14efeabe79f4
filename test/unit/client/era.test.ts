import { describe, expect, it } from 'vitest';
import {
  eraOfAnswer,
  forgetEra,
  messageOfBody,
  rememberedEra,
  rememberEra,
} from '../../../src/session/era.js';
import { memoryStorage } from '../../../src/index.js';

const OURS = ['2026-07-28'];

describe('eraOfAnswer', () => {
  it('is stateless only for a discovery result that lists a revision we speak', () => {
    const result = { supportedVersions: ['2026-07-28'], capabilities: {} };
    expect(eraOfAnswer(200, { jsonrpc: '2.0', id: 1, result }, OURS)).toEqual({
      lifecycle: 'stateless',
      version: '2026-07-28',
      discovered: result,
    });
    expect(
      eraOfAnswer(200, { jsonrpc: '2.0', id: 1, result: { supportedVersions: ['2025-11-25'] } }, OURS),
    ).toEqual({
      lifecycle: 'initialize',
    });
    expect(eraOfAnswer(400, { error: { code: -32000, message: 'no session' } }, OURS)).toEqual({
      lifecycle: 'initialize',
    });
    expect(eraOfAnswer(404, undefined, OURS)).toEqual({ lifecycle: 'initialize' });
  });
});

describe('messageOfBody', () => {
  it('reads JSON, or the first answer of an event stream', () => {
    expect(messageOfBody('application/json', '{"id":1,"result":{}}')).toEqual({ id: 1, result: {} });
    const stream =
      'event: message\ndata: {"method":"notifications/message"}\n\nevent: message\ndata: {"id":1,\ndata: "result":{}}\n\n';
    expect(messageOfBody('text/event-stream', stream)).toEqual({ id: 1, result: {} });
    expect(messageOfBody('application/json', 'not json')).toBeUndefined();
  });
});

describe('remembered era', () => {
  it('is stored per server URL and can be forgotten', async () => {
    const storage = memoryStorage();
    const a = new URL('https://a.example/mcp');
    const b = new URL('https://b.example/mcp');
    await rememberEra(storage, a, { lifecycle: 'stateless', version: '2026-07-28', discovered: { x: 1 } });
    await rememberEra(storage, b, { lifecycle: 'initialize' });
    expect(await rememberedEra(storage, a, OURS)).toEqual({ lifecycle: 'stateless', version: '2026-07-28' });
    expect(await rememberedEra(storage, b, OURS)).toEqual({ lifecycle: 'initialize' });
    await forgetEra(storage, a);
    expect(await rememberedEra(storage, a, OURS)).toBeUndefined();
    await storage.set('mcp-authed-client/v1/era/https://b.example/mcp', '{not json');
    expect(await rememberedEra(storage, b, OURS)).toBeUndefined();
    // Only a revision this client speaks is taken from storage (it ends up in a header).
    await storage.set(
      'mcp-authed-client/v1/era/https://b.example/mcp',
      JSON.stringify({ lifecycle: 'stateless', version: '2026-07-28\r\nx-injected: 1' }),
    );
    expect(await rememberedEra(storage, b, OURS)).toBeUndefined();
  });

  it('is a verdict only for answers that say so: a JSON-RPC answer or a refusal of the probe itself', () => {
    const error = { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } };
    expect(eraOfAnswer(200, error, OURS)).toEqual({ lifecycle: 'initialize' });
    expect(eraOfAnswer(404, undefined, OURS)).toEqual({ lifecycle: 'initialize' });
    expect(eraOfAnswer(400, undefined, OURS)).toEqual({ lifecycle: 'initialize' });
    for (const passing of [200, 403, 408, 429]) {
      expect(eraOfAnswer(passing, undefined, OURS)).toEqual({ lifecycle: 'initialize', tentative: true });
    }
  });
});
