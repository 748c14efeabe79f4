/**
 * Fault injection: "the next N requests to this endpoint answer with this error, or only after this delay". Faults
 * are queued rules the control layer consults before a request reaches the routes; routes know nothing of them.
 */
import { jsonResponse, oauthError } from '../http/responses.js';
import { checkTarget, targets, type EndpointName, type EndpointTarget } from './endpoints.js';

/** The error an injected fault answers with: the mock's own JSON error shape. */
export interface InjectedError {
  /** HTTP error status, 400–599 (a fault is an error: to answer normally but late, use `delayNext`). Default 500. */
  status?: number | undefined;
  /** OAuth `error` code. Default `server_error`. */
  error?: string | undefined;
  /** `error_description`; omitted when not given. */
  errorDescription?: string | undefined;
  /** Extra response headers, e.g. `WWW-Authenticate` for an injected 401. */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * For authorization requests: send the error to the client's redirect URI (302 with `error`, `error_description`,
   * `state`) as `/authorize` sends its own errors; `status` and `headers` are then unused. Falls back to the JSON
   * answer when the request names no known client or no registered redirect URI.
   */
  redirect?: boolean | undefined;
}

/** Which requests a fault applies to, and to how many. */
export interface FaultScope {
  /** How many matching requests it applies to. Default 1. */
  times?: number | undefined;
  /**
   * Methods it applies to. Default: every method except `OPTIONS`, so a browser's CORS preflight still passes and the
   * page can read the injected answer.
   */
  methods?: readonly string[] | undefined;
}

/** Options of `mock.control.failNext`: the error to answer with, which requests it hits, and an optional delay. */
export interface FailOptions extends InjectedError, FaultScope {
  /** Also wait this long (ms) before answering. */
  delayMs?: number | undefined;
}

/** A fault still waiting for requests, as `pendingFaults()` lists it. */
export interface PendingFault {
  /** The endpoint name or path it waits for. */
  readonly target: EndpointTarget;
  /** How many more matching requests it applies to. */
  readonly remaining: number;
  /** The methods it applies to, upper-cased; `undefined` → every method except `OPTIONS`. */
  readonly methods: readonly string[] | undefined;
  /** How long (ms) it holds each request back; 0 for none. */
  readonly delayMs: number;
  /** The error it answers with; `undefined` for a delay-only fault (from `delayNext`). */
  readonly error: Readonly<InjectedError> | undefined;
}

/** What the control layer does with one request. */
export interface FaultAction {
  readonly delayMs: number;
  readonly error: Readonly<InjectedError> | undefined;
}

interface FaultRule {
  readonly target: EndpointTarget;
  readonly methods: readonly string[] | undefined;
  readonly delayMs: number;
  readonly error: Readonly<InjectedError> | undefined;
  remaining: number;
}

export class FaultQueue {
  readonly #rules: FaultRule[] = [];

  /** Queues an error answer (optionally delayed) for the next `times` matching requests. */
  fail(target: EndpointTarget, options: FailOptions = {}): void {
    const { times, methods, delayMs, ...error } = options;
    checkTarget(target);
    checkStatus(error.status);
    this.#add(target, times, methods, checkDelay(delayMs ?? 0), { ...error });
  }

  /** Queues a delay (ms) before the next `times` matching requests are answered normally. */
  delay(target: EndpointTarget, delayMs: number, scope: FaultScope = {}): void {
    checkTarget(target);
    this.#add(target, scope.times, scope.methods, checkDelay(delayMs), undefined);
  }

  /**
   * Takes the first queued fault for this request, if any, and counts it used. One fault per request: two faults on
   * the same endpoint apply to successive requests, in the order they were queued.
   */
  take(method: string, path: string, endpoint: EndpointName | undefined): FaultAction | undefined {
    const index = this.#rules.findIndex(
      (rule) =>
        targets(rule.target, path, endpoint) &&
        (rule.methods === undefined ? method !== 'OPTIONS' : rule.methods.includes(method)),
    );
    const rule = this.#rules[index];
    if (rule === undefined) return undefined;
    rule.remaining--;
    if (rule.remaining === 0) this.#rules.splice(index, 1);
    return { delayMs: rule.delayMs, error: rule.error };
  }

  pending(): PendingFault[] {
    return this.#rules.map((rule) => ({ ...rule }));
  }

  clear(): void {
    this.#rules.length = 0;
  }

  #add(
    target: EndpointTarget,
    times = 1,
    methods: readonly string[] | undefined,
    delayMs: number,
    error: InjectedError | undefined,
  ): void {
    if (!Number.isSafeInteger(times) || times < 1) {
      throw new RangeError(`fault: times must be a whole number ≥ 1, got ${String(times)}`);
    }
    const upper = methods?.map((method) => method.toUpperCase());
    this.#rules.push({ target, methods: upper, delayMs, error, remaining: times });
  }
}

/** The response an injected error answers with (CORS is added by the caller where the route has it). */
export function injectedErrorResponse(error: Readonly<InjectedError>): Response {
  const status = error.status ?? 500;
  return jsonResponse(oauthError(error.error ?? 'server_error', error.errorDescription), status, {
    'Cache-Control': 'no-store',
    ...error.headers,
  });
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as the request is aborted, so a delayed request never
 * outlives its caller.
 */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function checkStatus(status: number | undefined): void {
  if (status === undefined) return;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError(
      `fault: status must be an HTTP error status 400–599, got ${String(status)} (use delayNext to delay a normal answer)`,
    );
  }
}

function checkDelay(ms: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`fault: delay must be a finite number of milliseconds ≥ 0, got ${String(ms)}`);
  }
  return ms;
}
