/**
 * What the client persists, typed: client registrations per issuer, the grant per MCP resource, and pending
 * authorization requests keyed by `state` (everything redeeming the callback needs besides the issuer's metadata and
 * the client's credentials, so a page other than the one that started the sign-in can finish it).
 */
import type { AuthorizationServer } from 'oauth4webapi';
import type { ClientIdentity, ClientIdentitySource } from '../identity/client-identity.js';
import type { KnownSecrets } from '../known-secrets.js';
import { withUsableTimes } from '../tokens/token-set.js';
import type { TokenSet } from '../tokens/token-set.js';
import { isJsonObject, isStringArray } from '../json.js';
import { memoryDpopKeyStore } from '../dpop/key-store.js';
import type { DpopKeyStore } from '../dpop/key-store.js';
import { perStorage } from './per-storage.js';
import { memoryStorage } from './storage.js';
import type { AuthStorage } from './storage.js';

/** A grant: tokens plus who issued them to whom, for which resource. */
export interface StoredGrant {
  issuer: string;
  clientId: string;
  resource: string;
  tokens: TokenSet;
  /** Every scope requested so far for this grant (for the step-up union). */
  requestedScopes: string[];
  /** True when these tokens came from a refresh rather than an authorization (absent in earlier versions' grants). */
  renewed?: boolean | undefined;
}

/** How the tokens of a grant were obtained: a new authorization (sign-in, step-up) or a refresh. */
export type GrantSource = 'authorization' | 'refresh';

/** A change this client made to the grant of an MCP server. */
export type LocalGrantChange =
  { kind: 'saved'; grant: StoredGrant } | { kind: 'deleted'; reason: 'signed-out' | 'refused' };

/** How the client of a pending request authenticates, without its secret (never stored with the request). */
export interface PendingClient {
  source: ClientIdentitySource;
  tokenEndpointAuthMethod?: string;
  /** Whether the client has a secret: a pre-registered one must be given again to redeem the code. */
  confidential: boolean;
}

/** An authorization request waiting for its callback. */
export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  redirectUri: string;
  issuer: string;
  /** The issuer's metadata as discovery validated it (where to redeem the code, whether to expect `iss`). */
  authorizationServer: AuthorizationServer;
  clientId: string;
  client: PendingClient;
  resource: string;
  scopes: string[];
  /** The MCP server URL: the grant is stored under it. */
  mcpUrl: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Set when the callback page redeems the code (full-page redirect): the page to go back to afterwards. */
  returnTo?: string;
  /** The code is redeemed with a DPoP proof of a new key, which the grant is then bound to (RFC 9449 §5). */
  dpop?: boolean;
}

const PREFIX = 'mcp-authed-client/v1/';

/** A refresh token kept apart from the shared storage, with what revoking it needs. */
export interface HeldRefreshToken {
  accessToken: string;
  refreshToken: string;
  issuer: string;
  clientId: string;
}

/** What another context (tab) did to the grant of an MCP server. */
export type GrantChange = 'updated' | 'signed-out';

/** Typed access to the persisted state. */
export class AuthStateStore {
  readonly #storage: AuthStorage;
  /** Where refresh tokens go that `#storage` may not hold: the storage's choice, else this object's memory. */
  readonly #held: AuthStorage;
  /** Told every secret read or written, so server text quoted later can be scrubbed of it. */
  readonly #secrets: KnownSecrets | undefined;
  readonly #localListeners = new Set<(mcpUrl: string, change: LocalGrantChange) => void>();

  /** The DPoP key pairs of the grants kept here. */
  readonly dpopKeys: DpopKeyStore;

  constructor(storage: AuthStorage, secrets?: KnownSecrets) {
    this.#storage = storage;
    this.#held = storage.refreshTokenStorage ?? memoryStorage();
    this.#secrets = secrets;
    this.dpopKeys = storage.dpopKeys ?? sharedMemoryKeys(storage);
  }

