/**
 * Persistence. An adapter is an async string key/value store, so sessionStorage, localStorage and IndexedDB
 * adapters fit the same interface; `AuthStateStore` types what is stored on top of it.
 */
import { memoryDpopKeyStore } from '../dpop/key-store.js';
import type { DpopKeyStore } from '../dpop/key-store.js';

/**
 * An async key/value store of strings: the one interface for custom stores. Keys are namespaced by the client
 * (`mcp-authed-client/v1/…`, then the issuer, the MCP server URL or the request's state).
 */
export interface AuthStorage {
  /** The value stored under `key`, or undefined. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` (a JSON string) under `key`, replacing what was there. */
  set(key: string, value: string): Promise<void>;
  /** Forgets `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Whether refresh tokens may be written here (default true). When false only the access token is stored here, and
   * the refresh token goes to `refreshTokenStorage` (default: the memory of the client that obtained it).
   */
  readonly refreshTokens?: boolean;
  /** Where refresh tokens go when `refreshTokens` is false (for `localStorage`: this tab's `sessionStorage`). */
  readonly refreshTokenStorage?: AuthStorage;
  /**
   * Where DPoP key pairs are kept (they are objects, not strings). Without it, the clients of this realm that share
   * this storage object share an in-memory key store: a DPoP-bound grant then does not survive a reload.
   */
  readonly dpopKeys?: DpopKeyStore;
  /**
   * For storage shared between contexts (tabs): calls `listener` with the key whenever another context changes an
   * entry, so clients follow new tokens and sign-outs without a request of their own. Returns the unsubscribe
   * function.
   */
  watch?(listener: (key: string) => void): () => void;
}

/** In-memory storage (the default): state lives as long as the object, DPoP key pairs included. */
export function memoryStorage(): AuthStorage {
  const map = new Map<string, string>();
  return {
    dpopKeys: memoryDpopKeyStore(),
    get: async (key) => map.get(key),
    set: async (key, value) => {
      map.set(key, value);
    },
    delete: async (key) => {
      map.delete(key);
    },
  };
}
