/**
 * Two security properties that depend on where and when a credential is used:
 *
 * - a token issued for one resource is refused at another resource that trusts the same authorization server (RFC
 *   8707 audience binding, `spec: 'latest'`); FastMCP binds no audience, so there it is accepted — documented here;
 * - codes, access tokens, refresh tokens and consent pages work up to the last second of their lifetime and never
 *   after it, on the mock's clock (checked at generated instants around each boundary).
 *
 * Single cases: test/integration/mock-server/beyond-fastmcp.test.ts (a token bound elsewhere, at one resource),
 * cases-expiry.ts and mcp-endpoint.test.ts (expired credentials long after the fact).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createManualClock,
  createMockAuthServer,
  type MockAuthServer,
  type SpecMode,
} from '../../../mock-server/index.js';
import { followToCallback, pkcePair } from '../../fuzz/support/full-flow.js';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from '../../fuzz/support/fuzz-settings.js';

const AS_ORIGIN = 'http://localhost:8000';
const OTHER_RESOURCE_ORIGIN = 'http://localhost:9000';
const CALLBACK = 'http://localhost:3000/callback';
const CLIENT = {
  client_id: 'app',
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'none' as const,
  scope: 'read',
};
/** A whole second, so every lifetime boundary falls on an exact instant. */
const START = Date.UTC(2030, 0, 1);

const RUNS = fuzzRuns(40);

function send(mock: MockAuthServer, url: string, init: RequestInit = {}): Promise<Response> {
  return mock.fetch(new Request(url, { redirect: 'manual', ...init }));
}

/** A code for the client from `mock` for `resource` (through the consent page when there is one). */
async function issueCode(
  mock: MockAuthServer,
  resource: string,
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = await pkcePair();
  const url = new URL('/authorize', mock.settings.issuerUrl);
  url.search = new URLSearchParams({
    client_id: CLIENT.client_id,
    response_type: 'code',
    code_challenge: challenge,
    resource,
  }).toString();
  const callback = await followToCallback(mock.fetch, await send(mock, url.href), CALLBACK);
  return { code: callback.searchParams.get('code') ?? '', verifier };
}

function redeem(
  mock: MockAuthServer,
  issued: { code: string; verifier: string },
  resource: string,
): Promise<Response> {
  return send(mock, new URL('/token', mock.settings.issuerUrl).href, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: issued.code,
      code_verifier: issued.verifier,
      client_id: CLIENT.client_id,
      resource,
    }),
  });
}

async function tokensFor(
  mock: MockAuthServer,
  resource: string,
): Promise<{ access_token: string; refresh_token: string }> {
  const response = await redeem(mock, await issueCode(mock, resource), resource);
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

/** Status of an MCP request with the token: 400 (no session yet) when it is accepted, 401 when it is not. */
async function mcpStatus(mock: MockAuthServer, accessToken: string): Promise<number> {
  const response = await send(mock, mock.settings.resourceServerUrl, {
    // Accepting SSE, an authenticated GET without a session is FastMCP's 400 Missing session ID.
    headers: { authorization: `Bearer ${accessToken}`, accept: 'text/event-stream' },
  });
  await response.body?.cancel();
  return response.status;
}

const ACCEPTED = 400;
const REFUSED = 401;

describe.each(['fastmcp', 'latest'] as const)('tokens are for one resource (spec: %s)', (spec: SpecMode) => {
  it(
    spec === 'latest'
      ? 'a token issued for one resource is refused at another resource that trusts the same authorization server'
      : 'FastMCP binds no audience: a token issued for one resource is accepted by another that trusts the same server',
    async () => {
      const authorizationServer = createMockAuthServer({ issuerUrl: AS_ORIGIN, spec, clients: [CLIENT] });
      // A second resource whose metadata names the first server, and which checks that server's tokens.
      const otherResource = createMockAuthServer(
        {
          issuerUrl: OTHER_RESOURCE_ORIGIN,
          spec,
          quirks: { resourceAuthorizationServers: [`${AS_ORIGIN}/`] },
        },
        { peers: [authorizationServer] },
      );
      const tokens = await tokensFor(authorizationServer, `${AS_ORIGIN}/mcp`);
      expect(await mcpStatus(authorizationServer, tokens.access_token)).toBe(ACCEPTED);
      expect(await mcpStatus(otherResource, tokens.access_token)).toBe(
        spec === 'latest' ? REFUSED : ACCEPTED,
      );
      // Nor can the first server be talked into issuing a token for the other resource, in latest mode.
      const { challenge } = await pkcePair();
      const url = new URL('/authorize', AS_ORIGIN);
      url.search = new URLSearchParams({
        client_id: CLIENT.client_id,
        response_type: 'code',
        code_challenge: challenge,
        resource: `${OTHER_RESOURCE_ORIGIN}/mcp`,
      }).toString();
      const location = new URL((await send(authorizationServer, url.href)).headers.get('location') ?? '');
      expect(location.searchParams.get('error')).toBe(spec === 'latest' ? 'invalid_target' : null);
    },
  );
});

/** Instants around a lifetime `seconds` long: near the boundary (fractions included), and anywhere up to twice it. */
function instantsAround(seconds: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: seconds - 2, max: seconds + 2 }),
    fc.integer({ min: -1000, max: 1000 }).map((millis) => seconds + millis / 1000),
    fc.integer({ min: 0, max: 2 * seconds }),
  );
}

