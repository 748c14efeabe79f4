/**
 * Concurrency primitives for refresh and authorization: in-process single-flight, and a lock interface that a
 * cross-tab implementation (navigator.locks) can satisfy.
 */

/** Concurrent callers of `run` with the same key share one running task. */
export class SingleFlight {
  readonly #running = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const running = this.#running.get(key);
    if (running) return running as Promise<T>;
    const promise = (async () => {
      try {
        return await task();
      } finally {
        this.#running.delete(key);
      }
    })();
    this.#running.set(key, promise);
    return promise;
  }
}

/** Mutual exclusion by name, possibly across browsing contexts. */
export interface Locks {
  /** Runs `task` while holding the lock `name`; tasks for the same name run one at a time. */
  withLock<T>(name: string, task: () => Promise<T>): Promise<T>;
}

/** Locks that serialise tasks of the same name inside this JavaScript realm. */
export function inProcessLocks(): Locks {
  const tails = new Map<string, Promise<void>>();
  return {
    async withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(name) ?? Promise.resolve();
      let release!: () => void;
      const current = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => current);
      tails.set(name, tail);
      await previous;
      try {
        return await task();
      } finally {
        release();
        if (tails.get(name) === tail) tails.delete(name);
      }
    },
  };
}

/** The subset of the Web Locks API used here (navigator.locks), so tabs refresh one at a time. */
export interface WebLockManager {
  /** `navigator.locks.request(name, callback)`: holds the lock while `callback`'s promise is pending. */
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Locks over the Web Locks API: pass `navigator.locks` in a browser to coordinate refreshes across tabs. */
export function webLocks(manager: WebLockManager): Locks {
  return { withLock: (name, task) => manager.request(`mcp-authed-client:${name}`, task) };
}
