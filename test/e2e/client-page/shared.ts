/**
 * What the harness page and its callback page share: storage adapters by kind, and errors as plain data. A module of
 * its own, so that neither page's entry module is also a dependency of the other (bundlers split such a module into
 * a shared chunk, and the built index page then loaded only its preload polyfill).
 */
import { indexedDbStorage, McpAuthError, memoryStorage, webStorage } from '../../../src/index.js';
import type { AuthStorage } from '../../../src/index.js';

/** Which adapter to use. */
export type StorageSpec =
  | { kind: 'memory' }
  | { kind: 'session' }
  | { kind: 'local'; refreshTokens?: boolean }
  | { kind: 'indexeddb'; databaseName?: string; storeName?: string };

/** What a failure looked like, as data. */
export interface ErrorReport {
  name: string;
  message: string;
  isMcpAuthError: boolean;
  code?: string;
  step?: string;
  status?: number;
}

/** One adapter per spec, so a page reuses its IndexedDB connection like an application would. */
const adapters = new Map<string, AuthStorage>();

export function adapter(spec: StorageSpec): AuthStorage {
  if (spec.kind === 'memory') return memoryStorage();
  const id = JSON.stringify(spec);
  let storage = adapters.get(id);
  if (storage === undefined) {
    storage =
      spec.kind === 'session'
        ? webStorage(sessionStorage)
        : spec.kind === 'local'
          ? webStorage(
              localStorage,
              spec.refreshTokens === undefined ? {} : { refreshTokens: spec.refreshTokens },
            )
          : indexedDbStorage({
              ...(spec.databaseName === undefined ? {} : { databaseName: spec.databaseName }),
              ...(spec.storeName === undefined ? {} : { storeName: spec.storeName }),
            });
    adapters.set(id, storage);
  }
  return storage;
}

export function report(error: unknown): ErrorReport {
  if (error instanceof McpAuthError) {
    return {
      name: error.name,
      message: error.message,
      isMcpAuthError: true,
      code: error.code,
      step: error.step,
      ...(error.status === undefined ? {} : { status: error.status }),
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message, isMcpAuthError: false };
  return { name: typeof error, message: String(error), isMcpAuthError: false };
}
