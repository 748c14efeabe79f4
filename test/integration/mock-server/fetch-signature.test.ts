/**
 * `mock.fetch` takes what `fetch` takes, so it stands in for `fetch` wherever one is asked for: the client's `fetch`
 * option, a test's own requests by URL string.
 */
import { describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../../../mock-server/index.js';
import { createAuthedMcpClient, headlessAuthorize } from '../../../src/index.js';

const settings = {
  issuerUrl: 'http://localhost:8000',
  resourceServerUrl: 'http://localhost:8000/mcp',
  clientRegistrationOptions: { enabled: true },
};

describe('mock.fetch as a fetch', () => {
  it('is the client’s fetch option as it is, for the whole flow', async () => {
    const mock = createMockAuthServer(settings);
    const client = await createAuthedMcpClient('http://localhost:8000/mcp', {
      fetch: mock.fetch,
      authorize: headlessAuthorize({ fetch: mock.fetch }),
      clientMetadata: { redirectUri: 'http://127.0.0.1:9999/callback' },
    });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it('takes a URL string, a URL and an init, and rejects what fetch would refuse', async () => {
    const mock = createMockAuthServer(settings);
    const byString = await mock.fetch('http://localhost:8000/.well-known/oauth-authorization-server');
    expect(byString.status).toBe(200);
    const byUrl = await mock.fetch(new URL('http://localhost:8000/register'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9999/callback'] }),
    });
    expect(byUrl.status).toBe(201);
    await expect(mock.fetch('not a url')).rejects.toBeInstanceOf(TypeError);
  });
});
