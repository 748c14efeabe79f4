/**
 * Adapter for IndexedDB: state shared by every tab of an origin, surviving reloads and browser restarts, and
 * reachable from workers (where Web Storage is not). The factory defaults to the `indexedDB` global; nothing else
 * here reads `window`.
 */
import type { DomIdbFactory } from '../dom-types.js';
import { indexedDbDpopKeyStore } from '../dpop/key-store.js';
import type { AuthStorage } from './storage.js';

/** Options of `indexedDbStorage`. */
export interface IndexedDbStorageOptions {
  /** Database name (default "mcp-authed-client"). Different names never see each other's entries. */
  databaseName?: string | undefined;
  /** Object store inside the database (default "auth"); created on first use. */
  storeName?: string | undefined;
  /** The `IDBFactory` to open the database with (default: the `indexedDB` global). */
  factory?: DomIdbFactory | undefined;
  /**
   * Store refresh tokens too (default true), so every tab can refresh and one refresh serves them all. With false
   * they stay in the memory of the tab that obtained them.
   */
  refreshTokens?: boolean | undefined;
}

const DEFAULT_DATABASE = 'mcp-authed-client';
const DEFAULT_STORE = 'auth';

/**
 * An `AuthStorage` over IndexedDB. The database is opened on first use and the connection reused; it is closed
 * when another context upgrades the database (and reopened on the next call), so it never blocks another tab.
 * Writes resolve once their transaction has committed. A failure (no IndexedDB, blocked upgrade, quota exceeded,
 * the database closed under it) rejects with an `Error` saying what happened; values are never put in messages.
 *
 * @example
 * const client = await createAuthedMcpClient(url, { storage: indexedDbStorage(), locks: webLocks(navigator.locks) });
 */
export function indexedDbStorage(options: IndexedDbStorageOptions = {}): AuthStorage {
  const databaseName = options.databaseName ?? DEFAULT_DATABASE;
  const storeName = options.storeName ?? DEFAULT_STORE;
  if (databaseName === '' || storeName === '') {
    throw new TypeError('indexedDbStorage: databaseName and storeName must be non-empty strings');
  }
  const records = indexedDbRecords(options.factory, databaseName, storeName);
  // Key pairs are not strings: they live in a store of their own, as the browser's structured clone keeps them
  // (a non-extractable private key stays non-extractable, and never leaves the browser's key storage).
  const dpopKeys = indexedDbDpopKeyStore(
    indexedDbRecords(options.factory, databaseName, `${storeName}-dpop-keys`),
  );

  // IndexedDB tells other tabs nothing: each committed change is announced on a channel named after the store. It
  // is opened on first use and does not keep a Node process alive.
  const channelName = `mcp-authed-client/indexed-db/${databaseName}/${storeName}`;
  let announcer: BroadcastChannel | undefined;
  const channel = (): BroadcastChannel | undefined => {
    if (announcer === undefined && typeof BroadcastChannel === 'function') {
      announcer = new BroadcastChannel(channelName);
      (announcer as BroadcastChannel & { unref?: () => void }).unref?.();
    }
    return announcer;
  };
  const announce = (key: string): void => {
    try {
      channel()?.postMessage(key);
    } catch {
      // A closed channel (the page is going away): nobody left to tell.
    }
  };

  return {
    refreshTokens: options.refreshTokens ?? true,
    dpopKeys,
    ...(typeof BroadcastChannel !== 'function'
      ? {}
      : {
          // Listening on the announcing channel itself: a channel never hears its own messages, so only the
          // changes of other tabs (and other adapters) arrive.
          watch(listener: (key: string) => void): () => void {
            const onMessage = (event: MessageEvent): void => {
              if (typeof event.data === 'string') listener(event.data);
            };
            const target = channel();
            target?.addEventListener('message', onMessage);
            return () => target?.removeEventListener('message', onMessage);
          },
        }),
    get: async (key) => {
      const result = await records.get(key);
      // Entries written by something else are treated as absent, as AuthStateStore does with bad JSON.
      return typeof result === 'string' ? result : undefined;
    },
    set: async (key, value) => {
      await records.put(key, value);
      announce(key);
    },
    delete: async (key) => {
      await records.delete(key);
      announce(key);
    },
  };
}

/** Structured-clone records of one object store: read, written and deleted in transactions of their own. */
export interface IndexedDbRecords {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key of the store. */
  keys(): Promise<string[]>;
}

/**
 * The records of `storeName` in `databaseName`. The database is opened on first use and the connection reused; it is
 * closed when another context upgrades the database (and reopened on the next call), so it never blocks another tab.
 */
