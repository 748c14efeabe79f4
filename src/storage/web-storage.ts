/**
 * Adapter for the Web Storage API: pass `sessionStorage` (state dies with the tab, survives the redirect) or
 * `localStorage` (shared by tabs; pair it with `webLocks(navigator.locks)`). Refresh tokens are kept out of
 * `localStorage` unless asked for — it outlives the session, while a refresh token is the long-lived credential —
 * and go to the signing-in tab's `sessionStorage` instead. Changes made by other tabs arrive as `storage` events.
 */
import type { DomWindow } from '../dom-types.js';
import { indexedDbDpopKeyStore } from '../dpop/key-store.js';
import { indexedDbRecords } from './indexed-db.js';
import type { AuthStorage } from './storage.js';

/** The IndexedDB database of `webStorage`'s DPoP key pairs. */
const DPOP_KEY_DATABASE = 'mcp-authed-client-dpop-keys';

/**
 * The part of the Web Storage API the adapter uses (`sessionStorage` and `localStorage` have it). Spelled out
 * rather than picked from `Storage`, so a project without the DOM lib can pass its own.
 */
export interface WebStorageLike {
  /** The value stored under `key`, or `null`. */
  getItem(key: string): string | null;
  /** Stores `value` under `key`. */
  setItem(key: string, value: string): void;
  /** Removes `key`. */
  removeItem(key: string): void;
}

/** Options of `webStorage`. */
export interface WebStorageOptions {
  /**
   * Store refresh tokens too. Default: true, except for `localStorage`, where they stay in the `sessionStorage` of
   * the tab that obtained them unless you opt in: then only that tab can refresh (the others use the access token
   * until it expires, then sign in again); with `true` every tab can refresh, and one refresh serves them all.
   */
  refreshTokens?: boolean | undefined;
  /** Where `storage` events arrive (default: the global `window`, when there is one). */
  events?: Pick<DomWindow, 'addEventListener' | 'removeEventListener'> | undefined;
}

/** An `AuthStorage` over `sessionStorage` / `localStorage`. */
export function webStorage(storage: WebStorageLike, options: WebStorageOptions = {}): AuthStorage {
  const isLocalStorage = storage === globalLocalStorage();
  const events = options.events ?? (typeof window === 'undefined' ? undefined : window);
  return {
    get: async (key) => storage.getItem(key) ?? undefined,
    set: async (key, value) => {
      storage.setItem(key, value);
    },
    delete: async (key) => {
      storage.removeItem(key);
    },
    refreshTokens: options.refreshTokens ?? !isLocalStorage,
    // Key pairs cannot be written as strings without making them extractable: in a browser they go to IndexedDB.
    ...(globalIndexedDb()
      ? { dpopKeys: indexedDbDpopKeyStore(indexedDbRecords(undefined, DPOP_KEY_DATABASE, 'dpop-keys')) }
      : {}),
    ...(isLocalStorage && globalSessionStorage()
      ? { refreshTokenStorage: webStorage(globalSessionStorage() as Storage) }
      : {}),
    ...(events === undefined
      ? {}
      : {
          watch(listener: (key: string) => void): () => void {
            const onStorage = (event: StorageEvent): void => {
              if (event.storageArea === storage && event.key !== null) listener(event.key);
            };
            events.addEventListener('storage', onStorage);
            return () => events.removeEventListener('storage', onStorage);
          },
        }),
  };
}

function globalLocalStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    // Reading it throws where storage is disabled (sandboxed frames, some privacy settings).
    return undefined;
  }
}

function globalSessionStorage(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

function globalIndexedDb(): unknown {
  return (globalThis as { indexedDB?: unknown }).indexedDB;
}
