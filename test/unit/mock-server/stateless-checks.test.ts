/** The 2026-07-28 path's pure rules: era detection, header value decoding, x-mcp-header annotations. */
import { describe, expect, it } from 'vitest';
import { headerParams, paramHeaderProblem } from '../../../mock-server/mcp/param-headers.js';
import { decodeHeaderValue, looksStateless } from '../../../mock-server/mcp/stateless-checks.js';

describe('looksStateless', () => {
  it('is true for server/discover, per-request _meta, or a version header no legacy revision has', () => {
    expect(looksStateless({ method: 'server/discover' }, null)).toBe(true);
    const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' };
    expect(looksStateless({ method: 'tools/list', params: { _meta: meta } }, null)).toBe(true);
    expect(looksStateless({ method: 'tools/list' }, '2026-07-28')).toBe(true);
    expect(looksStateless({ method: 'initialize', params: {} }, null)).toBe(false);
    expect(looksStateless({ method: 'tools/list' }, '2025-06-18')).toBe(false);
    expect(looksStateless([{ method: 'server/discover' }], null)).toBe(false);
  });
});

describe('decodeHeaderValue', () => {
  it('reads plain visible ASCII and the Base64 sentinel, and refuses anything else', () => {
    expect(decodeHeaderValue('us-west1')).toBe('us-west1');
    expect(decodeHeaderValue('a b')).toBe('a b');
    expect(decodeHeaderValue('=?base64?SGVsbG8sIOS4lueVjA==?=')).toBe('Hello, 世界');
    expect(decodeHeaderValue('=?base64?IHBhZGRlZCA=?=')).toBe(' padded ');
    for (const bad of [' lead', 'trail ', '', 'é', '=?base64?abc?=', '=?base64?/w==?=']) {
      expect(decodeHeaderValue(bad)).toBeUndefined();
    }
  });
});

describe('headerParams and paramHeaderProblem', () => {
  it('keeps valid annotations reached through properties only, nested ones included', () => {
    const schema = {
      type: 'object',
      properties: {
        region: { type: 'string', 'x-mcp-header': 'Region' },
        score: { type: 'number', 'x-mcp-header': 'Score' },
        spaced: { type: 'string', 'x-mcp-header': 'My Region' },
        a: { type: 'string', 'x-mcp-header': 'Dup' },
        b: { type: 'string', 'x-mcp-header': 'dup' },
        list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } },
        nested: { type: 'object', properties: { on: { type: 'boolean', 'x-mcp-header': 'On' } } },
      },
    };
    expect(headerParams(schema)).toEqual([
      { path: ['region'], header: 'Region', type: 'string' },
      { path: ['nested', 'on'], header: 'On', type: 'boolean' },
    ]);
  });

  it('needs a header for every present argument, equal after decoding (integers compared as numbers)', () => {
    const params = headerParams({
      properties: {
        n: { type: 'integer', 'x-mcp-header': 'N' },
        flag: { type: 'boolean', 'x-mcp-header': 'Flag' },
      },
    });
    const headers = (values: Record<string, string>) => new Headers(values);
    expect(
      paramHeaderProblem(
        params,
        { n: 42, flag: true },
        headers({ 'mcp-param-n': '42.0', 'mcp-param-flag': 'true' }),
      ),
    ).toBeUndefined();
    expect(paramHeaderProblem(params, { n: null }, headers({}))).toBeUndefined();
    expect(paramHeaderProblem(params, { n: 42 }, headers({}))).toBe('Missing Mcp-Param-N header');
    expect(paramHeaderProblem(params, { n: 42 }, headers({ 'mcp-param-n': '' }))).toMatch(/not a valid/);
    expect(paramHeaderProblem(params, { flag: false }, headers({ 'mcp-param-flag': 'False' }))).toMatch(
      /mismatch/,
    );
  });
});
