/**
 * The abort source a served `Request` follows, so that `request.signal` aborts when the client goes away.
 *
 * Why not an `AbortController`: handing `new Request` a real `AbortSignal` costs Node 20's undici about 20 µs per
 * request (max-listener bookkeeping on the `EventTarget`, a listener, a finalizer), a fifth of everything else the
 * server spends on a small answer. undici follows any object that has `aborted`, `reason` and `addEventListener`, and
 * the request's own signal is then a real `AbortSignal` that clones and derived requests follow as usual. Whether the
 * running undici does so is checked once, on a throwaway request; if it does not, a real `AbortController` is used.
 */

/** Aborts the request built with `signal`; `aborted` tells whether it has been. */
export interface ConnectionAbort {
  /** Give this to `new Request(…, { signal })`. */
  readonly signal: AbortSignal;
  readonly aborted: boolean;
  abort(): void;
}

type AbortListener = (this: unknown) => void;

/** Just what undici reads of a signal it follows. */
class ConnectionAbortSource implements ConnectionAbort {
  aborted = false;
  reason: unknown = undefined;
  // Node's `events.getMaxListeners`, which undici consults, throws (caught, but a thrown error per request) for an
  // object that is neither an emitter nor an EventTarget; these two make it read as an emitter with a raised limit.
  readonly _maxListeners = Number.POSITIVE_INFINITY;
  #listeners: AbortListener[] = [];

  get signal(): AbortSignal {
    // Structurally a signal for undici's purposes; see the module comment and `followsLightSources`.
    return this as unknown as AbortSignal;
  }

  getMaxListeners(): number {
    return this._maxListeners;
  }

  listeners(): AbortListener[] {
    return [...this.#listeners];
  }

  addEventListener(type: string, listener: AbortListener): void {
    if (type === 'abort') this.#listeners.push(listener);
  }

  removeEventListener(type: string, listener: AbortListener): void {
    if (type === 'abort') this.#listeners = this.#listeners.filter((candidate) => candidate !== listener);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    // What `AbortController.abort()` gives as the reason when none is passed.
    this.reason = new DOMException('This operation was aborted', 'AbortError');
    const listeners = this.#listeners;
    this.#listeners = [];
    // undici's listener reads `this.reason`, as it would on an EventTarget dispatching the event. As an EventTarget,
    // one listener that throws neither stops the others nor breaks the caller: its error is reported on its own.
    for (const listener of listeners) {
      try {
        listener.call(this);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

class ControllerAbort implements ConnectionAbort {
  readonly #controller = new AbortController();
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  get aborted(): boolean {
    return this.#controller.signal.aborted;
  }
  abort(): void {
    this.#controller.abort();
  }
}

let lightSourcesFollowed: boolean | undefined;

/** A fresh abort source for one request. */
export function connectionAbort(): ConnectionAbort {
  lightSourcesFollowed ??= followsLightSources();
  return lightSourcesFollowed ? new ConnectionAbortSource() : new ControllerAbort();
}

/** True when this runtime's `Request` takes a light source and its signal, and a clone's, follow it. */
export function followsLightSources(): boolean {
  try {
    const source = new ConnectionAbortSource();
    const request = new Request('http://localhost/', { signal: source.signal });
    const clone = request.clone();
    if (request.signal.aborted) return false;
    source.abort();
    return request.signal.aborted && clone.signal.aborted && request.signal.reason === source.reason;
  } catch {
    return false;
  }
}