describe.each(['fastmcp', 'latest'] as const)(
  'credentials expire on the mock clock, to the second (spec: %s)',
  (spec: SpecMode) => {
    const lifetimes = {
      authorizationCodeSeconds: 300,
      accessTokenSeconds: 3600,
      refreshTokenSeconds: 86_400,
      consentSeconds: 600,
    };
    const fresh = (approval: 'auto' | 'consent' = 'auto'): MockAuthServer =>
      createMockAuthServer(
        { issuerUrl: AS_ORIGIN, spec, approval, clients: [CLIENT], tokenLifetimes: lifetimes },
        { clock: createManualClock(START) },
      );
    const resource = `${AS_ORIGIN}/mcp`;

    it(
      `an authorization code is redeemed up to ${lifetimes.authorizationCodeSeconds} s after it was issued, never later (${RUNS} runs)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(instantsAround(lifetimes.authorizationCodeSeconds), async (elapsed) => {
            const mock = fresh();
            const issued = await issueCode(mock, resource);
            mock.control.clock.advance(elapsed);
            const response = await redeem(mock, issued, resource);
            expect(response.status).toBe(elapsed <= lifetimes.authorizationCodeSeconds ? 200 : 400);
          }),
          fuzzParameters(RUNS),
        );
      },
      fuzzTimeout(RUNS, 20),
    );

    it(
      `an access token is accepted up to ${lifetimes.accessTokenSeconds} s after it was issued, never later (${RUNS} runs)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(instantsAround(lifetimes.accessTokenSeconds), async (elapsed) => {
            const mock = fresh();
            const tokens = await tokensFor(mock, resource);
            mock.control.clock.advance(elapsed);
            expect(await mcpStatus(mock, tokens.access_token)).toBe(
              elapsed <= lifetimes.accessTokenSeconds ? ACCEPTED : REFUSED,
            );
          }),
          fuzzParameters(RUNS),
        );
      },
      fuzzTimeout(RUNS, 20),
    );

    it(
      `a refresh token is exchanged up to ${lifetimes.refreshTokenSeconds} s after it was issued, never later (${RUNS} runs)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(instantsAround(lifetimes.refreshTokenSeconds), async (elapsed) => {
            const mock = fresh();
            const tokens = await tokensFor(mock, resource);
            mock.control.clock.advance(elapsed);
            const response = await send(mock, `${AS_ORIGIN}/token`, {
              method: 'POST',
              body: new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: tokens.refresh_token,
                client_id: CLIENT.client_id,
              }),
            });
            expect(response.status).toBe(elapsed <= lifetimes.refreshTokenSeconds ? 200 : 400);
          }),
          fuzzParameters(RUNS),
        );
      },
      fuzzTimeout(RUNS, 20),
    );

    it(
      `a consent page is shown up to ${lifetimes.consentSeconds} s after the request, never later (${RUNS} runs)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(instantsAround(lifetimes.consentSeconds), async (elapsed) => {
            const mock = fresh('consent');
            const { challenge } = await pkcePair();
            const url = new URL('/authorize', AS_ORIGIN);
            url.search = new URLSearchParams({
              client_id: CLIENT.client_id,
              response_type: 'code',
              code_challenge: challenge,
            }).toString();
            const page = (await send(mock, url.href)).headers.get('location') ?? '';
            mock.control.clock.advance(elapsed);
            const response = await send(mock, page);
            await response.body?.cancel();
            expect(response.status).toBe(elapsed <= lifetimes.consentSeconds ? 200 : 400);
          }),
          fuzzParameters(RUNS),
        );
      },
      fuzzTimeout(RUNS, 20),
    );
  },
);
