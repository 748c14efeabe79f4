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
  /**
   * Runs `task` while holding the lock `name`; tasks for the same name run one at a time. `task` is told whether it
   * had to wait for another holder (an implementation that cannot tell passes nothing). When `signal` fires while
   * waiting, the wait ends with its reason and `task` never runs.
   */
  withLock<T>(name: string, task: (waited?: boolean) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** Locks that serialise tasks of the same name inside this JavaScript realm. */
export function inProcessLocks(): Locks {
  const tails = new Map<string, Promise<void>>();
  return {
    async withLock<T>(
      name: string,
      task: (waited?: boolean) => Promise<T>,
      signal?: AbortSignal,
    ): Promise<T> {
      signal?.throwIfAborted();
      const waited = tails.has(name);
      const previous = tails.get(name) ?? Promise.resolve();
      let release!: () => void;
      const current = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => current);
      tails.set(name, tail);
      try {
        await abortable(previous, signal);
      } catch (error) {
        // Gave up waiting: the place in the queue passes on as soon as the holder is done.
        void previous.then(() => {
          release();
          if (tails.get(name) === tail) tails.delete(name);
        });
        throw error;
      }
      try {
        return await task(waited);
      } finally {
        release();
        if (tails.get(name) === tail) tails.delete(name);
      }
    },
  };
}

/** The subset of the Web Locks API used here (navigator.locks), so tabs refresh one at a time. */
export interface WebLockManager {
  /**
   * `navigator.locks.request(name, options, callback)`: holds the lock while `callback`'s promise is pending. With
   * `ifAvailable`, `callback` gets null when the lock was not available (and is then not held); with `signal`, the
   * wait ends when it fires.
   */
  request<T>(
    name: string,
    options: { ifAvailable: true } | { signal: AbortSignal },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
  /** `navigator.locks.request(name, callback)`: waits for the lock, then holds it while `callback` runs. */
  request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

const BUSY = Symbol('lock busy');

/** Locks over the Web Locks API: pass `navigator.locks` in a browser to coordinate refreshes across tabs. */
export function webLocks(manager: WebLockManager): Locks {
  return {
    async withLock<T>(
      name: string,
      task: (waited?: boolean) => Promise<T>,
      signal?: AbortSignal,
    ): Promise<T> {
      signal?.throwIfAborted();
      const lockName = `mcp-authed-client:${name}`;
      // First without waiting, to learn whether another context holds it.
      const immediate = await manager.request<T | typeof BUSY>(lockName, { ifAvailable: true }, (lock) =>
        lock === null ? Promise.resolve(BUSY) : task(false),
      );
      if (immediate !== BUSY) return immediate;
      return signal
        ? manager.request(lockName, { signal }, () => task(true))
        : manager.request(lockName, () => task(true));
    },
  };
}

/** `promise`, unless `signal` fires first (then its reason). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
