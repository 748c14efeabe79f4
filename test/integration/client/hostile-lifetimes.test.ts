/**
 * Absurd `expires_in` values from the token endpoint (huge, zero, negative, fractional, strings, `null`, numbers JSON
 * reads as `Infinity`): the client connects, calls a tool, stores a grant it can read back, and a second client
 * starts warm from that grant with no new authorization. The token endpoint's answer is rewritten on its way to the
 * client, as a broken server would send it; everything else is the mock.
 */
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../../src/index.js';
import type { AuthStorage } from '../../../src/index.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../../../src/tokens/token-lifetime.js';
import { createHostileServer, path } from './support/hostile-server.js';
import { MCP_URL, toolJson } from './support/mock-world.js';

const GRANT_KEY = `mcp-authed-client/v1/grant/${MCP_URL}`;
const HOUR_MS = 3_600_000;
const YEAR_MS = MAX_TOKEN_LIFETIME_SECONDS * 1000;

/** The stored token times, as the client wrote them. */
async function storedTimes(storage: AuthStorage): Promise<{ expiresAt?: unknown; issuedAt?: unknown }> {
  const raw = await storage.get(GRANT_KEY);
  const grant = JSON.parse(raw ?? '{}') as { tokens?: { expiresAt?: unknown; issuedAt?: unknown } };
  return grant.tokens ?? {};
}

/**
 * Each case: the raw JSON text put in place of the mock's `expires_in`, and the lifetime (ms) the client should
 * store, `undefined` for "unknown".
 */
const CASES: ReadonlyArray<[string, number | undefined]> = [
  ['1e308', YEAR_MS],
  ['1e400', undefined], // JSON.parse reads it as Infinity
  ['31536001', YEAR_MS],
  ['0', undefined],
  ['-3600', undefined],
  ['90.25', 90_250],
  ['"3600"', HOUR_MS],
  ['"abc"', undefined],
  ['"NaN"', undefined],
  ['null', undefined],
  ['{"seconds":60}', undefined],
];

describe('absurd token lifetimes', () => {
  it.each(CASES)('expires_in: %s → the client works and stores a usable expiry', async (stated, lifetime) => {
    const server = createHostileServer();
    server.answer(path('/token'), async (_facts, real) => {
      const text = await (await real()).text();
      expect(text).toMatch(/"expires_in":\s*\d/); // the mock states a lifetime, which is replaced
      return new Response(text.replace(/"expires_in":\s*[^,}]+/, `"expires_in":${stated}`), {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      });
    });
    const storage = memoryStorage();
    const before = Date.now();
    const client = await server.connect({ storage });
    const who = toolJson(await client.callTool({ name: 'whoami', arguments: {} }));
    expect(who['client_id']).toEqual(expect.any(String));
    await client.close();

    const times = await storedTimes(storage);
    if (lifetime === undefined) {
      expect(times.expiresAt).toBeUndefined();
    } else {
      expect(times.expiresAt).toBeGreaterThanOrEqual(before + lifetime);
      expect(times.expiresAt).toBeLessThanOrEqual(Date.now() + lifetime);
    }

    // The stored grant reads back: a second client uses it without signing in again.
    const second = await server.connect({ storage });
    await second.listTools();
    await second.close();
    expect(server.world.requestsTo('authorize')).toHaveLength(1);
    expect(server.world.grants('authorization_code')).toHaveLength(1);
  });

  it('a grant whose expiry was stored as null (an infinite expiry in JSON) is still used, not thrown away', async () => {
    const server = createHostileServer();
    const storage = memoryStorage();
    await (await server.connect({ storage })).close();
    const grant = JSON.parse((await storage.get(GRANT_KEY)) ?? '{}') as { tokens: Record<string, unknown> };
    grant.tokens['expiresAt'] = null;
    await storage.set(GRANT_KEY, JSON.stringify(grant));

    const client = await server.connect({ storage });
    await client.callTool({ name: 'whoami', arguments: {} });
    await client.close();
    expect(server.world.requestsTo('authorize')).toHaveLength(1);
  });

  it('a token without a usable lifetime is refreshed once when the server refuses it, and work goes on', async () => {
    const server = createHostileServer();
    server.answer(path('/token'), async (_facts, real) => {
      const text = await (await real()).text();
      return new Response(text.replace(/"expires_in":\s*[^,}]+/, '"expires_in":-1'), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
    const client = await server.connect();
    server.world.mock.control.expireAllTokens('access');
    server.world.mock.control.clearRequests();
    await client.listTools();
    expect(server.world.grants('refresh_token')).toHaveLength(1);
    expect(server.world.requestsTo('authorize')).toEqual([]);
    await client.close();
  });
});
