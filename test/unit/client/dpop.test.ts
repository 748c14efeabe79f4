/**
 * The pure and in-memory parts of the client's DPoP (RFC 9449): when a grant is bound, which token types are usable,
 * what a bound token set records, the key bindings by thumbprint, and what storage accepts as a bound grant.
 */
import { describe, expect, it } from 'vitest';
import type { AuthorizationServer } from 'oauth4webapi';
import { createAuthedMcpClient, McpAuthError, memoryStorage } from '../../../src/index.js';
import { bindsGrantAt, DpopBindings } from '../../../src/dpop/binding.js';
import { indexedDbDpopKeyStore, memoryDpopKeyStore } from '../../../src/dpop/key-store.js';
import type { DpopKeyPair } from '../../../src/dpop/key-store.js';
import type { HttpContext } from '../../../src/http.js';
import { AuthStateStore } from '../../../src/storage/auth-state.js';
import { refuseUnsupportedTokenType, withBinding } from '../../../src/tokens/token-requests.js';

const as = (listed?: unknown): AuthorizationServer =>
  ({
    issuer: 'https://as.example',
    ...(listed === undefined ? {} : { dpop_signing_alg_values_supported: listed }),
  }) as AuthorizationServer;

function thrown(action: () => unknown): McpAuthError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(McpAuthError);
    return error as McpAuthError;
  }
  throw new Error('expected a throw');
}

describe('bindsGrantAt: whether a new grant is bound to a key', () => {
  it('never without the option', () => {
    expect(bindsGrantAt(undefined, as(['ES256']))).toBe(false);
  });

  it("'advertised' binds only where ES256 is listed", () => {
    expect(bindsGrantAt('advertised', as(['RS256', 'ES256']))).toBe(true);
    expect(bindsGrantAt('advertised', as(['RS256']))).toBe(false);
    expect(bindsGrantAt('advertised', as())).toBe(false);
    expect(bindsGrantAt('advertised', as('ES256'))).toBe(false);
  });

  it("'always' binds where nothing is listed, and refuses a list without ES256, naming it", () => {
    expect(bindsGrantAt('always', as())).toBe(true);
    expect(bindsGrantAt('always', as(['ES256']))).toBe(true);
    const error = thrown(() => bindsGrantAt('always', as(['PS256', 'EdDSA'])));
    expect(error.code).toBe('dpop_unsupported');
    expect(error.message).toContain('PS256, EdDSA');
    expect(thrown(() => bindsGrantAt('always', as([]))).message).toContain('no algorithm');
  });
});

describe('token types: bearer always, DPoP only after a proof', () => {
  it('takes bearer in any case, and DPoP only when the request proved a key', () => {
    expect(() => refuseUnsupportedTokenType('bearer', 'token')).not.toThrow();
    expect(() => refuseUnsupportedTokenType('DPoP', 'token', [], true)).not.toThrow();
    const unproved = thrown(() => refuseUnsupportedTokenType('DPoP', 'refresh'));
    expect(unproved.code).toBe('refresh_failed');
    expect(unproved.message).toContain('enable dpop');
  });

  it('refuses other types, quoting the type scrubbed of the tokens of the same answer', () => {
    const error = thrown(() =>
      refuseUnsupportedTokenType('mac-secret-token', 'token', ['secret-token'], true),
    );
    expect(error.code).toBe('token_request_failed');
    expect(error.message).toContain('"mac-[redacted]"');
    expect(error.message).not.toContain('secret-token');
  });

  it('records the key a proof was made with, and DPoP as the type only when the server bound the token', async () => {
    const bindings = new DpopBindings(memoryDpopKeyStore());
    const dpop = await bindings.create();
    const ctx = { dpop } as unknown as HttpContext;
    const tokens = { accessToken: 'a', scopes: [] };
    expect(withBinding(ctx, { token_type: 'dpop' }, tokens)).toEqual({
      ...tokens,
      tokenType: 'DPoP',
      dpopJkt: dpop.jkt,
    });
    expect(withBinding(ctx, { token_type: 'bearer' }, tokens)).toEqual({ ...tokens, dpopJkt: dpop.jkt });
    expect(withBinding({} as HttpContext, { token_type: 'bearer' }, tokens)).toBe(tokens);
  });
});

