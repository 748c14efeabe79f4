/**
 * What the client persists, typed: client registrations per issuer, the grant per MCP resource, and pending
 * authorization requests (so a callback page needs nothing but the URL and storage).
 */
import type { ClientIdentity } from '../identity/client-identity.js';
import type { TokenSet } from '../tokens/token-set.js';
import type { AuthStorage } from './storage.js';

/** A grant: tokens plus who issued them to whom, for which resource. */
export interface StoredGrant {
  issuer: string;
  clientId: string;
  resource: string;
  tokens: TokenSet;
  /** Every scope requested so far for this grant (for the step-up union). */
  requestedScopes: string[];
}

/** An authorization request waiting for its callback. */
export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  redirectUri: string;
  issuer: string;
  clientId: string;
  resource: string;
  scopes: string[];
  mcpUrl: string;
  createdAt: number;
}

const PREFIX = 'mcp-authed-client/v1/';

/** Typed access to the persisted state. */
export class AuthStateStore {
  readonly #storage: AuthStorage;

  constructor(storage: AuthStorage) {
    this.#storage = storage;
  }

  async loadClient(issuer: string): Promise<ClientIdentity | undefined> {
    const client = await this.#read<ClientIdentity>(`client/${issuer}`);
    return isClientIdentity(client) ? client : undefined;
  }

  saveClient(identity: ClientIdentity): Promise<void> {
    return this.#write(`client/${identity.issuer}`, identity);
  }

  deleteClient(issuer: string): Promise<void> {
    return this.#storage.delete(`${PREFIX}client/${issuer}`);
  }

  async loadGrant(mcpUrl: string): Promise<StoredGrant | undefined> {
    const grant = await this.#read<StoredGrant>(`grant/${mcpUrl}`);
    return isStoredGrant(grant) ? grant : undefined;
  }

  saveGrant(mcpUrl: string, grant: StoredGrant): Promise<void> {
    return this.#write(`grant/${mcpUrl}`, grant);
  }

  deleteGrant(mcpUrl: string): Promise<void> {
    return this.#storage.delete(`${PREFIX}grant/${mcpUrl}`);
  }

  savePending(pending: PendingAuthorization): Promise<void> {
    return this.#write(`pending/${pending.state}`, pending);
  }

  /** Reads and deletes a pending request: a state is good for one callback only. */
  async takePending(state: string): Promise<PendingAuthorization | undefined> {
    const pending = await this.#read<PendingAuthorization>(`pending/${state}`);
    await this.#storage.delete(`${PREFIX}pending/${state}`);
    return isObject(pending) && typeof pending['codeVerifier'] === 'string'
      ? (pending as unknown as PendingAuthorization)
      : undefined;
  }

  async #read<T>(key: string): Promise<T | undefined> {
    const raw = await this.#storage.get(`${PREFIX}${key}`);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      // Corrupt entries are treated as absent rather than crashing the client.
      return undefined;
    }
  }

  #write(key: string, value: unknown): Promise<void> {
    return this.#storage.set(`${PREFIX}${key}`, JSON.stringify(value));
  }
}

// Storage is outside this package's control (another version, another tab, a user's devtools): entries of the
// wrong shape are treated as absent rather than crashing the client.

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

function isClientIdentity(value: unknown): value is ClientIdentity {
  return isObject(value) && isString(value['issuer']) && isString(value['clientId']);
}

function isStoredGrant(value: unknown): value is StoredGrant {
  if (!isObject(value) || !isString(value['issuer']) || !isString(value['clientId'])) return false;
  if (!isString(value['resource']) || !Array.isArray(value['requestedScopes'])) return false;
  const tokens = value['tokens'];
  return (
    isObject(tokens) &&
    isString(tokens['accessToken']) &&
    Array.isArray(tokens['scopes']) &&
    (tokens['refreshToken'] === undefined || isString(tokens['refreshToken'])) &&
    (tokens['expiresAt'] === undefined || typeof tokens['expiresAt'] === 'number')
  );
}
