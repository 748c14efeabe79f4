/**
 * An MCP server's error answer as the SDK sees it: scrubbed and bounded, and still an HTTP answer however long or
 * strange its status text (a Response refuses status texts past Latin-1, such as the ellipsis of a cut one).
 */
import { describe, expect, it } from 'vitest';
import { scrubbedErrorResponse } from '../../../src/session/error-body.js';

describe('scrubbedErrorResponse', () => {
  it('keeps an answer with a status text longer than the quote limit an HTTP answer', async () => {
    const answer = new Response('refused', { status: 400, statusText: `Bad Request ${'x'.repeat(120)}` });
    const scrubbed = await scrubbedErrorResponse(answer, []);
    expect(scrubbed.status).toBe(400);
    expect(scrubbed.statusText.length).toBeLessThanOrEqual(100);
    expect(scrubbed.statusText).toMatch(/^Bad Request x+\.$/);
  });

  it('masks a token reflected in the status text and the body', async () => {
    const token = 'tok_0123456789abcdef';
    const answer = new Response(`bad token ${token}`, { status: 401, statusText: `Unauthorized ${token}` });
    const scrubbed = await scrubbedErrorResponse(answer, [token]);
    expect(scrubbed.statusText).not.toContain(token);
    expect(await scrubbed.text()).not.toContain(token);
  });
});