describe('DpopBindings: key pairs by thumbprint', () => {
  it('creates a non-extractable P-256 pair, keeps it in the store under its thumbprint, and finds it again', async () => {
    const store = memoryDpopKeyStore();
    const created = await new DpopBindings(store).create();
    expect(created.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const pair = await store.get(created.jkt);
    expect(pair?.privateKey.extractable).toBe(false);
    expect((pair?.privateKey.algorithm as { namedCurve?: string }).namedCurve).toBe('P-256');
    // Another client on the same store (a reload) finds the same key.
    const found = await new DpopBindings(store).find(created.jkt);
    expect(found?.jkt).toBe(created.jkt);
  });

  it('finds nothing for an unknown thumbprint, and sees a key written later (a miss is not remembered)', async () => {
    const store = memoryDpopKeyStore();
    const reader = new DpopBindings(store);
    const written = await new DpopBindings(memoryDpopKeyStore()).create();
    expect(await reader.find(written.jkt)).toBeUndefined();
    const other = await new DpopBindings(store).create();
    expect((await reader.find(other.jkt))?.jkt).toBe(other.jkt);
  });

  it('refuses a pair stored under a thumbprint that is not its own', async () => {
    const store = memoryDpopKeyStore();
    const bindings = new DpopBindings(store);
    const real = await bindings.create();
    await store.set('not-its-thumbprint', (await store.get(real.jkt)) as DpopKeyPair);
    expect(await bindings.find('not-its-thumbprint')).toBeUndefined();
  });

  it('keeps a key the store refuses in memory, and says it is not persisted', async () => {
    const refusing = { ...memoryDpopKeyStore(), set: () => Promise.reject(new Error('QuotaExceededError')) };
    const bindings = new DpopBindings(refusing);
    const created = await bindings.create();
    expect(created.persisted).toBe(false);
    expect((await bindings.find(created.jkt))?.jkt).toBe(created.jkt);
    expect(await refusing.get(created.jkt)).toBeUndefined();
    expect((await new DpopBindings(memoryDpopKeyStore()).create()).persisted).toBe(true);
  });

  it('forgets a key everywhere', async () => {
    const store = memoryDpopKeyStore();
    const bindings = new DpopBindings(store);
    const { jkt } = await bindings.create();
    await bindings.forget(jkt);
    expect(await store.get(jkt)).toBeUndefined();
    expect(await bindings.find(jkt)).toBeUndefined();
  });
});

describe('the IndexedDB key store: pairs with their age, swept when a new one is written', () => {
  /** Records as IndexedDB keeps them (structured clone aside), in a Map. */
  function mapRecords() {
    const map = new Map<string, unknown>();
    return {
      map,
      records: {
        get: async (key: string) => map.get(key),
        put: async (key: string, value: unknown) => void map.set(key, value),
        delete: async (key: string) => void map.delete(key),
        keys: async () => [...map.keys()],
      },
    };
  }

  it('keeps a pair with the time it was last used, reads back only key pairs, and sweeps the unused ones at the next write', async () => {
    const day = 24 * 60 * 60 * 1000;
    let time = Date.UTC(2026, 0, 1);
    const { map, records } = mapRecords();
    const store = indexedDbDpopKeyStore(records, { maxAgeMs: 10 * day, now: () => time });
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as DpopKeyPair;
    await store.set('unused', pair);
    await store.set('in-use', pair);
    expect(map.get('unused')).toMatchObject({ usedAt: time });
    expect(await store.get('unused')).toEqual({ privateKey: pair.privateKey, publicKey: pair.publicKey });
    map.set('foreign', 'not a key pair');
    expect(await store.get('foreign')).toBeUndefined();

    // Reading a key a day or more after its last recorded use records the use.
    time += 6 * day;
    await store.get('in-use');
    expect(map.get('in-use')).toMatchObject({ usedAt: time });
    time += 6 * day;
    await store.set('new', pair);
    expect([...map.keys()].sort()).toEqual(['foreign', 'in-use', 'new']);
  });

  it('still writes the pair when the sweep fails', async () => {
    const { map, records } = mapRecords();
    const store = indexedDbDpopKeyStore({
      ...records,
      keys: () => Promise.reject(new Error('InvalidStateError')),
    });
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as DpopKeyPair;
    await store.set('k', pair);
    expect(map.has('k')).toBe(true);
  });
});

describe('storage of bound grants', () => {
  const grant = (tokens: Record<string, unknown>) =>
    JSON.stringify({
      issuer: 'https://as.example',
      clientId: 'c',
      resource: 'https://mcp.example/mcp',
      requestedScopes: [],
      tokens: { accessToken: 'a', scopes: [], ...tokens },
    });

  it('keeps a DPoP grant that names its key, and treats one that does not (or a bad type) as absent', async () => {
    const storage = memoryStorage();
    const store = new AuthStateStore(storage);
    const key = 'mcp-authed-client/v1/grant/https://mcp.example/mcp';
    await storage.set(key, grant({ tokenType: 'DPoP', dpopJkt: 'jkt' }));
    expect((await store.loadGrant('https://mcp.example/mcp'))?.tokens).toMatchObject({
      tokenType: 'DPoP',
      dpopJkt: 'jkt',
    });
    await storage.set(key, grant({ tokenType: 'DPoP' }));
    expect(await store.loadGrant('https://mcp.example/mcp')).toBeUndefined();
    await storage.set(key, grant({ tokenType: 'MAC', dpopJkt: 'jkt' }));
    expect(await store.loadGrant('https://mcp.example/mcp')).toBeUndefined();
  });

  it('gives each storage without a key store one in-memory key store, shared by the clients on that storage', () => {
    const strings = { get: async () => undefined, set: async () => undefined, delete: async () => undefined };
    expect(new AuthStateStore(strings).dpopKeys).toBe(new AuthStateStore(strings).dpopKeys);
    expect(new AuthStateStore({ ...strings }).dpopKeys).not.toBe(new AuthStateStore(strings).dpopKeys);
    const memory = memoryStorage();
    expect(new AuthStateStore(memory).dpopKeys).toBe(memory.dpopKeys);
  });
});

describe('the dpop option', () => {
  it('is true, false or auto; anything else is invalid_option before any request', async () => {
    const error = await createAuthedMcpClient('https://mcp.example/mcp', {
      dpop: 'yes' as unknown as boolean,
      fetch: () => Promise.reject(new Error('no request expected')),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthError);
    expect((error as McpAuthError).code).toBe('invalid_option');
  });
});
