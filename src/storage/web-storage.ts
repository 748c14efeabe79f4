/**
 * Adapter for the Web Storage API: pass `sessionStorage` (state dies with the tab, survives the redirect) or
 * `localStorage` (shared by tabs; pair it with `webLocks(navigator.locks)`). Refresh tokens are kept out of
 * `localStorage` unless asked for: it outlives the session and any script of the origin can read it, while a
 * refresh token is the long-lived credential. Changes made by other tabs are reported through `storage` events.
 */
import type { AuthStorage } from './storage.js';

/** The part of the Web Storage API the adapter uses. */
export type WebStorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Options of `webStorage`. */
export interface WebStorageOptions {
  /**
   * Store refresh tokens too. Default: true, except for `localStorage`, where they stay in the memory of the tab
   * that obtained them unless you opt in (then every tab can refresh, and one refresh serves them all).
   */
  refreshTokens?: boolean;
  /** Where `storage` events arrive (default: the global `window`, when there is one). */
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
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
