import { describe, expect, it } from 'vitest';
import { memoryStorage, webStorage } from '../../../src/index.js';
import type { AuthStorage, WebStorageLike } from '../../../src/index.js';
import { AuthStateStore } from '../../../src/storage/auth-state.js';
import type { PendingAuthorization } from '../../../src/storage/auth-state.js';

/** A complete pending authorization, as `beginAuthorization` stores it. */
const PENDING: PendingAuthorization = {
  state: 's',
  codeVerifier: 'v',
  redirectUri: 'http://127.0.0.1/cb',
  issuer: 'https://as',
  authorizationServer: {
    issuer: 'https://as',
    authorization_endpoint: 'https://as/authorize',
    token_endpoint: 'https://as/token',
  },
  clientId: 'c',
  client: { source: 'dynamic-registration', confidential: false },
  resource: 'https://m',
  scopes: ['a'],
  mcpUrl: 'https://m/mcp',
  createdAt: 1,
};

/** The Web Storage contract (string values, null for absent keys), as browsers implement it. */
function storageLike(): WebStorageLike & { size: () => number } {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, String(value)),
    removeItem: (key) => void map.delete(key),
    size: () => map.size,
  };
}

describe.each<[string, () => AuthStorage]>([
  ['memoryStorage', memoryStorage],
  ['webStorage', () => webStorage(storageLike())],
])('AuthStateStore over %s', (_name, create) => {
  it('keeps clients per issuer and grants per MCP server', async () => {
    const store = new AuthStateStore(create());
    await store.saveClient({
      issuer: 'https://a',
      clientId: 'ca',
      redirectUri: 'http://127.0.0.1/cb',
      source: 'dynamic-registration',
    });
    await store.saveClient({
      issuer: 'https://b',
      clientId: 'cb',
      redirectUri: 'http://127.0.0.1/cb',
      source: 'dynamic-registration',
    });
    expect((await store.loadClient('https://a'))?.clientId).toBe('ca');
    expect((await store.loadClient('https://b'))?.clientId).toBe('cb');
    await store.deleteClient('https://a');
    expect(await store.loadClient('https://a')).toBeUndefined();
  });

  it('hands a pending authorization out once only', async () => {
    const store = new AuthStateStore(create());
    await store.savePending({ ...PENDING, state: 's1' });
    expect((await store.takePending('s1'))?.codeVerifier).toBe('v');
    expect(await store.takePending('s1')).toBeUndefined();
    expect(await store.takePending('other')).toBeUndefined();
  });
});

describe('AuthStateStore robustness', () => {
  it('treats a corrupt entry as absent instead of throwing', async () => {
    const raw = storageLike();
    raw.setItem('mcp-authed-client/v1/grant/https://m/mcp', '{not json');
    const store = new AuthStateStore(webStorage(raw));
    expect(await store.loadGrant('https://m/mcp')).toBeUndefined();
  });

  it('treats entries of the wrong shape as absent (another version, a user in devtools)', async () => {
    const raw = storageLike();
    raw.setItem('mcp-authed-client/v1/grant/https://m/mcp', JSON.stringify({ issuer: 'https://as' }));
    raw.setItem('mcp-authed-client/v1/client/https://as', JSON.stringify({ clientId: 42 }));
    raw.setItem('mcp-authed-client/v1/pending/s', '"just a string"');
    const store = new AuthStateStore(webStorage(raw));
    expect(await store.loadGrant('https://m/mcp')).toBeUndefined();
    expect(await store.loadClient('https://as')).toBeUndefined();
    expect(await store.takePending('s')).toBeUndefined();
  });

  it('treats a pending authorization missing any field its redemption reads as absent, and removes it', async () => {
    const complete = PENDING;
    for (const field of Object.keys(complete)) {
      const raw = storageLike();
      const broken = Object.fromEntries(Object.entries(complete).filter(([name]) => name !== field));
      raw.setItem('mcp-authed-client/v1/pending/s', JSON.stringify(broken));
      const store = new AuthStateStore(webStorage(raw));
      expect(await store.takePending('s'), field).toBeUndefined();
      expect(raw.size()).toBe(0);
    }
    const raw = storageLike();
    const malformed = [
      { ...complete, scopes: [1] },
      { ...complete, client: { source: 'stolen', confidential: false } },
      { ...complete, client: { source: 'pre-registered' } },
      { ...complete, authorizationServer: { issuer: 'https://elsewhere' } },
      { ...complete, returnTo: 7 },
    ];
    for (const entry of malformed) {
      raw.setItem('mcp-authed-client/v1/pending/s', JSON.stringify(entry));
      expect(await new AuthStateStore(webStorage(raw)).takePending('s')).toBeUndefined();
    }
    raw.setItem('mcp-authed-client/v1/pending/s', JSON.stringify(complete));
    expect(await new AuthStateStore(webStorage(raw)).takePending('s')).toEqual(complete);
  });
});