  /**
   * Calls `listener` when another context changes the grant of `mcpUrl`: new tokens, or a sign-out. Returns the
   * unsubscribe function (a no-op for storage that is not shared).
   */
  watchGrant(mcpUrl: string, listener: (change: GrantChange) => void): () => void {
    const grantKey = `${PREFIX}grant/${mcpUrl}`;
    const signOutKey = `${PREFIX}signed-out/${mcpUrl}`;
    return (
      this.#storage.watch?.((key) => {
        if (key === signOutKey) listener('signed-out');
        else if (key === grantKey) listener('updated');
      }) ?? (() => undefined)
    );
  }

  /**
   * Calls `listener` after this store saved or deleted the grant of an MCP server (the changes other contexts make
   * arrive through `watchGrant`). A throwing listener never breaks the write. Returns the unsubscribe function.
   */
  onLocalGrantChange(listener: (mcpUrl: string, change: LocalGrantChange) => void): () => void {
    this.#localListeners.add(listener);
    return () => this.#localListeners.delete(listener);
  }

  #tellLocal(mcpUrl: string, change: LocalGrantChange): void {
    for (const listener of this.#localListeners) {
      try {
        listener(mcpUrl, change);
      } catch {
        // An application's listener must not undo a grant that is already written.
      }
    }
  }

  /**
   * Resolves to true as soon as another context changes the grant of `mcpUrl`, or to false after `timeoutMs` (at
   * once for storage that reports no changes).
   */
  grantChanges(mcpUrl: string, timeoutMs: number): Promise<boolean> {
    if (!this.#storage.watch) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        stop();
        resolve(changed);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const stop = this.watchGrant(mcpUrl, () => done(true));
    });
  }

  async loadClient(issuer: string): Promise<ClientIdentity | undefined> {
    const client = await this.#read<ClientIdentity>(`client/${issuer}`);
    if (!isClientIdentity(client)) return undefined;
    this.#secrets?.addClient(client.clientId, client.clientSecret);
    return client;
  }

  saveClient(identity: ClientIdentity): Promise<void> {
    this.#secrets?.addClient(identity.clientId, identity.clientSecret);
    return this.#write(`client/${identity.issuer}`, identity);
  }

  deleteClient(issuer: string): Promise<void> {
    return this.#storage.delete(`${PREFIX}client/${issuer}`);
  }

  async loadGrant(mcpUrl: string): Promise<StoredGrant | undefined> {
    const stored = await this.#read<StoredGrant>(`grant/${mcpUrl}`);
    if (!isStoredGrant(stored)) return undefined;
    const grant: StoredGrant = { ...stored, tokens: withUsableTimes(stored.tokens) };
    this.#secrets?.add(grant.tokens.accessToken, grant.tokens.refreshToken);
    // Every MCP request reads the grant: the held refresh token is looked up only when the storage withholds it.
    if (grant.tokens.refreshToken !== undefined || this.#storage.refreshTokens !== false) return grant;
    const held = await this.#readHeld(mcpUrl);
    return held?.accessToken === grant.tokens.accessToken
      ? { ...grant, tokens: { ...grant.tokens, refreshToken: held.refreshToken } }
      : grant;
  }

  /** Stores the grant of `mcpUrl`, obtained `by` a new authorization or a refresh. */
  async saveGrant(mcpUrl: string, grant: StoredGrant, by: GrantSource = 'authorization'): Promise<void> {
    const saved: StoredGrant = { ...grant, renewed: by === 'refresh' };
    await this.#saveGrant(mcpUrl, saved);
    this.#tellLocal(mcpUrl, { kind: 'saved', grant: saved });
  }

  async #saveGrant(mcpUrl: string, grant: StoredGrant): Promise<void> {
    this.#secrets?.add(grant.tokens.accessToken, grant.tokens.refreshToken);
    const { refreshToken, ...withoutRefresh } = grant.tokens;
    if (this.#storage.refreshTokens !== false || refreshToken === undefined) {
      await this.#held.delete(`${PREFIX}held-refresh/${mcpUrl}`);
      return this.#write(`grant/${mcpUrl}`, grant);
    }
    const held: HeldRefreshToken = {
      accessToken: grant.tokens.accessToken,
      refreshToken,
      issuer: grant.issuer,
      clientId: grant.clientId,
    };
    await this.#held.set(`${PREFIX}held-refresh/${mcpUrl}`, JSON.stringify(held));
    return this.#write(`grant/${mcpUrl}`, { ...grant, tokens: withoutRefresh });
  }

  /**
   * Takes the refresh token this context holds apart from the storage for `mcpUrl` (see `refreshTokens`), so it can
   * be revoked when another context signed out: that context could revoke only the access token.
   */
  async takeHeldRefreshToken(mcpUrl: string): Promise<HeldRefreshToken | undefined> {
    const held = await this.#readHeld(mcpUrl);
    await this.#held.delete(`${PREFIX}held-refresh/${mcpUrl}`);
    return held;
  }

  async #readHeld(mcpUrl: string): Promise<HeldRefreshToken | undefined> {
    const raw = await this.#held.get(`${PREFIX}held-refresh/${mcpUrl}`);
    if (raw === undefined) return undefined;
    try {
      const value: unknown = JSON.parse(raw);
      if (
        !isJsonObject(value) ||
        !['accessToken', 'refreshToken', 'issuer', 'clientId'].every((field) => isString(value[field]))
      ) {
        return undefined;
      }
      const held = value as unknown as HeldRefreshToken;
      this.#secrets?.add(held.accessToken, held.refreshToken);
      return held;
    } catch {
      return undefined;
    }
  }

  /** Forgets the grant of `mcpUrl`; after a sign-out, other contexts watching the storage are told. */
  async deleteGrant(mcpUrl: string, reason: 'signed-out' | 'refused' = 'refused'): Promise<void> {
    try {
      await this.#held.delete(`${PREFIX}held-refresh/${mcpUrl}`);
      if (reason === 'signed-out' && this.#storage.watch) {
        // Only the change is the message: the marker is removed at once. It goes before the grant's removal, so
        // other contexts learn why the grant goes before they see it gone.
        await this.#storage.set(`${PREFIX}signed-out/${mcpUrl}`, String(Date.now()));
        await this.#storage.delete(`${PREFIX}signed-out/${mcpUrl}`);
      }
    } finally {
      // A marker the storage refused (quota, an aborted transaction) must not leave a revoked grant behind.
      await this.#storage.delete(`${PREFIX}grant/${mcpUrl}`);
      this.#tellLocal(mcpUrl, { kind: 'deleted', reason });
    }
  }

  savePending(pending: PendingAuthorization): Promise<void> {
    this.#secrets?.add(pending.codeVerifier);
    return this.#write(`pending/${pending.state}`, pending);
  }

  /** Reads a pending request without using it up. */
  async peekPending(state: string): Promise<PendingAuthorization | undefined> {
    const pending = await this.#read<unknown>(`pending/${state}`);
    if (!isPendingAuthorization(pending)) return undefined;
    this.#secrets?.add(pending.codeVerifier);
    return pending;
  }

  /** Marks a pending request as finished on the callback page (full-page redirect), which returns to `returnTo`. */
  async markForCallbackPage(state: string, returnTo: string): Promise<void> {
    const pending = await this.peekPending(state);
    if (pending) await this.savePending({ ...pending, returnTo });
  }

  /** Reads and deletes a pending request: a state is good for one callback only. */
  async takePending(state: string): Promise<PendingAuthorization | undefined> {
    const pending = await this.peekPending(state);
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

// Storage is outside this package's control (another version, another tab, a user's devtools): entries of the
// wrong shape are treated as absent rather than crashing the client.

/**
 * For a storage without a key store of its own: an in-memory one, shared by every client of this realm given the same
 * storage object (as the grants are), so one client's DPoP-bound grant is usable by the next.
 */
const sharedMemoryKeys = perStorage<DpopKeyStore>(memoryDpopKeyStore);

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

function isClientIdentity(value: unknown): value is ClientIdentity {
  return isJsonObject(value) && isString(value['issuer']) && isString(value['clientId']);
}

function isStoredGrant(value: unknown): value is StoredGrant {
  if (!isJsonObject(value) || !isString(value['issuer']) || !isString(value['clientId'])) return false;
  if (!isString(value['resource']) || !Array.isArray(value['requestedScopes'])) return false;
  const tokens = value['tokens'];
  // An unusable `expiresAt` (the `null` an infinite expiry became, a string) is no reason to lose the grant: it is
  // dropped on reading (see `withUsableTimes`), so it is not checked here.
  return (
    isJsonObject(tokens) &&
    isString(tokens['accessToken']) &&
    Array.isArray(tokens['scopes']) &&
    (tokens['refreshToken'] === undefined || isString(tokens['refreshToken'])) &&
    (tokens['tokenType'] === undefined || tokens['tokenType'] === 'DPoP') &&
    (tokens['dpopJkt'] === undefined || isString(tokens['dpopJkt'])) &&
    // A DPoP token names its key: without the thumbprint no proof could be made for it.
    (tokens['tokenType'] === undefined || isString(tokens['dpopJkt']))
  );
}

const CLIENT_SOURCES: readonly unknown[] = ['pre-registered', 'metadata-document', 'dynamic-registration'];

function isPendingAuthorization(value: unknown): value is PendingAuthorization {
  if (!isJsonObject(value)) return false;
  const strings = ['state', 'codeVerifier', 'redirectUri', 'issuer', 'clientId', 'resource', 'mcpUrl'];
  const client = value['client'];
  const as = value['authorizationServer'];
  return (
    strings.every((field) => isString(value[field])) &&
    isStringArray(value['scopes']) &&
    typeof value['createdAt'] === 'number' &&
    (value['returnTo'] === undefined || typeof value['returnTo'] === 'string') &&
    (value['dpop'] === undefined || typeof value['dpop'] === 'boolean') &&
    isJsonObject(client) &&
    CLIENT_SOURCES.includes(client['source']) &&
    typeof client['confidential'] === 'boolean' &&
    (client['tokenEndpointAuthMethod'] === undefined ||
      typeof client['tokenEndpointAuthMethod'] === 'string') &&
    isJsonObject(as) &&
    as['issuer'] === value['issuer']
  );
}
