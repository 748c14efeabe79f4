/**
 * The public Node server API (`mcp-authed-client/node`): `startMockAuthServer` and `listen(mock)` over real HTTP,
 * with the real client where it matters.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthedMcpClient, headlessAuthorize } from '../../../src/index.js';
import { createMockAuthServer, SettingsError } from '../../../mock-server/index.js';
import { listen, startMockAuthServer, type RunningServer } from '../../../mock-server/runtimes/node-entry.js';

const running: RunningServer[] = [];

function track<T extends RunningServer>(server: T): T {
  running.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function metadataIssuer(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/.well-known/oauth-authorization-server`);
  return ((await response.json()) as { issuer: string }).issuer;
}

describe('startMockAuthServer', () => {
  it('binds a free port on 127.0.0.1 and makes it the issuer, so the client signs in against it', async () => {
    const server = track(await startMockAuthServer({ clientRegistrationOptions: { enabled: true } }));
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.mock.settings.issuerUrl).toBe(`${server.url}/`);
    expect(await metadataIssuer(server.url)).toBe(`${server.url}/`);

    const client = await createAuthedMcpClient(`${server.url}/mcp`, {
      clientMetadata: { redirectUri: 'http://127.0.0.1:3000/callback' },
      authorize: headlessAuthorize(),
    });
    const { tools } = await client.listTools();
    await client.close();
    expect(tools.map((tool) => tool.name)).toContain('whoami');
    expect(server.mock.control.requests().map((entry) => entry.endpoint)).toEqual(
      expect.arrayContaining(['register', 'authorize', 'token', 'mcp']),
    );
  });

  it('keeps an explicit issuer, and treats options given as undefined as left out', async () => {
    const server = track(
      await startMockAuthServer(
        { issuerUrl: 'http://localhost:9', approval: undefined, tokenLifetimes: undefined },
        { host: undefined, port: undefined, controlPath: undefined, clock: undefined, onError: undefined },
      ),
    );
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await metadataIssuer(server.url)).toBe('http://localhost:9/');
    expect(server.mock.settings.approval).toBe('auto');
    expect(server.mock.settings.tokenLifetimes.accessTokenSeconds).toBe(3600);
  });

  it("turns DNS-rebinding protection on by FastMCP's rule: by the host it is bound to, not the issuer's", async () => {
    // Bound to 127.0.0.1 behind a public issuer: FastMCP protects (and refuses Host: mcp.example), so does the mock.
    const loopback = track(await startMockAuthServer({ issuerUrl: 'https://mcp.example' }));
    expect(loopback.mock.settings.transportSecurity).toEqual({
      enableDnsRebindingProtection: true,
      allowedHosts: ['127.0.0.1:*', 'localhost:*', '[::1]:*'],
      allowedOrigins: ['http://127.0.0.1:*', 'http://localhost:*', 'http://[::1]:*'],
    });
    // Bound to every interface and reached as localhost: FastMCP does not protect, nor does the mock.
    const wildcard = track(await startMockAuthServer({}, { host: '0.0.0.0' }));
    expect(wildcard.mock.settings.issuerUrl).toMatch(/^http:\/\/localhost:\d+\/$/);
    expect(wildcard.mock.settings.transportSecurity.enableDnsRebindingProtection).toBe(false);
    // Given settings win.
    const open = track(
      await startMockAuthServer({ transportSecurity: { enableDnsRebindingProtection: false } }),
    );
    expect(open.mock.settings.transportSecurity.enableDnsRebindingProtection).toBe(false);
  });

  it('serves the HTTP control API at controlPath, outside the request log', async () => {
    const server = track(await startMockAuthServer({}, { controlPath: '/__mock' }));
    const response = await fetch(`${server.url}/__mock/preset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'iss-wrong' }),
    });
    expect(response.status).toBe(200);
    expect(server.mock.settings.quirks.iss).toBe('wrong');
    expect(server.mock.control.requests()).toEqual([]);
  });

  it('refuses bad settings and a bad controlPath before it binds anything', async () => {
    await expect(startMockAuthServer({ issuerUrl: 'ftp://example.com' })).rejects.toBeInstanceOf(
      SettingsError,
    );
    await expect(startMockAuthServer({ requiredScopes: ['a b'] })).rejects.toBeInstanceOf(SettingsError);
    await expect(startMockAuthServer({}, { controlPath: '/' })).rejects.toBeInstanceOf(TypeError);
  });

  it('rejects with the bind error when the port is taken, and closes more than once safely', async () => {
    const first = track(await startMockAuthServer());
    await expect(startMockAuthServer({}, { port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.close();
    await first.close();
    await expect(fetch(`${first.url}/.well-known/oauth-authorization-server`)).rejects.toThrow();
  });
});

describe('listen', () => {
  it('serves a mock object (its fetch method, called on the mock) as well as a plain handler', async () => {
    const mock = createMockAuthServer({ issuerUrl: 'http://127.0.0.1:8000' });
    const server = track(await listen(mock));
    expect(await metadataIssuer(server.url)).toBe('http://127.0.0.1:8000/');
    expect(mock.control.requests()).toHaveLength(1);

    const plain = track(await listen(async (request) => new Response(new URL(request.url).pathname)));
    expect(await (await fetch(`${plain.url}/a/b`)).text()).toBe('/a/b');
  });

  it('refuses something that is neither a mock nor a handler with a TypeError', async () => {
    for (const target of [undefined, null, 42, {}, { fetch: 'no' }]) {
      await expect(listen(target as unknown as Parameters<typeof listen>[0])).rejects.toThrow(
        /expected a MockAuthServer \(an object with a fetch method\) or a fetch handler/,
      );
    }
  });
});
