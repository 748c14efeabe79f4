/**
 * The storage adapters in real Chromium, through the harness page (test/e2e/client-page): IndexedDB round-trips,
 * survives a reload, is shared by the tabs of an origin and isolated by database and store name, and fails with a
 * message saying why; `webStorage(sessionStorage)` and `webStorage(localStorage)` survive a reload. Each test has
 * a fresh browser context (empty storage) and random values.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test } from './support/test.js';
import type { Harness, StorageSpec } from './client-page/main.js';
import { serveHarness, type HarnessServer } from './support/client-harness.js';

let server: HarnessServer;

test.beforeAll(async () => {
  server = await serveHarness();
});

test.afterAll(async () => {
  await server?.close();
});

const IDB: StorageSpec = { kind: 'indexeddb' };

/** Opens the harness and waits for `window.harness`; uncaught page errors fail the test. */
async function open(page: Page): Promise<void> {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught error in the page: ${error.message}`);
  });
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.harness !== undefined, undefined, { timeout: 15_000 });
}

async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.waitForFunction(() => window.harness !== undefined, undefined, { timeout: 15_000 });
}

const get = (page: Page, spec: StorageSpec, key: string): Promise<string | null> =>
  page.evaluate(([s, k]) => (window.harness as Harness).get(s, k), [spec, key] as const);
const set = (page: Page, spec: StorageSpec, key: string, value: string): Promise<void> =>
  page.evaluate(([s, k, v]) => (window.harness as Harness).set(s, k, v), [spec, key, value] as const);
const remove = (page: Page, spec: StorageSpec, key: string): Promise<void> =>
  page.evaluate(([s, k]) => (window.harness as Harness).delete(s, k), [spec, key] as const);

/** Reads `key` with the raw IndexedDB API, bypassing the adapter (undefined when the database or store is absent). */
function rawIndexedDbGet(page: Page, database: string, store: string, key: string): Promise<unknown> {
  return page.evaluate(
    ([database, store, key]) =>
      new Promise<unknown>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onerror = () => reject(new Error(String(request.error)));
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains(store)) {
            db.close();
            resolve('no such store');
            return;
          }
          const read = db.transaction(store, 'readonly').objectStore(store).get(key);
          read.onsuccess = () => {
            db.close();
            resolve(read.result);
          };
          read.onerror = () => reject(new Error(String(read.error)));
        };
      }),
    [database, store, key] as const,
  );
}

test.describe('indexedDbStorage in Chromium', () => {
  test('round-trips: set, get, overwrite, delete, and writes land in the named IndexedDB store', async ({
    page,
  }) => {
    await open(page);
    const key = `mcp-authed-client/v1/grant/${randomUUID()}`;
    const [first, second] = [randomUUID(), randomUUID()];
    expect(await get(page, IDB, key)).toBeNull();
    await set(page, IDB, key, first);
    expect(await get(page, IDB, key)).toBe(first);
    expect(await rawIndexedDbGet(page, 'mcp-authed-client', 'auth', key)).toBe(first);
    await set(page, IDB, key, second);
    expect(await get(page, IDB, key)).toBe(second);
    await remove(page, IDB, key);
    expect(await get(page, IDB, key)).toBeNull();
    expect(await rawIndexedDbGet(page, 'mcp-authed-client', 'auth', key)).toBeUndefined();
    // Deleting a missing key is not an error.
    await remove(page, IDB, key);
  });

  test('survives a page reload', async ({ page }) => {
    await open(page);
    const key = `k-${randomUUID()}`;
    const value = JSON.stringify({ accessToken: randomUUID(), scopes: ['read'] });
    await set(page, IDB, key, value);
    await reload(page);
    expect(await get(page, IDB, key)).toBe(value);
  });

  test('is shared by two tabs of one origin, both keeping their connections open', async ({ context }) => {
    const [tabA, tabB] = [await context.newPage(), await context.newPage()];
    await open(tabA);
    await open(tabB);
    const key = `k-${randomUUID()}`;
    const [fromA, fromB] = [randomUUID(), randomUUID()];
    await set(tabA, IDB, key, fromA);
    expect(await get(tabB, IDB, key)).toBe(fromA);
    await set(tabB, IDB, key, fromB);
    expect(await get(tabA, IDB, key)).toBe(fromB);
    await remove(tabA, IDB, key);
    expect(await get(tabB, IDB, key)).toBeNull();
  });

  test('isolates databases by name, and stores within one database', async ({ page }) => {
    await open(page);
    const key = `k-${randomUUID()}`;
    const alpha: StorageSpec = { kind: 'indexeddb', databaseName: 'alpha' };
    const beta: StorageSpec = { kind: 'indexeddb', databaseName: 'beta' };
    // A second store in an existing database: the adapter adds it with a version upgrade.
    const alphaOther: StorageSpec = { kind: 'indexeddb', databaseName: 'alpha', storeName: 'other' };
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await set(page, alpha, key, a);
    expect(await get(page, beta, key)).toBeNull();
    expect(await get(page, alphaOther, key)).toBeNull();
    await set(page, beta, key, b);
    await set(page, alphaOther, key, c);
    // The first connection to "alpha" was closed by the upgrade and is reopened transparently.
    expect(await get(page, alpha, key)).toBe(a);
    expect(await get(page, beta, key)).toBe(b);
    expect(await get(page, alphaOther, key)).toBe(c);
    await remove(page, alpha, key);
    expect(await get(page, beta, key)).toBe(b);
    expect(await get(page, alphaOther, key)).toBe(c);
    expect(await rawIndexedDbGet(page, 'beta', 'auth', key)).toBe(b);
  });

  test('a blocked upgrade rejects saying so, and a later call succeeds once the blocker closes', async ({
    page,
  }) => {
    await open(page);
    const database = `blocked-${randomUUID()}`;
    // Another connection (as another tab would) that ignores versionchange, so the upgrade adding a store blocks.
    await page.evaluate(
      (database) =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.open(database, 1);
          request.onupgradeneeded = () => request.result.createObjectStore('auth');
          request.onsuccess = () => {
            (window as unknown as { blocker: IDBDatabase }).blocker = request.result;
            resolve();
          };
          request.onerror = () => reject(new Error(String(request.error)));
        }),
      database,
    );
    const spec: StorageSpec = { kind: 'indexeddb', databaseName: database, storeName: 'second' };
    const failure = await page.evaluate((s) => (window.harness as Harness).failure(s, 'set'), spec);
    expect(failure).toEqual({
      name: 'Error',
      isMcpAuthError: false,
      message: `IndexedDB database "${database}" (store "second"): opening is blocked by a connection another tab or window keeps open on an older version; close it and retry`,
    });
    await page.evaluate(() => (window as unknown as { blocker: IDBDatabase }).blocker.close());
    const value = randomUUID();
    await set(page, spec, 'key', value);
    expect(await get(page, spec, 'key')).toBe(value);
  });

  test('without IndexedDB (disabled as in some private windows) rejects with what happened', async ({
    page,
  }) => {
    await page.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
    });
    await open(page);
    expect(await page.evaluate(() => typeof indexedDB)).toBe('undefined');
    const failure = await page.evaluate((s) => (window.harness as Harness).failure(s, 'get'), IDB);
    expect(failure?.message).toBe(
      'IndexedDB database "mcp-authed-client" (store "auth"): IndexedDB is not available here (a non-browser runtime, or a private window that disables it); use webStorage(sessionStorage) or memoryStorage(), or pass options.factory',
    );
  });
});

test.describe('webStorage in Chromium', () => {
  for (const kind of ['session', 'local'] as const) {
    test(`webStorage(${kind}Storage) round-trips and survives a page reload`, async ({ page }) => {
      await open(page);
      const spec: StorageSpec = { kind };
      const key = `k-${randomUUID()}`;
      const value = randomUUID();
      expect(await get(page, spec, key)).toBeNull();
      await set(page, spec, key, value);
      await reload(page);
      expect(await get(page, spec, key)).toBe(value);
      // It is the real Web Storage object, not a copy in memory.
      const raw = await page.evaluate(
        ([kind, key]) => (kind === 'session' ? sessionStorage : localStorage).getItem(key),
        [kind, key] as const,
      );
      expect(raw).toBe(value);
      await remove(page, spec, key);
      await reload(page);
      expect(await get(page, spec, key)).toBeNull();
    });
  }
});
