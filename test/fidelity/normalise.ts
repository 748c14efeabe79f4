/**
 * Turns a response into its recorded form: what differs between two runs of the same server (ports, dates, random
 * ids, tokens, secrets) is replaced by a placeholder, so FastMCP's recording and the mock's answer compare as text.
 */
import type { WireResponse } from './wire.js';

/** A response as the fixtures store it. */
export interface RecordedResponse {
  readonly status: number;
  /** Sorted `name: value` lines, minus the headers of the HTTP layer (date, server, length, connection). */
  readonly headers: readonly string[];
  /** The body text, or for Server-Sent Events the events one per entry (`event: …` / `data: …` lines). */
  readonly body: string | readonly string[];
}

/** Set by the HTTP server (uvicorn, Node), not by the application: not part of what the mock imitates. */
const TRANSPORT_HEADERS = new Set([
  'date',
  'server',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(127\.0\.0\.1|localhost|\[::1\]):\d+/g, '$1:<port>'],
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>'],
  [/\b[0-9a-f]{64}\b/g, '<hex64>'],
  [/\b[0-9a-f]{32}\b/g, '<hex32>'],
  // 32 random bytes in base64url: codes and tokens that no step captured.
  [/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, '<token>'],
  // Each server reports its own software version in serverInfo (the name is compared).
  [/("serverInfo":\{"name":"[^"]*","version":")[^"]*"/g, '$1<version>"'],
  // Seconds since the epoch (issued-at and expiry fields), 2020–2100.
  [/("(?:client_id_issued_at|client_secret_expires_at|expires_at)":\s*)\d{10}(\.\d+)?/g, '$1<time>'],
];

/** Replaces captured values (longest first, so a value inside another is not split) and the generic patterns. */
export function normaliseText(text: string, captured: ReadonlyMap<string, string>): string {
  let result = text;
  const values = [...captured]
    .filter(([, value]) => value.length >= 6)
    .sort((a, b) => b[1].length - a[1].length);
  for (const [name, value] of values) {
    result = result.split(value).join(`<${name}>`);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) result = result.split(encoded).join(`<${name}>`);
  }
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** SSE events (`event:`/`data:`/`id:` lines, any line ending), each as its lines joined by `\n`; comments dropped. */
export function sseEvents(text: string): string[] {
  return text
    .split(/\r\n\r\n|\n\n|\r\r/)
    .map((block) =>
      block
        .split(/\r\n|\n|\r/)
        .filter((line) => line !== '' && !line.startsWith(':'))
        .join('\n'),
    )
    .filter((event) => event !== '');
}

/** Starlette lists a route's methods from a Python set, whose order changes from one process to the next. */
function normaliseHeaderValue(name: string, value: string): string {
  return name === 'allow' ? value.split(', ').sort().join(', ') : value;
}

export function normaliseResponse(
  response: WireResponse,
  captured: ReadonlyMap<string, string>,
): RecordedResponse {
  const headers = response.headers
    .filter(([name]) => !TRANSPORT_HEADERS.has(name))
    .map(([name, value]) => `${name}: ${normaliseText(normaliseHeaderValue(name, value), captured)}`)
    .sort();
  const isSse = response.headers.some(
    ([name, value]) => name === 'content-type' && value.startsWith('text/event-stream'),
  );
  const body = isSse
    ? sseEvents(response.body).map((event) => normaliseText(event, captured))
    : normaliseText(response.body, captured);
  return { status: response.status, headers, body };
}
