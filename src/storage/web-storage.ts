/**
 * Adapter for the Web Storage API: pass `sessionStorage` (state dies with the tab, survives the redirect) or
 * `localStorage` (shared by tabs; pair it with `webLocks(navigator.locks)`). The object is passed in, so nothing
 * here reads `window`.
 */
import type { AuthStorage } from './storage.js';

/** The part of the Web Storage API the adapter uses. */
export type WebStorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** An `AuthStorage` over `sessionStorage` / `localStorage`. */
export function webStorage(storage: WebStorageLike): AuthStorage {
  return {
    get: async (key) => storage.getItem(key) ?? undefined,
    set: async (key, value) => {
      storage.setItem(key, value);
    },
    delete: async (key) => {
      storage.removeItem(key);
    },
  };
}
