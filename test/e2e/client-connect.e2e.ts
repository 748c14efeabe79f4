/**
 * `createAuthedMcpClient` in real Chromium with the library's popup handler, from the harness page
 * (test/e2e/client-page):
 * - same origin: the mock mounted in the page's Vite dev server by the project's plugin;
 * - cross-origin: the mock run as the CLI on another loopback port, with and without `--mcp-cors`.
 * Playwright's Chromium runs without a popup blocker here; client-sign-in.e2e.ts runs with it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './support/test.js';
import type { RequestLogEntry } from '../../mock-server/index.js';
import { serveHarness, type HarnessServer } from './support/client-harness.js';
import { serveBuiltHarness } from './support/static-site.js';
import { pluginMock, startCliMock, type CliMock, type PluginMock } from './support/client-mocks.js';
import { authorizations, connect, failure, ok, openHarness, whoami } from './support/harness-page.js';

const summary = (entries: readonly RequestLogEntry[]): string[] =>
  entries.filter((e) => e.method !== 'OPTIONS').map((e) => `${e.endpoint} ${e.status}`);

test.describe('same origin: the mock served by the Vite plugin', () => {
  let server: HarnessServer;
  let served: PluginMock;

  test.beforeAll(async () => {
    served = pluginMock();
    server = await serveHarness([served.plugin]);
  });

  test.afterAll(async () => {
    await server?.close();
  });

  test('signs in through a popup: registers, authorizes, exchanges the code, and whoami answers', async ({
    page,
  }) => {
    await openHarness(page, server.url);
    const mock = served.mock();
    mock.control.clearRequests();
    const popups: string[] = [];
    page.on('popup', (popup) => popups.push(popup.url()));
    const id = ok(await connect(page, { mcpUrl: `${server.url}/mcp` }));

    expect(await authorizations(page, id)).toBe(1);
    expect(popups).toHaveLength(1);
    const log = mock.control.requests();
    const authorize = log.find((entry) => entry.endpoint === 'authorize');
    expect(authorize?.status).toBe(302);
    expect(authorize?.query['redirect_uri']).toMatch(new RegExp(`^${server.url}/callback\\.html\\?storage=`));
    expect(authorize?.query['code_challenge_method']).toBe('S256');
    // The token in use belongs to the client that registered and was authorized in this page.
    expect((await whoami(page, id))['client_id']).toBe(authorize?.query['client_id']);
    expect(summary(log.filter((e) => e.endpoint !== 'mcp'))).toEqual([
      'resource-metadata 200',
      'metadata 200',
      'register 201',
      'authorize 302',
      'token 200',
    ]);
    // The popup closed itself once the page that opened it took the callback.
    await expect.poll(() => page.context().pages().length).toBe(1);
  });

  test('with indexedDbStorage, a reloaded page connects from storage without authorizing again', async ({
    page,
  }) => {
    await openHarness(page, server.url);
    const mock = served.mock();
    const storage = { kind: 'indexeddb', databaseName: 'connect-warm' } as const;
    const first = ok(await connect(page, { mcpUrl: `${server.url}/mcp`, storage }));
    expect(await authorizations(page, first)).toBe(1);
    const firstClient = (await whoami(page, first))['client_id'];

    await page.reload();
    await page.waitForFunction(() => window.harness !== undefined, undefined, { timeout: 15_000 });
    mock.control.clearRequests();
    const second = ok(
      await connect(page, { mcpUrl: `${server.url}/mcp`, storage, authorize: { kind: 'none' } }),
    );
    expect((await whoami(page, second))['client_id']).toBe(firstClient);
    const log = mock.control.requests();
    expect(log.filter((e) => e.endpoint !== 'mcp')).toEqual([]);
    expect(log.filter((e) => e.endpoint === 'mcp').length).toBeGreaterThan(0);
  });
});

test.describe('cross-origin: the mock as the CLI on another port', () => {
  let server: HarnessServer;
  let withCors: CliMock;
  let withoutCors: CliMock;

  test.beforeAll(async () => {
    server = await serveHarness();
    withCors = await startCliMock(['--mcp-cors']);
    withoutCors = await startCliMock([]);
  });

  test.afterAll(async () => {
    await Promise.all([server?.close(), withCors?.stop(), withoutCors?.stop()]);
  });

  test('with --mcp-cors: signs in through a popup on the other origin, and whoami answers', async ({
    page,
  }) => {
    await openHarness(page, server.url);
    expect(new URL(withCors.url).origin).not.toBe(new URL(server.url).origin);
    const id = ok(await connect(page, { mcpUrl: withCors.mcpUrl }));
    expect(await authorizations(page, id)).toBe(1);
    const identity = await whoami(page, id);
    expect(typeof identity['client_id']).toBe('string');
    expect(identity['client_id']).not.toBe('');
  });

  test('without --mcp-cors: a typed cors_refused error that names the headers to send, not a network error', async ({
    page,
  }) => {
    const corsErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('blocked by CORS policy')) {
        corsErrors.push(message.text());
      }
    });
    await openHarness(page, server.url);
    const error = failure(await connect(page, { mcpUrl: withoutCors.mcpUrl, authorize: { kind: 'none' } }));
    // The browser refused the cross-origin request to the MCP endpoint (and nothing else).
    expect(corsErrors.length).toBeGreaterThan(0);
    expect(corsErrors.every((text) => text.includes(`${withoutCors.url}/mcp`))).toBe(true);
    expect(error).toMatchObject({ isMcpAuthError: true, code: 'cors_refused', step: 'connection' });
    expect(error.message).toContain(`does not allow requests from ${server.url}`);
    expect(error.message).toContain('Access-Control-Allow-Origin');
    expect(error.message).toContain('Access-Control-Expose-Headers');
    expect(error.message).toContain('WWW-Authenticate');
  });

  test('from a built, statically served page (no development server): signs in through a popup and whoami answers', async ({
    page,
  }) => {
    const site = await serveBuiltHarness();
    try {
      await openHarness(page, site.url);
      const id = ok(await connect(page, { mcpUrl: withCors.mcpUrl, storage: { kind: 'session' } }));
      expect(await authorizations(page, id)).toBe(1);
      expect((await whoami(page, id))['client_id']).toEqual(expect.any(String));
      await expect.poll(() => page.context().pages().length).toBe(1);
    } finally {
      await site.close();
    }
  });

  test('a server that is down is a network error, not a CORS refusal', async ({ page }) => {
    await openHarness(page, server.url);
    const down = await startCliMock([]);
    const url = down.mcpUrl;
    await down.stop();
    const error = failure(await connect(page, { mcpUrl: url, authorize: { kind: 'none' } }));
    expect(error).toMatchObject({ isMcpAuthError: true, code: 'network_error', step: 'connection' });
  });
});

/**
 * A resource server with half-done CORS, as met in the field: its MCP endpoint allows any origin but does not expose
 * `WWW-Authenticate`, its path-aware resource metadata sends no CORS headers at all, and its root one is a 404.
 */
