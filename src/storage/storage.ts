/**
 * Persistence. An adapter is an async string key/value store, so sessionStorage, localStorage and IndexedDB
 * adapters fit the same interface; `AuthStateStore` types what is stored on top of it.
 */

/** An async key/value store of strings. */
export interface AuthStorage {
  /** The value stored under `key`, or undefined. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` (a JSON string) under `key`, replacing what was there. */
  set(key: string, value: string): Promise<void>;
  /** Forgets `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** In-memory storage (the default): state lives as long as the object. */
export function memoryStorage(): AuthStorage {
  const map = new Map<string, string>();
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => {
      map.set(key, value);
    },
    delete: async (key) => {
      map.delete(key);
    },
  };
}
