/**
 * `--verbose`: one stderr line per request. What a line shows comes from the mock's own request-log description
 * (controls/request-log.ts), so the same parameters are redacted here as in `mock.control.requests()`; the line then
 * keeps only the path and the client id, never the query or the form, so even a secret the redaction list does not
 * know of stays out.
 */
import { describeRequest, type RequestDescription } from '../controls/request-log.js';
import type { FetchHandler } from './node.js';

/** One served request, as the verbose line shows it. */
export interface ServedRequest {
  /** Wall-clock arrival time (not the mock's clock, which tests may advance): the time a reader compares with. */
  readonly startedAt: Date;
  readonly description: Pick<RequestDescription, 'method' | 'path' | 'query' | 'form'>;
  /** The status answered, or `undefined` when the request failed or was abandoned before an answer. */
  readonly status: number | undefined;
  /** Time until the response's head was ready (a streamed body may go on afterwards). */
  readonly durationMs: number;
}

/** Longest client id shown in full (a Client ID Metadata Document URL can be long). */
const MAX_SHOWN_LENGTH = 120;

/** `2025-01-02T03:04:05.678Z POST /token 200 3ms client_id=app` */
export function requestLogLine(served: ServedRequest): string {
  const { description } = served;
  const status = served.status === undefined ? '-' : String(served.status);
  const parts = [
    served.startedAt.toISOString(),
    shown(description.method),
    shown(description.path),
    status,
    `${Math.max(0, Math.round(served.durationMs))}ms`,
  ];
  const clientId = description.form.client_id ?? description.query.client_id;
  if (clientId !== undefined && clientId !== '') parts.push(`client_id=${shown(clientId)}`);
  return parts.join(' ');
}

/**
 * Printable as it is, or quoted: a value with spaces or control characters (a client id comes from the request) must
 * not split the line or forge another one.
 */
function shown(value: string): string {
  const cut = value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH)}…` : value;
  return /^[\x21-\x7e…]+$/.test(cut) ? cut : JSON.stringify(cut);
}

/** Options of {@link withRequestLog}. */
export interface RequestLogOutput {
  /** Receives each line, without its newline. */
  readonly write: (line: string) => void;
  /** Milliseconds for durations. Default: `performance.now`. */
  readonly now?: () => number;
}

/**
 * Wraps a fetch handler so every request it answers is written as one {@link requestLogLine}. Logging never changes
 * the answer: the request is described from a clone (as the mock's own log does) and a failing writer is ignored.
 */
export function withRequestLog(handler: FetchHandler, output: RequestLogOutput): FetchHandler {
  const now = output.now ?? (() => performance.now());
  return async (request) => {
    const startedAt = new Date();
    const start = now();
    const description = await describeRequest(request);
    let status: number | undefined;
    try {
      const response = await handler(request);
      status = response.status;
      return response;
    } finally {
      const line = requestLogLine({ startedAt, description, status, durationMs: now() - start });
      try {
        output.write(line);
      } catch {
        // The log is a convenience; a broken stderr must not fail the request.
      }
    }
  };
}
