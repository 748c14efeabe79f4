/**
 * DPoP (RFC 9449) in real Chromium: the key pair is made by the browser's WebCrypto with a private key that cannot
 * be exported, kept in IndexedDB, and still proves the binding after a reload (no new authorization, the MCP server
 * accepts the proofs); across origins, the CORS exchange lets the `DPoP` header and the server's `DPoP-Nonce` through.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/test.js';
import type { Harness } from './client-page/main.js';
import { serveHarness, type HarnessServer } from './support/client-harness.js';
import { pluginMock, startCliMock, type CliMock, type PluginMock } from './support/client-mocks.js';
import {
  authorizations,
  connect,
  events,
  ok,
  openHarness,
  waitForHarness,
  whoami,
} from './support/harness-page.js';

/** What the page's IndexedDB holds in a store of DPoP key pairs, read with the raw API. */
interface StoredKeys {
  count: number;
  privateExtractable: boolean[];
  exportRefused: boolean[];
  algorithms: string[];
}

function storedKeys(page: Page, database: string, store: string): Promise<StoredKeys> {
  return page.evaluate(
    ([database, store]) =>
      new Promise<StoredKeys>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onerror = () => reject(new Error(String(request.error)));
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains(store)) {
            db.close();
            resolve({ count: 0, privateExtractable: [], exportRefused: [], algorithms: [] });
            return;
          }
          const read = db.transaction(store, 'readonly').objectStore(store).getAll();
          read.onerror = () => reject(new Error(String(read.error)));
          read.onsuccess = async () => {
            db.close();
            const pairs = read.result as CryptoKeyPair[];
            const exportRefused = await Promise.all(
              pairs.map((pair) =>
                crypto.subtle.exportKey('pkcs8', pair.privateKey).then(
                  () => false,
                  () => true,
                ),
              ),
            );
            resolve({
              count: pairs.length,
              privateExtractable: pairs.map((pair) => pair.privateKey.extractable),
              exportRefused,
              algorithms: pairs.map((pair) => (pair.privateKey.algorithm as EcKeyAlgorithm).namedCurve),
            });
          };
        };
      }),
    [database, store] as const,
  );
}

test.describe('same origin: the mock with DPoP in the Vite dev server (popup and full-page redirect)', () => {
  let server: HarnessServer;
  let served: PluginMock;

  test.beforeAll(async () => {
    served = pluginMock({ beyondFastMcp: { dpop: true } });
    server = await serveHarness([served.plugin]);
  });

  test.afterAll(async () => {
    await server?.close();
  });

  test('binds the grant to a non-extractable key kept in IndexedDB, which still proves it after a reload', async ({
    page,
  }) => {
    await openHarness(page, server.url);
    const mock = served.mock();
    const storage = { kind: 'indexeddb', databaseName: 'dpop-reload' } as const;
    const first = ok(await connect(page, { mcpUrl: `${server.url}/mcp`, storage, dpop: true }));
    expect(await authorizations(page, first)).toBe(1);
    const who = await whoami(page, first);
    const token = mock.control.requests().find((entry) => entry.endpoint === 'token');
    expect(token?.status).toBe(200);
    const mcp = mock.control.requests().filter((entry) => entry.endpoint === 'mcp' && entry.authorization);
    expect(mcp.length).toBeGreaterThan(0);
    expect(mcp.every((entry) => entry.authorization === 'DPoP [redacted]')).toBe(true);

    const keys = await storedKeys(page, 'dpop-reload', 'auth-dpop-keys');
    expect(keys).toEqual({
      count: 1,
      privateExtractable: [false],
      exportRefused: [true],
      algorithms: ['P-256'],
    });

    await page.reload();
    await waitForHarness(page);
    mock.control.clearRequests();
    const second = ok(
      await connect(page, { mcpUrl: `${server.url}/mcp`, storage, dpop: true, authorize: { kind: 'none' } }),
    );
    expect((await whoami(page, second))['client_id']).toBe(who['client_id']);
    const log = mock.control.requests();
    // No token request of any kind: the stored DPoP token, proved with the stored key, was accepted.
    expect(log.filter((entry) => entry.endpoint !== 'mcp')).toEqual([]);
    const proved = log.filter((entry) => entry.endpoint === 'mcp' && entry.authorization);
    expect(proved.length).toBeGreaterThan(0);
    expect(proved.every((entry) => entry.authorization === 'DPoP [redacted]' && entry.status !== 401)).toBe(
      true,
    );
    expect((await storedKeys(page, 'dpop-reload', 'auth-dpop-keys')).count).toBe(1);
  });

  test('redeems the code on the callback page with a proof of a new stored key, then connects from storage', async ({
    page,
  }) => {
    await openHarness(page, server.url);
    const mock = served.mock();
    mock.control.clearRequests();
    const storage = { kind: 'session' } as const;
    // The page navigates away during the evaluation, which is then cut short.
    await page.evaluate((s) => void (window.harness as Harness).connect(s), {
      mcpUrl: `${server.url}/mcp`,
      storage,
      authorize: { kind: 'redirect' },
      dpop: true,
    } as const);
    await expect
      .poll(
        () =>
          mock.control
            .requests()
            .filter((entry) => entry.endpoint === 'token')
            .map((entry) => entry.status),
        {
          timeout: 15_000,
        },
      )
      .toEqual([200]);
    await page.waitForURL(`${server.url}/`);
    await waitForHarness(page);
    // The key was made at redemption, on the callback page, and kept where every page of the origin finds it.
    expect((await storedKeys(page, 'mcp-authed-client-dpop-keys', 'dpop-keys')).privateExtractable).toEqual([
      false,
    ]);

    mock.control.clearRequests();
    const id = ok(
      await connect(page, { mcpUrl: `${server.url}/mcp`, storage, dpop: true, authorize: { kind: 'none' } }),
    );
    expect(await whoami(page, id)).toMatchObject({ client_id: expect.any(String) });
    const log = mock.control.requests();
    expect(log.filter((entry) => entry.endpoint !== 'mcp')).toEqual([]);
    expect(
      log.filter((entry) => entry.authorization).every((entry) => entry.authorization === 'DPoP [redacted]'),
    ).toBe(true);
  });
});

test.describe('cross-origin: the CLI mock with DPoP and nonces on another port', () => {
  let server: HarnessServer;
  let cli: CliMock;

  test.beforeAll(async () => {
    server = await serveHarness();
    cli = await startCliMock(['--mcp-cors', '--dpop', '--dpop-nonce', 'both']);
  });

  test.afterAll(async () => {
    await cli?.stop();
    await server?.close();
  });

  test('signs in through a popup, answers both nonces, and whoami answers with the bound token', async ({
    page,
  }) => {
    await openHarness(page, server.url);
    const id = ok(await connect(page, { mcpUrl: cli.mcpUrl, dpop: true }));
    expect(await authorizations(page, id)).toBe(1);
    expect(await whoami(page, id)).toMatchObject({ client_id: expect.any(String) });
    expect(await events(page, id)).toContain('token:succeeded:DPoP-bound tokens received');
  });
});
