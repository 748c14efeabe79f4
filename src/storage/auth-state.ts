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

  loadClient(issuer: string): Promise<ClientIdentity | undefined> {
    return this.#read<ClientIdentity>(`client/${issuer}`);
  }

  saveClient(identity: ClientIdentity): Promise<void> {
    return this.#write(`client/${identity.issuer}`, identity);
  }

  deleteClient(issuer: string): Promise<void> {
    return this.#storage.delete(`${PREFIX}client/${issuer}`);
  }

  loadGrant(mcpUrl: string): Promise<StoredGrant | undefined> {
    return this.#read<StoredGrant>(`grant/${mcpUrl}`);
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
    return pending;
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
