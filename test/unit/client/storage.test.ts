import { describe, expect, it } from 'vitest';
import { memoryStorage, webStorage } from '../../../src/index.js';
import type { AuthStorage, WebStorageLike } from '../../../src/index.js';
import { AuthStateStore } from '../../../src/storage/auth-state.js';

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
    await store.savePending({
      state: 's1',
      codeVerifier: 'v',
      redirectUri: 'http://127.0.0.1/cb',
      issuer: 'https://a',
      clientId: 'c',
      resource: 'https://m',
      scopes: [],
      mcpUrl: 'https://m/mcp',
      createdAt: 0,
    });
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
    const complete = {
      state: 's',
      codeVerifier: 'v',
      redirectUri: 'http://127.0.0.1/cb',
      issuer: 'https://as',
      clientId: 'c',
      resource: 'https://m',
      scopes: ['a'],
      mcpUrl: 'https://m/mcp',
      createdAt: 1,
    };
    for (const field of Object.keys(complete)) {
      const raw = storageLike();
      const broken: Record<string, unknown> = { ...complete };
      delete broken[field];
      raw.setItem('mcp-authed-client/v1/pending/s', JSON.stringify(broken));
      const store = new AuthStateStore(webStorage(raw));
      expect(await store.takePending('s'), field).toBeUndefined();
      expect(raw.size()).toBe(0);
    }
    const raw = storageLike();
    raw.setItem('mcp-authed-client/v1/pending/s', JSON.stringify({ ...complete, scopes: [1] }));
    expect(await new AuthStateStore(webStorage(raw)).takePending('s')).toBeUndefined();
    raw.setItem('mcp-authed-client/v1/pending/s', JSON.stringify(complete));
    expect(await new AuthStateStore(webStorage(raw)).takePending('s')).toEqual(complete);
  });
});
