/**
 * The whole client flow through msw in Node, as a user's test suite runs it: `setupServer(...createMswHandlers(mock))`
 * and the client on the global fetch. msw's Node interceptors never settle `response.body.cancel()`, so a client
 * that waited for it on a 401 stalled until the SDK's request timeout; the client now lets discarded bodies go.
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approve, createMockAuthServer } from '../../../mock-server/index.js';
import { createMswHandlers } from '../../../mock-server/runtimes/msw.js';
import { createAuthedMcpClient, headlessAuthorize } from '../../../src/index.js';

const ISSUER = 'https://mcp.msw.test';
const mock = createMockAuthServer({
  issuerUrl: ISSUER,
  resourceServerUrl: `${ISSUER}/mcp`,
  clientRegistrationOptions: { enabled: true },
  revocationOptions: { enabled: true },
});
const msw = setupServer(...createMswHandlers(mock));

beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterAll(() => msw.close());

describe('the client through msw in Node', () => {
  it('signs in, calls a tool, refreshes after the token dies, and signs out, all on the global fetch', async () => {
    const started = Date.now();
    const client = await createAuthedMcpClient(`${ISSUER}/mcp`, {
      authorize: headlessAuthorize(),
      clientMetadata: { redirectUri: 'https://app.msw.test/callback' },
      // Far below the SDK's 60 s request timeout: a stall would fail here, not pass slowly.
      timeoutMs: 5_000,
    });
    const whoami = await client.callTool({ name: 'whoami', arguments: {} });
    expect(JSON.stringify(whoami)).toContain('client_id');

    mock.control.expireAllTokens('access');
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(mock.control.requests().filter((entry) => entry.endpoint === 'token')).toHaveLength(2);

    await client.signOut();
    await client.close();
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('completes through the consent page with approve() as the authorization handler', async () => {
    const client = await createAuthedMcpClient(`${ISSUER}/mcp`, {
      authorize: (url) => approve(mock, url),
      clientMetadata: { redirectUri: 'https://app.msw.test/callback' },
      timeoutMs: 5_000,
    });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });
});
