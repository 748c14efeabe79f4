import { describe, expect, it } from 'vitest';
import { knownBodyText, stringResponse } from '../../../mock-server/http/known-body.js';
import { jsonResponse, textResponse } from '../../../mock-server/http/responses.js';

describe('known response bodies', () => {
  it('remembers the string a response was built from, which is also what its body reads as', async () => {
    const response = stringResponse('{"é":1}', {
      status: 201,
      headers: { 'content-type': 'application/json' },
    });
    expect(knownBodyText(response)).toBe('{"é":1}');
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('{"é":1}');
  });

  it('forgets it once the body has been read, and knows nothing of other responses', async () => {
    const response = stringResponse('once', { status: 200 });
    await response.arrayBuffer();
    expect(knownBodyText(response)).toBeUndefined();
    expect(knownBodyText(new Response('plain'))).toBeUndefined();
  });

  it("covers the mock's JSON and text answers", () => {
    expect(knownBodyText(jsonResponse({ error: 'invalid_request' }, 400))).toBe(
      '{"error":"invalid_request"}',
    );
    expect(knownBodyText(textResponse('Not Found', 404))).toBe('Not Found');
  });
});