export function indexedDbRecords(
  factory: DomIdbFactory | undefined,
  databaseName: string,
  storeName: string,
): IndexedDbRecords {
  const where = `IndexedDB database "${databaseName}" (store "${storeName}")`;
  let connection: Promise<IDBDatabase> | undefined;

  const connect = (): Promise<IDBDatabase> => {
    if (connection === undefined) {
      const opening = openDatabase(factory, databaseName, storeName, where);
      connection = opening;
      opening.then(
        (db) => {
          const forget = (): void => {
            if (connection === opening) connection = undefined;
          };
          // Another context wants to upgrade: step aside, the next call reopens.
          db.onversionchange = () => {
            forget();
            db.close();
          };
          // The browser closed it (storage cleared, disk error).
          db.onclose = forget;
        },
        () => {
          // Not cached: a later call tries again (the blocking tab may have closed).
          if (connection === opening) connection = undefined;
        },
      );
    }
    return connection;
  };

  /** A transaction on the store; a connection closed under it (another context upgraded) is reopened once. */
  const begin = async (mode: IDBTransactionMode, action: string): Promise<IDBTransaction> => {
    for (let attempt = 1; ; attempt += 1) {
      const opening = connect();
      const db = await opening;
      try {
        return db.transaction(storeName, mode);
      } catch (error) {
        const closed = error instanceof Error && error.name === 'InvalidStateError';
        if (!closed || attempt > 1) throw failure(`${where}: ${action} failed`, error);
        if (connection === opening) connection = undefined;
      }
    }
  };

  const run = async <T>(
    mode: IDBTransactionMode,
    action: string,
    operation: (store: IDBObjectStore) => IDBRequest,
    read: (result: unknown) => T,
  ): Promise<T> => {
    const transaction = await begin(mode, action);
    return new Promise<T>((resolve, reject) => {
      let request: IDBRequest;
      try {
        request = operation(transaction.objectStore(storeName));
      } catch (error) {
        try {
          transaction.abort();
        } catch {
          // Already finished: nothing to undo.
        }
        reject(failure(`${where}: ${action} failed`, error));
        return;
      }
      // Resolve on commit, not on the request's success: a write is then visible to every other connection.
      transaction.oncomplete = () => resolve(read(request.result));
      transaction.onabort = () =>
        reject(failure(`${where}: ${action} failed`, transaction.error ?? request.error));
    });
  };

  return {
    get: (key) =>
      run(
        'readonly',
        'reading an entry',
        (store) => store.get(key),
        (result) => result,
      ),
    put: (key, value) =>
      run(
        'readwrite',
        'writing an entry',
        (store) => store.put(value, key),
        () => undefined,
      ),
    delete: (key) =>
      run(
        'readwrite',
        'deleting an entry',
        (store) => store.delete(key),
        () => undefined,
      ),
    keys: () =>
      run(
        'readonly',
        'listing the entries',
        (store) => store.getAllKeys(),
        (result) =>
          Array.isArray(result) ? result.filter((key): key is string => typeof key === 'string') : [],
      ),
  };
}

/** Opens `name`, creating `storeName` with a version upgrade when it is missing. */
async function openDatabase(
  given: IDBFactory | undefined,
  name: string,
  storeName: string,
  where: string,
): Promise<IDBDatabase> {
  const factory = given ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined || factory === null) {
    throw new Error(
      `${where}: IndexedDB is not available here (a non-browser runtime, or a private window that disables it); use webStorage(sessionStorage) or memoryStorage(), or pass options.factory`,
    );
  }
  let db = await openRequest(factory, name, undefined, storeName, where);
  // The database exists without this store (another store name was used first): add it in a new version. Another
  // tab adding its own store may take that version first, hence a few attempts.
  for (let attempt = 1; !db.objectStoreNames.contains(storeName); attempt += 1) {
    const version = db.version + 1;
    db.close();
    if (attempt > 3)
      throw new Error(`${where}: cannot create the object store (the database keeps changing version)`);
    db = await openRequest(factory, name, version, storeName, where);
  }
  return db;
}

function openRequest(
  factory: IDBFactory,
  name: string,
  version: number | undefined,
  storeName: string,
  where: string,
): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = version === undefined ? factory.open(name) : factory.open(name, version);
    } catch (error) {
      // Chromium and Firefox throw SecurityError in opaque origins (sandboxed frames, data: URLs).
      reject(failure(`${where}: cannot open the database`, error));
      return;
    }
    let settled = false;
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(storeName)) db.createObjectStore(storeName);
    };
    request.onsuccess = () => {
      if (settled) {
        // It was reported blocked and the caller moved on: do not leak the connection.
        request.result.close();
        return;
      }
      settled = true;
      resolve(request.result);
    };
    request.onerror = (event) => {
      event.preventDefault();
      if (settled) return;
      settled = true;
      reject(failure(`${where}: cannot open the database`, request.error));
    };
    request.onblocked = () => {
      if (settled) return;
      settled = true;
      reject(
        failure(
          `${where}: opening is blocked by a connection another tab or window keeps open on an older version; close it and retry`,
          undefined,
        ),
      );
    };
  });
}

/** An Error naming what failed and the DOMException's name and message (which never contain a stored value). */
function failure(what: string, cause: unknown): Error {
  if (cause instanceof Error || (typeof DOMException !== 'undefined' && cause instanceof DOMException)) {
    const reason = cause.name === 'QuotaExceededError' ? 'the storage quota is exceeded' : cause.name;
    return new Error(`${what}: ${reason}${cause.message ? ` (${cause.message})` : ''}`, { cause });
  }
  return new Error(what, cause === undefined ? undefined : { cause });
}
