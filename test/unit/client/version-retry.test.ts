import { describe, expect, it } from 'vitest';
import { withVersionRetry } from '../../../src/session/version-retry.js';

const refusal = (supported: unknown) =>
  new Response(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32022, message: 'Unsupported', data: { supported } },
    }),
    { status: 400, headers: { 'content-type': 'text/plain' } },
  );

function server(answers: Response[]) {
  const seen: { version: string | null; meta: unknown }[] = [];
  const fetch = withVersionRetry(
    async (_input, init) => {
      const body = JSON.parse(String(init?.body)) as { params: { _meta: Record<string, unknown> } };
      seen.push({
        version: new Headers(init?.headers).get('mcp-protocol-version'),
        meta: body.params._meta['io.modelcontextprotocol/protocolVersion'],
      });
      return answers.shift() ?? Response.json({ jsonrpc: '2.0', id: 1, result: {} });
    },
    ['2026-07-28'],
  );
  const post = (version: string) =>
    fetch('https://m/mcp', {
      method: 'POST',
      headers: { 'mcp-protocol-version': version },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/list',
        params: { _meta: { 'io.modelcontextprotocol/protocolVersion': version, other: 1 } },
      }),
    });
  return { seen, post };
}

describe('withVersionRetry', () => {
  it('sends a refused request once more at a revision both sides speak, header and _meta alike', async () => {
    const { seen, post } = server([refusal(['2025-11-25', '2026-07-28'])]);
    const response = await post('2027-01-01');
    expect(response.status).toBe(200);
    expect(seen).toEqual([
      { version: '2027-01-01', meta: '2027-01-01' },
      { version: '2026-07-28', meta: '2026-07-28' },
    ]);
  });

  it('retries only once', async () => {
    const { seen, post } = server([refusal(['2026-07-28']), refusal(['2026-07-28'])]);
    expect((await post('2026-07-28')).status).toBe(400);
    expect(seen).toHaveLength(2);
  });

  it('hands the refusal up when the server speaks no revision of ours, and other errors untouched', async () => {
    const { seen, post } = server([
      refusal(['2025-11-25']),
      Response.json({ jsonrpc: '2.0', id: 1, error: { code: -32600, message: 'bad' } }, { status: 400 }),
    ]);
    expect((await post('2026-07-28')).status).toBe(400);
    expect((await post('2026-07-28')).status).toBe(400);
    expect(seen).toHaveLength(2);
  });
});
