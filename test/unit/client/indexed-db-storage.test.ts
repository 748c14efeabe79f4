/**
 * `indexedDbStorage` failure paths that a real browser does not produce on demand (no IndexedDB, a throwing
 * `open`, a blocked upgrade, a quota abort), with a minimal scripted `IDBFactory`. The happy paths run in
 * Chromium: test/e2e/client-storage.e2e.ts.
 */
import { describe, expect, it } from 'vitest';
import { indexedDbStorage } from '../../../src/storage/indexed-db.js';

const SECRET = 'refresh-token-value-that-must-never-appear';

type Handler = ((event: { preventDefault(): void }) => void) | null;
interface FakeRequest {
  result: unknown;
  error: DOMException | null;
  onsuccess: Handler;
  onerror: Handler;
  onblocked: Handler;
  onupgradeneeded: Handler;
}
const event = { preventDefault: () => undefined };

/** A database with one store whose `put` aborts its transaction with `abortWith` (when set). */
function fakeDatabase(abortWith?: DOMException): { db: object; puts: () => number } {
  let puts = 0;
  const db = {
    version: 1,
    objectStoreNames: { contains: () => true },
    onversionchange: null,
    onclose: null,
    close: () => undefined,
    transaction: () => {
      const request: { result: unknown; error: DOMException | null } = { result: undefined, error: null };
      const transaction = {
        error: null as DOMException | null,
        oncomplete: null as (() => void) | null,
        onabort: null as (() => void) | null,
        abort: () => undefined,
        objectStore: () => ({
          put: () => {
            puts += 1;
            setTimeout(() => {
              if (abortWith) {
                transaction.error = abortWith;
                transaction.onabort?.();
              } else transaction.oncomplete?.();
            });
            return request;
          },
          get: () => {
            setTimeout(() => transaction.oncomplete?.());
            return request;
          },
          delete: () => {
            setTimeout(() => transaction.oncomplete?.());
            return request;
          },
        }),
      };
      return transaction;
    },
  };
  return { db, puts: () => puts };
}

/** A factory whose `open` requests are settled by `settle`; counts the calls. */
function fakeFactory(settle: (request: FakeRequest) => void): { factory: IDBFactory; opens: () => number } {
  let opens = 0;
  const factory = {
    open: () => {
      opens += 1;
      const request: FakeRequest = {
        result: undefined,
        error: null,
        onsuccess: null,
        onerror: null,
        onblocked: null,
        onupgradeneeded: null,
      };
      setTimeout(() => settle(request));
      return request;
    },
  };
  return { factory: factory as unknown as IDBFactory, opens: () => opens };
}

describe('indexedDbStorage', () => {
  it('rejects with a message saying IndexedDB is unavailable (Node has no indexedDB global)', async () => {
    expect((globalThis as { indexedDB?: unknown }).indexedDB).toBeUndefined();
    const storage = indexedDbStorage({ databaseName: 'app' });
    await expect(storage.get('key')).rejects.toThrow(
      /IndexedDB database "app" \(store "auth"\): IndexedDB is not available here/,
    );
  });

  it('opens lazily, once, and reuses the connection', async () => {
    const { db, puts } = fakeDatabase();
    const { factory, opens } = fakeFactory((request) => {
      request.result = db;
      request.onsuccess?.(event);
    });
    const storage = indexedDbStorage({ factory });
    expect(opens()).toBe(0);
    await Promise.all([storage.set('a', '1'), storage.set('b', '2')]);
    await storage.get('a');
    await storage.delete('a');
    expect(opens()).toBe(1);
    expect(puts()).toBe(2);
  });

  it('names the DOMException when open throws (opaque origins throw SecurityError), and retries later', async () => {
    let calls = 0;
    const factory = {
      open: () => {
        calls += 1;
        throw new DOMException('access denied for this origin', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const storage = indexedDbStorage({ factory, databaseName: 'db', storeName: 'st' });
    const error = await storage.set('key', SECRET).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'IndexedDB database "db" (store "st"): cannot open the database: SecurityError (access denied for this origin)',
    );
    await expect(storage.get('key')).rejects.toThrow(/SecurityError/);
    expect(calls).toBe(2);
  });

  it('reports a blocked open as blocked', async () => {
    const { factory } = fakeFactory((request) => request.onblocked?.(event));
    await expect(indexedDbStorage({ factory }).get('key')).rejects.toThrow(
      /opening is blocked by a connection another tab or window keeps open/,
    );
  });

  it('reports an open error with its name', async () => {
    const { factory } = fakeFactory((request) => {
      request.error = new DOMException('disk gone', 'UnknownError');
      request.onerror?.(event);
    });
    await expect(indexedDbStorage({ factory }).get('key')).rejects.toThrow(
      'IndexedDB database "mcp-authed-client" (store "auth"): cannot open the database: UnknownError (disk gone)',
    );
  });

  it('reports a write aborted by the quota, without the value', async () => {
    const { db } = fakeDatabase(new DOMException('Quota exceeded', 'QuotaExceededError'));
    const { factory } = fakeFactory((request) => {
      request.result = db;
      request.onsuccess?.(event);
    });
    const error = await indexedDbStorage({ factory })
      .set('key', SECRET)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'IndexedDB database "mcp-authed-client" (store "auth"): writing an entry failed: the storage quota is exceeded (Quota exceeded)',
    );
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('refuses empty names at creation', () => {
    expect(() => indexedDbStorage({ databaseName: '' })).toThrow(TypeError);
    expect(() => indexedDbStorage({ storeName: '' })).toThrow(TypeError);
  });
});
