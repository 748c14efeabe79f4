import { describe, expect, it, vi } from 'vitest';
import { McpAuthError, TokenError } from '../../../src/errors.js';
import { AuthStateStore } from '../../../src/storage/auth-state.js';
import type { StoredGrant } from '../../../src/storage/auth-state.js';
import { memoryStorage } from '../../../src/storage/storage.js';
import { isTransientFailure, RefreshCoordinator } from '../../../src/tokens/refresh-coordinator.js';
import type { Locks, WebLockManager } from '../../../src/tokens/single-flight.js';
import type { AuthStorage } from '../../../src/storage/storage.js';
import { inProcessLocks, SingleFlight, webLocks } from '../../../src/tokens/single-flight.js';
import type { TokenSet } from '../../../src/tokens/token-set.js';

const KEY = 'https://mcp.example/mcp';

function grant(accessToken: string, refreshToken: string | undefined): StoredGrant {
  const tokens: TokenSet = { accessToken, scopes: ['a'] };
  if (refreshToken) tokens.refreshToken = refreshToken;
  return { issuer: 'https://as.example', clientId: 'c', resource: KEY, tokens, requestedScopes: ['a'] };
}

/** A refresh "server" that rotates tokens and answers only when released, so callers truly overlap. */
function rotatingServer() {
  let generation = 0;
  const pending: Array<() => void> = [];
  const request = async (current: StoredGrant): Promise<TokenSet> => {
    generation += 1;
    const n = generation;
    await new Promise<void>((resolve) => pending.push(resolve));
    return {
      accessToken: `at-${n}`,
      refreshToken: `rt-${n}`,
      scopes: current.tokens.scopes,
    };
  };
  return {
    request,
    get calls() {
      return generation;
    },
    releaseAll: () => pending.splice(0).forEach((resolve) => resolve()),
  };
}

async function setup(initial: StoredGrant | undefined) {
  const store = new AuthStateStore(memoryStorage());
  if (initial) await store.saveGrant(KEY, initial);
  return { store, coordinator: new RefreshCoordinator(store, inProcessLocks()) };
}

