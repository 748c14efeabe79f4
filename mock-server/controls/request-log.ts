/**
 * The request log tests assert on: what arrived (method, path, query and form parameters) and what was answered,
 * with every secret replaced by `[redacted]`, bounded to the most recent entries.
 */
import { bodyReadEarlier, hasFormBody, parseForm, readBody } from '../http/body.js';
import { declaredLengthExceeds } from '../http/bounded.js';
import type { EndpointName } from './endpoints.js';

/** One answered (or abandoned) request. */
export interface RequestLogEntry {
  /** Arrival time on the mock's clock, in milliseconds since the epoch. */
  readonly time: number;
  /** The HTTP method, e.g. `POST`. */
  readonly method: string;
  /** The URL's path, without the query (e.g. `/token`). */
  readonly path: string;
  /** The logical endpoint, when the path is one of the mock's. */
  readonly endpoint: EndpointName | undefined;
  /** Query parameters (a repeated one keeps its last value), secrets redacted. */
  readonly query: Readonly<Record<string, string>>;
  /** Form-body parameters (url-encoded or multipart; files as `[file]`), secrets redacted. */
  readonly form: Readonly<Record<string, string>>;
  /** The `Authorization` scheme with its credentials redacted, e.g. `Basic [redacted]`. */
  readonly authorization: string | undefined;
  /** The status answered; `null` when the request was aborted before an answer. */
  readonly status: number | null;
  /** `error` when an injected fault answered, `delay` when one only held the request back. */
  readonly fault: 'error' | 'delay' | undefined;
}

/** Parameter names whose values never reach the log. */
export const REDACTED_PARAMETERS: ReadonlySet<string> = new Set([
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'token',
  'assertion',
  'client_assertion',
  'password',
  'id_token',
  'subject_token',
  'actor_token',
  'anti_forgery_token',
]);

const REDACTED = '[redacted]';

/** Form bodies larger than this are answered as usual but their parameters are not logged. */
const LOGGED_BODY_LIMIT = 64 * 1024;

const DEFAULT_REQUEST_LOG_LIMIT = 1000;

/** Keeps the last `limit` entries. */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #limit: number;
  #total = 0;

  constructor(limit = DEFAULT_REQUEST_LOG_LIMIT) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`requestLogLimit must be a whole number ≥ 1, got ${String(limit)}`);
    }
    this.#limit = limit;
  }

  add(entry: RequestLogEntry): void {
    this.#total++;
    this.#entries.push(Object.freeze(entry));
    if (this.#entries.length > this.#limit) this.#entries.splice(0, this.#entries.length - this.#limit);
  }

  /** The entries, oldest first (a copy). */
  entries(): readonly RequestLogEntry[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries.length = 0;
  }

  /** How many entries were ever added, the ones dropped since (by `clear` or the limit) included. */
  total(): number {
    return this.#total;
  }
}

/** What the log records of a request on arrival (its form is read once it is answered: {@link loggedForm}). */
export interface RequestArrival {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
}

/** Everything the log records of a request before it is answered, its form parameters included. */
export interface RequestDescription extends RequestArrival {
  readonly form: Readonly<Record<string, string>>;
}

/** What the log needs from the request line and headers; the body is left to the route. */
export function describeArrival(request: Request): RequestArrival {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    query: url.search === '' ? {} : redact(Object.fromEntries(url.searchParams)),
    authorization: redactAuthorization(request.headers.get('authorization')),
  };
}

/**
 * The whole description before anyone reads the body, for a wrapper that passes the request on: the form is read
 * from a clone (the mock's own log avoids that cost by reading after the route, {@link loggedForm}).
 */
export async function describeRequest(request: Request): Promise<RequestDescription> {
  const arrival = describeArrival(request);
  if (request.body === null || !hasFormBody(request)) return { ...arrival, form: {} };
  const clone = request.clone();
  const form = await loggedForm(clone);
  // An unread branch of the tee would buffer the whole body for nobody. Not awaited: cancelling one branch settles
  // only once the other is read.
  if (!clone.bodyUsed) clone.body?.cancel().catch(() => undefined);
  return { ...arrival, form };
}

/**
 * The form parameters to log, redacted, once the route is done with the request: parsed from the body the route read
 * (so the log shows exactly what the route saw, with the route's parser), or read now when the route left the body
 * alone (a 404, an injected fault). Nothing when the body is not a form, is larger than {@link LOGGED_BODY_LIMIT},
 * is malformed or broke off.
 */
export async function loggedForm(request: Request): Promise<Record<string, string>> {
  if (request.body === null || !hasFormBody(request)) return {};
  if (declaredLengthExceeds(request.headers, LOGGED_BODY_LIMIT)) return {};
  try {
    let body = bodyReadEarlier(request);
    if (body === undefined) {
      if (request.bodyUsed) return {};
      body = await readBody(request, LOGGED_BODY_LIMIT);
    }
    if (body.byteLength > LOGGED_BODY_LIMIT) return {};
    const form = await parseForm(body, request.headers);
    const fields: Record<string, string> = {};
    for (const [key, value] of form) fields[key] = typeof value === 'string' ? value : '[file]';
    return redact(fields);
  } catch {
    // Too large, malformed or broken off: the route answers that; the log just has no parameters.
    return {};
  }
}

/** Replaces secret values (an empty value stays empty: it tells that the field was sent blank). */
function redact(fields: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    result[key] = REDACTED_PARAMETERS.has(key) && value !== '' ? REDACTED : value;
  }
  return result;
}

function redactAuthorization(header: string | null): string | undefined {
  if (header === null) return undefined;
  const scheme = header.trim().split(/\s+/, 1)[0] ?? '';
  return scheme === '' ? REDACTED : `${scheme} ${REDACTED}`;
}
