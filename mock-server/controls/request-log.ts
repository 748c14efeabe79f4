/**
 * The request log tests assert on: what arrived (method, path, query and form parameters) and what was answered,
 * with every secret replaced by `[redacted]`, bounded to the most recent entries.
 */
import { hasFormBody, readForm } from '../http/body.js';
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

/** What the log records of a request before it is answered. */
export interface RequestDescription {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly form: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
}

/**
 * Reads what the log needs without disturbing the request: the form body is read from a clone, and only up to
 * {@link LOGGED_BODY_LIMIT}, so the route still sees (and size-checks) the original body.
 */
export async function describeRequest(request: Request): Promise<RequestDescription> {
  const url = new URL(request.url);
  const query = redact(Object.fromEntries(url.searchParams));
  return {
    method: request.method,
    path: url.pathname,
    query,
    form: await loggedForm(request),
    authorization: redactAuthorization(request.headers.get('authorization')),
  };
}

async function loggedForm(request: Request): Promise<Record<string, string>> {
  if (request.body === null || request.bodyUsed || !hasFormBody(request)) return {};
  try {
    // The route's own form reading, on a clone (the route reads and size-checks the original), so the log shows
    // exactly the parameters the route saw.
    const form = await readForm(request.clone(), LOGGED_BODY_LIMIT);
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