describe('refresh tokens and storage the application shares between tabs', () => {
  const grant = (accessToken: string, refreshToken?: string) => ({
    issuer: 'https://as',
    clientId: 'c',
    resource: 'https://m',
    requestedScopes: [],
    tokens: { accessToken, scopes: [], ...(refreshToken ? { refreshToken } : {}) },
  });

  it('keeps refresh tokens out of a storage that refuses them, but still in this context', async () => {
    const raw = storageLike();
    const store = new AuthStateStore(webStorage(raw, { refreshTokens: false }));
    await store.saveGrant('https://m/mcp', grant('at-1', 'rt-1'));
    expect(raw.getItem('mcp-authed-client/v1/grant/https://m/mcp')).not.toContain('rt-1');
    expect((await store.loadGrant('https://m/mcp'))?.tokens.refreshToken).toBe('rt-1');
    // Another context (sharing the storage, not the memory) sees the access token only.
    expect((await new AuthStateStore(webStorage(raw)).loadGrant('https://m/mcp'))?.tokens).toEqual({
      accessToken: 'at-1',
      scopes: [],
    });
  });

  it('does not pair a held refresh token with an access token another context stored since', async () => {
    const raw = storageLike();
    const store = new AuthStateStore(webStorage(raw, { refreshTokens: false }));
    await store.saveGrant('https://m/mcp', grant('at-1', 'rt-1'));
    await new AuthStateStore(webStorage(raw, { refreshTokens: false })).saveGrant(
      'https://m/mcp',
      grant('at-2'),
    );
    expect((await store.loadGrant('https://m/mcp'))?.tokens.refreshToken).toBeUndefined();
  });

  it('stores refresh tokens in sessionStorage-like storage by default', async () => {
    const raw = storageLike();
    await new AuthStateStore(webStorage(raw)).saveGrant('https://m/mcp', grant('at-1', 'rt-1'));
    expect(raw.getItem('mcp-authed-client/v1/grant/https://m/mcp')).toContain('rt-1');
  });

  it("reports another context's new tokens and sign-out of this MCP server only", async () => {
    const events = new EventTarget();
    const raw = storageLike();
    const store = new AuthStateStore(webStorage(raw as unknown as Storage, { events: events as Window }));
    const seen: string[] = [];
    const stop = store.watchGrant('https://m/mcp', (change) => seen.push(change));
    const fire = (key: string, storageArea: unknown = raw) => {
      const event = new Event('storage') as Event & { key: string; storageArea: unknown };
      Object.assign(event, { key, storageArea });
      events.dispatchEvent(event);
    };
    fire('mcp-authed-client/v1/grant/https://m/mcp');
    fire('mcp-authed-client/v1/signed-out/https://m/mcp');
    fire('mcp-authed-client/v1/grant/https://other/mcp');
    fire('mcp-authed-client/v1/grant/https://m/mcp', storageLike());
    stop();
    fire('mcp-authed-client/v1/signed-out/https://m/mcp');
    expect(seen).toEqual(['updated', 'signed-out']);
  });

  it('announces a sign-out through the storage, leaving no marker behind', async () => {
    const writes: string[] = [];
    const base = memoryStorage();
    const shared: AuthStorage = {
      ...base,
      set: async (key, value) => {
        writes.push(`set ${key}`);
        await base.set(key, value);
      },
      delete: async (key) => {
        writes.push(`delete ${key}`);
        await base.delete(key);
      },
      watch: () => () => undefined,
    };
    const store = new AuthStateStore(shared);
    await store.saveGrant('https://m/mcp', grant('at-1'));
    writes.length = 0;
    await store.deleteGrant('https://m/mcp', 'signed-out');
    // The marker first: other tabs learn why the grant goes before they see it gone.
    expect(writes).toEqual([
      'set mcp-authed-client/v1/signed-out/https://m/mcp',
      'delete mcp-authed-client/v1/signed-out/https://m/mcp',
      'delete mcp-authed-client/v1/grant/https://m/mcp',
    ]);
    writes.length = 0;
    await store.deleteGrant('https://m/mcp');
    expect(writes).toEqual(['delete mcp-authed-client/v1/grant/https://m/mcp']);
  });

  it('forgets the grant even when the storage refuses the sign-out marker (quota), and says so', async () => {
    const base = memoryStorage();
    const full: AuthStorage = {
      ...base,
      set: async (key, value) => {
        if (key.includes('/signed-out/')) throw new Error('QuotaExceededError');
        await base.set(key, value);
      },
      watch: () => () => undefined,
    };
    const store = new AuthStateStore(full);
    const changes: string[] = [];
    store.onLocalGrantChange((_url, change) => changes.push(change.kind));
    await store.saveGrant('https://m/mcp', grant('at-1'));
    await expect(store.deleteGrant('https://m/mcp', 'signed-out')).rejects.toThrow('QuotaExceededError');
    expect(await store.loadGrant('https://m/mcp')).toBeUndefined();
    expect(changes).toEqual(['saved', 'deleted']);
  });
});
