/**
 * Where DPoP key pairs are kept (RFC 9449): by the RFC 7638 thumbprint of their public key, which is what a
 * DPoP-bound grant records (`cnf.jkt`). Key pairs are objects, not strings, so they have a store of their own beside
 * the string `AuthStorage`: in memory, or in IndexedDB, whose structured clone keeps a non-extractable private key
 * usable after a reload without ever exposing its bytes.
 */
import type { WebCryptoKey } from '../identity/client-credentials.js';
import type { IndexedDbRecords } from '../storage/indexed-db.js';

/** A WebCrypto key pair (named through the global `crypto`, so Node projects without the DOM lib can use it). */
export interface DpopKeyPair {
  /** Signs the proofs; made non-extractable, so its bytes never leave the browser's (or Node's) key storage. */
  readonly privateKey: WebCryptoKey;
  /** Its public half, which every proof carries as its `jwk`. */
  readonly publicKey: WebCryptoKey;
}

/**
 * A store of DPoP key pairs by thumbprint. The built-in storages bring one (`memoryStorage`: in memory,
 * `indexedDbStorage` and, in a browser, `webStorage`: IndexedDB); a custom `AuthStorage` may set `dpopKeys`.
 */
export interface DpopKeyStore {
  /** The key pair whose public key has this thumbprint, or undefined. */
  get(thumbprint: string): Promise<DpopKeyPair | undefined>;
  /** Keeps `keyPair` under `thumbprint`. */
  set(thumbprint: string, keyPair: DpopKeyPair): Promise<void>;
  /** Forgets the key pair; a missing one is not an error. */
  delete(thumbprint: string): Promise<void>;
}

/** Key pairs in memory: they live as long as the store object. */
export function memoryDpopKeyStore(): DpopKeyStore {
  const pairs = new Map<string, DpopKeyPair>();
  return {
    get: async (thumbprint) => pairs.get(thumbprint),
    set: async (thumbprint, keyPair) => {
      pairs.set(thumbprint, keyPair);
    },
    delete: async (thumbprint) => {
      pairs.delete(thumbprint);
    },
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long a key pair unused is kept in IndexedDB (a grant left that long signs in again). */
export const DPOP_KEY_MAX_AGE_MS = 90 * DAY_MS;

/**
 * Key pairs in IndexedDB records; a record that is not a key pair (written by something else) counts as absent. Each
 * pair is stored with the time it was last used (written again at most once a day), and writing a new one sweeps the
 * pairs unused for `maxAgeMs`: the grants of a tab that closed without signing out (`webStorage(sessionStorage)`) are
 * gone, but nothing else would ever delete their keys.
 */
export function indexedDbDpopKeyStore(
  records: IndexedDbRecords,
  options: { maxAgeMs?: number; now?: () => number } = {},
): DpopKeyStore {
  const maxAgeMs = options.maxAgeMs ?? DPOP_KEY_MAX_AGE_MS;
  const now = options.now ?? (() => Date.now());
  const sweep = async (): Promise<void> => {
    const cutoff = now() - maxAgeMs;
    for (const key of await records.keys()) {
      const usedAt = (await records.get(key)) as { usedAt?: unknown } | null | undefined;
      if (typeof usedAt?.usedAt === 'number' && usedAt.usedAt < cutoff) await records.delete(key);
    }
  };
  return {
    get: async (thumbprint) => {
      const value = await records.get(thumbprint);
      if (!isKeyPair(value)) return undefined;
      const pair = { privateKey: value.privateKey, publicKey: value.publicKey };
      const usedAt = (value as { usedAt?: unknown }).usedAt;
      if (typeof usedAt !== 'number' || usedAt < now() - DAY_MS) {
        // A key in use is not swept: its age counts from its last use. A failed write only brings the sweep closer.
        await records.put(thumbprint, { ...pair, usedAt: now() }).catch(() => undefined);
      }
      return pair;
    },
    set: async (thumbprint, keyPair) => {
      await records.put(thumbprint, {
        privateKey: keyPair.privateKey,
        publicKey: keyPair.publicKey,
        usedAt: now(),
      });
      // Housekeeping only: a failed sweep is retried at the next key.
      await sweep().catch(() => undefined);
    },
    delete: (thumbprint) => records.delete(thumbprint),
  };
}

function isKeyPair(value: unknown): value is DpopKeyPair {
  if (typeof value !== 'object' || value === null) return false;
  const { privateKey, publicKey } = value as Record<string, unknown>;
  return isKey(privateKey, 'private') && isKey(publicKey, 'public');
}

function isKey(value: unknown, type: 'private' | 'public'): boolean {
  const constructor = (globalThis as { CryptoKey?: abstract new (...args: never[]) => unknown }).CryptoKey;
  return constructor !== undefined && value instanceof constructor && (value as WebCryptoKey).type === type;
}