/** Lets every queued callback run (the callers reach the coordinator before the server answers). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('RefreshCoordinator', () => {
  it('runs one refresh for many concurrent callers that present the same token', async () => {
    const { store, coordinator } = await setup(grant('at-0', 'rt-0'));
    const server = rotatingServer();
    const callers = Array.from({ length: 25 }, () => coordinator.refresh(KEY, 'at-0', server.request));
    await settle();
    server.releaseAll();
    const results = await Promise.all(callers);
    expect(server.calls).toBe(1);
    expect(new Set(results.map((r) => r?.tokens.accessToken))).toEqual(new Set(['at-1']));
    expect((await store.loadGrant(KEY))?.tokens.refreshToken).toBe('rt-1');
  });

  it('serialises coordinators that share a store and locks (two tabs): the second sees the rotation', async () => {
    const store = new AuthStateStore(memoryStorage());
    await store.saveGrant(KEY, grant('at-0', 'rt-0'));
    const locks = inProcessLocks();
    const tabA = new RefreshCoordinator(store, locks);
    const tabB = new RefreshCoordinator(store, locks);
    const server = rotatingServer();
    const a = tabA.refresh(KEY, 'at-0', server.request);
    const b = tabB.refresh(KEY, 'at-0', server.request);
    await settle();
    server.releaseAll();
    const [ra, rb] = await Promise.all([a, b]);
    expect(server.calls).toBe(1);
    expect(ra?.tokens.accessToken).toBe('at-1');
    expect(rb?.tokens.accessToken).toBe('at-1');
  });

  it('does not refresh again for a caller that presents an already replaced token', async () => {
    const { coordinator } = await setup(grant('at-5', 'rt-5'));
    const server = rotatingServer();
    const result = await coordinator.refresh(KEY, 'at-4', server.request);
    expect(server.calls).toBe(0);
    expect(result?.tokens.accessToken).toBe('at-5');
  });

  it('returns undefined without a request when there is no refresh token or no grant', async () => {
    const server = rotatingServer();
    expect(
      await (await setup(grant('at', undefined))).coordinator.refresh(KEY, 'at', server.request),
    ).toBeUndefined();
    expect(await (await setup(undefined)).coordinator.refresh(KEY, 'at', server.request)).toBeUndefined();
    expect(server.calls).toBe(0);
  });

  it('on invalid_grant drops the grant only when it still holds the refresh token that was sent', async () => {
    const invalidGrant = new TokenError({
      step: 'refresh',
      code: 'invalid_grant',
      message: 'x',
      serverError: 'invalid_grant',
    });

    const first = await setup(grant('at-0', 'rt-0'));
    await expect(first.coordinator.refresh(KEY, 'at-0', () => Promise.reject(invalidGrant))).rejects.toBe(
      invalidGrant,
    );
    expect(await first.store.loadGrant(KEY)).toBeUndefined();

    // Another context rotated the grant while our request was in flight: its new grant survives.
    const second = await setup(grant('at-0', 'rt-0'));
    const rotateThenFail = async () => {
      await second.store.saveGrant(KEY, grant('at-9', 'rt-9'));
      throw invalidGrant;
    };
    await expect(second.coordinator.refresh(KEY, 'at-0', rotateThenFail)).rejects.toBe(invalidGrant);
    expect((await second.store.loadGrant(KEY))?.tokens.refreshToken).toBe('rt-9');
  });

  it('keeps the tokens on network errors and 5xx', async () => {
    for (const failure of [
      new McpAuthError({ code: 'network_error', step: 'refresh', message: 'down' }),
      new TokenError({ step: 'refresh', code: 'refresh_failed', message: 'boom', status: 503 }),
    ]) {
      const { store, coordinator } = await setup(grant('at-0', 'rt-0'));
      await expect(coordinator.refresh(KEY, 'at-0', () => Promise.reject(failure))).rejects.toBe(failure);
      expect((await store.loadGrant(KEY))?.tokens.refreshToken).toBe('rt-0');
      expect(isTransientFailure(failure)).toBe(true);
    }
    expect(
      isTransientFailure(
        new TokenError({ step: 'refresh', code: 'invalid_grant', message: 'x', status: 400 }),
      ),
    ).toBe(false);
  });
});

describe('SingleFlight', () => {
  it('shares the running task and starts a new one after it settles (also after a failure)', async () => {
    const flights = new SingleFlight();
    let runs = 0;
    const task = async () => {
      runs += 1;
      await settle();
      if (runs === 1) throw new Error('first fails');
      return runs;
    };
    const [a, b] = await Promise.allSettled([flights.run('k', task), flights.run('k', task)]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect(await flights.run('k', task)).toBe(2);
  });
});

describe('RefreshCoordinator with storage that reaches other contexts late (localStorage between processes)', () => {
  /** Storage whose writes by "another context" are announced only when the test says so. */
  function lateStorage() {
    const base = memoryStorage();
    const listeners = new Set<(key: string) => void>();
    const storage: AuthStorage = {
      ...base,
      watch: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    };
    return { storage, announce: (key: string) => listeners.forEach((listener) => listener(key)) };
  }
  /** Locks that report every task as having waited for another holder. */
  const contended: Locks = { withLock: (_name, task) => task(true) };

  it("after waiting for the lock, waits for the other context's write to show instead of reusing the refresh token", async () => {
    const { storage, announce } = lateStorage();
    const store = new AuthStateStore(storage);
    await store.saveGrant(KEY, grant('at-0', 'rt-0'));
    let requests = 0;
    const refreshing = new RefreshCoordinator(store, contended).refresh(KEY, 'at-0', async () => {
      requests += 1;
      return { accessToken: 'at-mine', scopes: ['a'] };
    });
    // The other context's refresh lands in this context's view a moment later.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await new AuthStateStore(storage).saveGrant(KEY, grant('at-1', 'rt-1'));
    announce(`mcp-authed-client/v1/grant/${KEY}`);
    expect((await refreshing)?.tokens.accessToken).toBe('at-1');
    expect(requests).toBe(0);
  });

  it('refreshes itself when no change shows within the wait, and does not wait when the lock was free', async () => {
    vi.useFakeTimers();
    try {
      const { storage } = lateStorage();
      const store = new AuthStateStore(storage);
      await store.saveGrant(KEY, grant('at-0', 'rt-0'));
      let requests = 0;
      const refreshing = new RefreshCoordinator(store, contended).refresh(KEY, 'at-0', async () => {
        requests += 1;
        return { accessToken: 'at-mine', refreshToken: 'rt-mine', scopes: ['a'] };
      });
      await vi.advanceTimersByTimeAsync(999);
      expect(requests).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect((await refreshing)?.tokens.accessToken).toBe('at-mine');
      expect(requests).toBe(1);

      // Uncontended: no wait at all (no timer needs to fire).
      const refreshed = await new RefreshCoordinator(store, inProcessLocks()).refresh(
        KEY,
        'at-mine',
        async () => ({
          accessToken: 'at-next',
          scopes: ['a'],
        }),
      );
      expect(refreshed?.tokens.accessToken).toBe('at-next');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('inProcessLocks', () => {
  it('stops waiting when the signal fires, never runs that task, and lets the next one through', async () => {
    const locks = inProcessLocks();
    let releaseFirst!: () => void;
    const ran: string[] = [];
    const first = locks.withLock('authorize:x', async () => {
      ran.push('first');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
    });
    const controller = new AbortController();
    const second = locks.withLock('authorize:x', async () => void ran.push('second'), controller.signal);
    controller.abort(new Error('the user left'));
    await expect(second).rejects.toThrow('the user left');
    const third = locks.withLock('authorize:x', async (waited) => void ran.push(`third waited=${waited}`));
    releaseFirst();
    await Promise.all([first, third]);
    expect(ran).toEqual(['first', 'third waited=true']);
    await locks.withLock('authorize:x', async (waited) => void ran.push(`fourth waited=${waited}`));
    expect(ran.at(-1)).toBe('fourth waited=false');
  });
});

describe('webLocks', () => {
  /** The Web Locks contract (`ifAvailable` hands the callback null when the lock is held), over in-process locks. */
  function lockManager(held: Set<string>, names: string[]): WebLockManager {
    const queue = inProcessLocks();
    const request = async <T>(
      name: string,
      ...rest: [{ ifAvailable: true }, (lock: unknown) => Promise<T>] | [(lock: unknown) => Promise<T>]
    ): Promise<T> => {
      names.push(name);
      const callback = rest.length === 2 ? rest[1] : rest[0];
      if (rest.length === 2 && held.has(name)) return callback(null);
      return queue.withLock(name, async () => {
        held.add(name);
        try {
          return await callback({ name });
        } finally {
          held.delete(name);
        }
      });
    };
    return { request } as WebLockManager;
  }

  it('runs each task under a namespaced Web Lock and returns its result', async () => {
    const names: string[] = [];
    const locks = webLocks(lockManager(new Set(), names));
    expect(await locks.withLock('refresh:x', async () => 42)).toBe(42);
    expect(names).toEqual(['mcp-authed-client:refresh:x']);
  });

  it('tells a task whether it waited for another holder of the lock', async () => {
    const locks = webLocks(lockManager(new Set(), []));
    let releaseFirst!: () => void;
    const seen: Array<boolean | undefined> = [];
    const first = locks.withLock('refresh:x', async (waited) => {
      seen.push(waited);
      await new Promise<void>((resolve) => (releaseFirst = resolve));
    });
    await Promise.resolve();
    const second = locks.withLock('refresh:x', async (waited) => {
      seen.push(waited);
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    releaseFirst();
    await Promise.all([first, second]);
    expect(seen).toEqual([false, true]);
  });
});