async function halfCorsServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const allow = { 'access-control-allow-origin': '*' };
    if (request.url === '/mcp' && request.method === 'OPTIONS') {
      response.writeHead(204, {
        ...allow,
        'access-control-allow-methods': 'POST, GET, DELETE',
        'access-control-allow-headers':
          'authorization, content-type, accept, mcp-protocol-version, mcp-session-id',
      });
    } else if (request.url === '/mcp') {
      const { port } = server.address() as AddressInfo;
      response.writeHead(401, {
        ...allow,
        'www-authenticate': `Bearer resource_metadata="http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp"`,
      });
    } else if (request.url === '/.well-known/oauth-protected-resource/mcp') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"resource":"http://127.0.0.1/mcp"}');
    } else {
      response.writeHead(404, allow);
    }
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('discovery tells a CORS refusal from a 404 and names the headers the server must send', async ({
  page,
}) => {
  const harness = await serveHarness();
  const resource = await halfCorsServer();
  try {
    await openHarness(page, harness.url);
    const error = failure(
      await connect(page, { mcpUrl: `${resource.url}/mcp`, authorize: { kind: 'none' } }),
    );
    expect(error).toMatchObject({ isMcpAuthError: true, code: 'cors_refused', step: 'discovery' });
    expect(error.message).toContain(
      `protected-resource metadata at ${resource.url}/.well-known/oauth-protected-resource/mcp`,
    );
    expect(error.message).toContain(`does not allow requests from ${harness.url}`);
    expect(error.message).toContain('Access-Control-Allow-Origin');
    // The 401 was readable but its challenge was not: the message says which header to expose.
    expect(error.message).toContain('Access-Control-Expose-Headers');
    expect(error.message).toContain('WWW-Authenticate');
  } finally {
    await Promise.all([resource.close(), harness.close()]);
  }
});
