/**
 * The listeners of an event stream: subscribe, unsubscribe, and tell them all. A throwing listener never breaks the
 * flow that emits, nor keeps the others from hearing.
 */

/** A set of listeners of `E`. */
export interface Listeners<E> {
  /** Adds `listener`; returns the function that removes it. */
  subscribe(listener: (event: E) => void): () => void;
  /** Calls every listener with `event`, ignoring what they throw. */
  tell(event: E): void;
}

/** Listeners of `E`, starting with `initial` when given. */
export function createListeners<E>(initial?: (event: E) => void): Listeners<E> {
  const listeners = new Set<(event: E) => void>();
  if (initial) listeners.add(initial);
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    tell(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A UI bug must not break authorization.
        }
      }
    },
  };
}
