/**
 * Expiries only visible inside the provider (in process). The expiries a client can observe over HTTP are rows of
 * the behaviour table (cases-expiry.ts), driven by `mock.control.clock`.
 */
import { describe, expect, it } from 'vitest';
import { createManualClock, createMockAuthServer } from '../../../mock-server/index.js';
import { POST_CLIENT, PUBLIC_CLIENT, obtainTokens, type CaseContext } from './helpers.js';

const BASE_URL = 'http://localhost:8000';

describe('mock auth server expiries (injected manual clock)', () => {
  it('access tokens last 3600 s to the second', async () => {
    const clock = createManualClock(Date.UTC(2030, 0, 1));
    const mock = createMockAuthServer(
      { issuerUrl: BASE_URL, clients: [PUBLIC_CLIENT, POST_CLIENT] },
      { clock },
    );
    const t: CaseContext = {
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        mock.fetch(new Request(input, init))) as typeof fetch,
      baseUrl: BASE_URL,
    };
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect(tokens.expires_in).toBe(3600);
    clock.advance(3600);
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeDefined();
    clock.advance(1);
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeUndefined();
  });
});
