/**
 * Many complete flows at once against one mock, in both spec modes: in process (raw protocol requests, 1,000 at
 * once) and over HTTP (the real client, `createAuthedMcpClient` with headless authorization, 200 at once against the
 * Node runtime on 127.0.0.1). None may fail, and none may see another's state: each token's `whoami` names its own
 * client and exactly the scopes it asked for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMockAuthServer, type MockAuthServer, type SpecMode } from '../../../mock-server/index.js';
import type { RunningServer } from '../../../mock-server/runtimes/node.js';
import { createAuthedMcpClient, headlessAuthorize, type AuthedMcpClient } from '../../../src/index.js';
import { runFullFlow, type AuthMethod, type FlowResult, type WhoAmI } from '../../fuzz/support/full-flow.js';
import { serveMock } from '../../fuzz/support/serve-mock.js';

const IN_PROCESS_FLOWS = 1000;
const HTTP_FLOWS = 200;
const ORIGIN = 'http://localhost:8000';
const SCOPES = ['alpha', 'beta', 'gamma', 'delta'] as const;
const AUTH_METHODS: readonly AuthMethod[] = ['none', 'client_secret_post', 'client_secret_basic'];

/** Flow `index` asks for its own subset of scopes (bits of its index), so a mix-up shows in `whoami`. */
function scopesOf(index: number): string[] {
  const chosen = SCOPES.filter((_scope, bit) => ((index >> bit) & 1) === 1);
  return chosen.length === 0 ? ['alpha'] : chosen;
}

function mockFor(
  spec: SpecMode,
  issuerUrl: string,
  flows: number,
  approval: 'auto' | 'consent',
): MockAuthServer {
  return createMockAuthServer({
    issuerUrl,
    spec,
    approval,
    clientRegistrationOptions: { enabled: true, validScopes: [...SCOPES] },
    revocationOptions: { enabled: true },
    // Every flow holds a session at the same moment; fewer would close the least recently used ones mid-flow.
    mcp: { maxSessions: flows },
  });
}

/** Rejections, with the first few reasons, so a failure says what went wrong. */
function failures(results: ReadonlyArray<PromiseSettledResult<unknown>>): string[] {
  return results.flatMap((result, index) =>
    result.status === 'rejected' ? [`flow ${index}: ${String(result.reason)}`] : [],
  );
}

function expectOwnIdentity(who: WhoAmI, clientId: string, scopes: readonly string[], resource: string): void {
  expect(who).toStrictEqual({
    client_id: clientId,
    subject: 'mock-user',
    scopes: [...scopes],
    expires_at: expect.any(Number) as unknown as number,
    resource,
  });
}

describe.each(['fastmcp', 'latest'] as const)('parallel flows (spec: %s)', (spec) => {
  it(`${IN_PROCESS_FLOWS} complete flows at once in process (raw protocol, consent page): all succeed, no cross-talk`, async () => {
    const mock = mockFor(spec, ORIGIN, IN_PROCESS_FLOWS, 'consent');
    const results = await Promise.allSettled(
      Array.from({ length: IN_PROCESS_FLOWS }, (_unused, index) =>
        runFullFlow(mock.fetch, `${ORIGIN}/mcp`, {
          scopes: scopesOf(index),
          authMethod: AUTH_METHODS[index % AUTH_METHODS.length] ?? 'none',
          clientName: `flow ${index}`,
        }),
      ),
    );
    expect(failures(results).slice(0, 5)).toStrictEqual([]);
    const flows = results.map((result) => (result as PromiseFulfilledResult<FlowResult>).value);
    flows.forEach((flow, index) => {
      expectOwnIdentity(flow.whoami, flow.clientId, scopesOf(index), `${ORIGIN}/mcp`);
      expect(flow.grantedScopes).toStrictEqual(scopesOf(index));
    });
    expect(new Set(flows.map((flow) => flow.clientId)).size).toBe(IN_PROCESS_FLOWS);
    expect(new Set(flows.map((flow) => flow.accessToken)).size).toBe(IN_PROCESS_FLOWS);
    // Every flow closed its session; none is left behind (or was closed for another).
    expect(mock.mcp.sessions.size).toBe(0);
  }, 120_000);

  describe('over HTTP', () => {
    let server: RunningServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it(`${HTTP_FLOWS} real clients at once over HTTP (createAuthedMcpClient, headless): all connect, each sees only itself`, async () => {
      const served = await serveMock((url) => mockFor(spec, url, HTTP_FLOWS, 'auto'));
      server = served.server;
      const mcpUrl = `${server.url}/mcp`;
      const connect = async (
        index: number,
      ): Promise<{ who: WhoAmI; registeredId: string | undefined; client: AuthedMcpClient }> => {
        // Watches this client's own registration answer, to know which client id its token must name.
        let registeredId: string | undefined;
        const observed = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
          const response = await fetch(input, init);
          const url = new URL(input instanceof Request ? input.url : String(input));
          if (url.pathname === '/register' && response.status === 201) {
            registeredId = ((await response.clone().json()) as { client_id: string }).client_id;
          }
          return response;
        };
        const client = await createAuthedMcpClient(mcpUrl, {
          fetch: observed,
          authorize: headlessAuthorize(),
          clientMetadata: { name: `http flow ${index}`, redirectUri: 'http://127.0.0.1:7777/callback' },
          scopes: scopesOf(index),
        });
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        return { who: result.structuredContent as unknown as WhoAmI, registeredId, client };
      };
      const results = await Promise.allSettled(
        Array.from({ length: HTTP_FLOWS }, (_unused, index) => connect(index)),
      );
      try {
        expect(failures(results).slice(0, 5)).toStrictEqual([]);
        const connected = results.map(
          (result) =>
            (result as PromiseFulfilledResult<{ who: WhoAmI; registeredId: string | undefined }>).value,
        );
        const registered = new Set<string>();
        connected.forEach(({ who, registeredId }, index) => {
          expect(registeredId).toEqual(expect.any(String));
          expectOwnIdentity(who, registeredId ?? '', scopesOf(index), mcpUrl);
          registered.add(who.client_id);
        });
        // Each client registered itself: 200 distinct clients, each token naming its own.
        expect(registered.size).toBe(HTTP_FLOWS);
      } finally {
        await Promise.all(
          results.map((result) => (result.status === 'fulfilled' ? result.value.client.close() : undefined)),
        );
      }
    }, 120_000);
  });
});
