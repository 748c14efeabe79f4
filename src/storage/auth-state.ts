/**
 * What the client persists, typed: client registrations per issuer, the grant per MCP resource, and pending
 * authorization requests keyed by `state` (everything redeeming the callback needs besides the issuer's metadata and
 * the client's credentials, so a page other than the one that started the sign-in can finish it).
 */
import type { ClientIdentity } from '../identity/client-identity.js';
import type { TokenSet } from '../tokens/token-set.js';
import { isJsonObject, isStringArray } from '../json.js';
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
    const pending = await this.#read<unknown>(`pending/${state}`);
    await this.#storage.delete(`${PREFIX}pending/${state}`);
    return isPendingAuthorization(pending) ? pending : undefined;
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

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

function isClientIdentity(value: unknown): value is ClientIdentity {
  return isJsonObject(value) && isString(value['issuer']) && isString(value['clientId']);
}

function isStoredGrant(value: unknown): value is StoredGrant {
  if (!isJsonObject(value) || !isString(value['issuer']) || !isString(value['clientId'])) return false;
  if (!isString(value['resource']) || !Array.isArray(value['requestedScopes'])) return false;
  const tokens = value['tokens'];
  return (
    isJsonObject(tokens) &&
    isString(tokens['accessToken']) &&
    Array.isArray(tokens['scopes']) &&
    (tokens['refreshToken'] === undefined || isString(tokens['refreshToken'])) &&
    (tokens['expiresAt'] === undefined || typeof tokens['expiresAt'] === 'number')
  );
}

function isPendingAuthorization(value: unknown): value is PendingAuthorization {
  if (!isJsonObject(value)) return false;
  const strings = ['state', 'codeVerifier', 'redirectUri', 'issuer', 'clientId', 'resource', 'mcpUrl'];
  return (
    strings.every((field) => isString(value[field])) &&
    isStringArray(value['scopes']) &&
    typeof value['createdAt'] === 'number'
  );
}
