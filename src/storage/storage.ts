/**
 * Persistence. An adapter is an async string key/value store, so sessionStorage, localStorage and IndexedDB
 * adapters fit the same interface; `AuthStateStore` types what is stored on top of it.
 */

/** An async key/value store of strings. */
export interface AuthStorage {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
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
