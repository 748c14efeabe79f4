/** Internal failures (a custom provider that throws) are answered with a bare 500 and reported through `onError`. */
import { describe, expect, it } from 'vitest';
import { createMockAuthServer, InMemoryProvider } from '../../../mock-server/index.js';
import { ALL_CLIENTS, PUBLIC_CLIENT, expectText } from './helpers.js';

const BASE = 'http://localhost:8000';

class BrokenProvider extends InMemoryProvider {
  override async getClient(): Promise<undefined> {
    throw new Error('database is down');
  }
}

function tokenRequest(): Request {
  return new Request(`${BASE}/token?state=secret-state`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: 'r',
      client_id: PUBLIC_CLIENT.client_id,
    }),
  });
}

describe('onError', () => {
  it('receives the error and the request, and the client still gets a bare 500', async () => {
    const reported: Array<{ error: unknown; method: string; url: string }> = [];
    const mock = createMockAuthServer(
      { issuerUrl: BASE, clients: ALL_CLIENTS },
      {
        provider: new BrokenProvider({ clients: ALL_CLIENTS }),
        onError: (error, request) => reported.push({ error, method: request.method, url: request.url }),
      },
    );
    await expectText(await mock.fetch(tokenRequest()), 500, 'Internal Server Error');
    expect(reported).toHaveLength(1);
    expect((reported[0]?.error as Error).message).toBe('database is down');
    expect(reported[0]?.method).toBe('POST');
    expect(new URL(reported[0]?.url ?? '').pathname).toBe('/token');
  });

  it('a reporter that throws changes nothing for the client', async () => {
    const mock = createMockAuthServer(
      { issuerUrl: BASE, clients: ALL_CLIENTS },
      {
        provider: new BrokenProvider({ clients: ALL_CLIENTS }),
        onError: () => {
          throw new Error('reporter broke');
        },
      },
    );
    await expectText(await mock.fetch(tokenRequest()), 500, 'Internal Server Error');
  });

  it('is not called for a client mistake', async () => {
    const reported: unknown[] = [];
    const mock = createMockAuthServer(
      { issuerUrl: BASE, clients: ALL_CLIENTS },
      { onError: (error) => reported.push(error) },
    );
    expect((await mock.fetch(new Request(`${BASE}/authorize?client_id=nobody`))).status).toBe(400);
    expect(reported).toStrictEqual([]);
  });
});
