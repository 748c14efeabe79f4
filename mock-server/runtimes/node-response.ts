/**
 * Writing a WHATWG `Response` to a Node `ServerResponse`, streaming the body chunk by chunk (so server-sent
 * events reach the client as they are produced) and respecting backpressure.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { knownBodyText } from '../http/known-body.js';

/** Status codes whose responses never carry a body (RFC 9110 §6.4.1). */
const BODYLESS_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Converts fetch `Headers` to Node's shape. `Headers` iteration joins repeated fields with a comma, which is right
 * for every field except `Set-Cookie`, whose values must stay separate lines.
 */
export function toNodeHeaders(headers: Headers): OutgoingHttpHeaders {
  const result: OutgoingHttpHeaders = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') result[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) result['set-cookie'] = cookies;
  return result;
}

/**
 * A body known in full: head and body in one `end`, with its length. The head is given to `writeHead` as one flat
 * list of fields, which Node writes as is, instead of through its per-field header map.
 */
function writeKnownText(
  response: Response,
  text: string,
  res: ServerResponse,
  overrideHeaders: OutgoingHttpHeaders,
): void {
  const fields: string[] = [];
  let framed = false;
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie' || Object.hasOwn(overrideHeaders, name)) return;
    if (name === 'content-length' || name === 'transfer-encoding') framed = true;
    fields.push(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) fields.push('set-cookie', cookie);
  for (const [name, value] of Object.entries(overrideHeaders)) {
    if (value === undefined) continue;
    if (name === 'content-length' || name === 'transfer-encoding') framed = true;
    for (const one of Array.isArray(value) ? value : [value]) fields.push(name, String(one));
  }
  if (!framed) fields.push('content-length', String(Buffer.byteLength(text)));
  if (response.statusText === '') res.writeHead(response.status, fields);
  else res.writeHead(response.status, response.statusText, fields);
  res.end(text);
}

export interface WriteWebResponseOptions {
  /** The request was a HEAD: send the headers only. */
  head: boolean;
  /** Extra headers that override the response's own (e.g. `connection: close` while shutting down). */
  overrideHeaders?: OutgoingHttpHeaders;
}

/**
 * Sends `response` on `res`. Resolves when the body has been handed to the socket or the client went away; rejects
 * if the body stream errors (the caller then destroys the connection, since the status line is already out).
 */
export async function writeWebResponse(
  response: Response,
  res: ServerResponse,
  options: WriteWebResponseOptions,
): Promise<void> {
  const bodyless = options.head || BODYLESS_STATUSES.has(response.status);
  // The mock's own answers keep the string they were built from: no web stream to read back.
  const text = bodyless ? undefined : knownBodyText(response);
  if (text !== undefined) {
    if (!res.destroyed) writeKnownText(response, text, res, options.overrideHeaders ?? {});
    return;
  }

  res.statusCode = response.status;
  if (response.statusText !== '') res.statusMessage = response.statusText;
  const headers = { ...toNodeHeaders(response.headers), ...options.overrideHeaders };
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) res.setHeader(name, value);
  }

  const body = response.body;
  if (body === null || bodyless) {
    await body?.cancel().catch(() => undefined);
    res.end();
    return;
  }

  const reader = body.getReader();
  const stopReading = (): void => {
    reader.cancel().catch(() => undefined);
  };
  res.once('close', stopReading);
  try {
    // A body that is complete at once (every JSON, form and page answer) goes out in one write with its length:
    // headers and body in one packet, no chunked framing. One whose next chunk is not ready yet (an event stream)
    // has its head sent at once and is streamed chunk by chunk.
    const start = await readWhileReady(reader).catch((error: unknown) => {
      // As when streaming: a body that fails has a status line out already, so the caller drops the connection
      // rather than answering a second time.
      res.flushHeaders();
      throw error;
    });
    if (start.complete) {
      if (!res.destroyed) {
        if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
          res.setHeader('content-length', start.byteLength);
        }
        res.end(start.chunks.length === 1 ? start.chunks[0] : Buffer.concat(start.chunks));
      }
      return;
    }
    res.flushHeaders();
    for (const chunk of start.chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    let read = start.pending ?? reader.read();
    for (;;) {
      const { done, value } = await read;
      if (done || res.destroyed) break;
      if (!res.write(value)) await drainedOrClosed(res);
      read = reader.read();
    }
    if (!res.destroyed) res.end();
  } finally {
    res.off('close', stopReading);
    reader.releaseLock();
  }
}

/** Most bytes gathered before streaming starts anyway: a large body is not held in memory whole. */
const GATHER_LIMIT_BYTES = 64 * 1024;

interface BodyStart {
  readonly chunks: Uint8Array[];
  readonly byteLength: number;
  /** The stream ended: `chunks` is the whole body. */
  readonly complete: boolean;
  /** The read still pending when gathering stopped; its chunk comes next. */
  readonly pending?: Promise<ReadableStreamReadResult<Uint8Array>>;
}

/**
 * The chunks the stream has ready now: reading stops at the end of the stream, at {@link GATHER_LIMIT_BYTES}, or at
 * the first read that is still pending after the current turn of the event loop (a producer that is waiting for
 * something, which must not hold back what is already there).
 */
async function readWhileReady(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<BodyStart> {
  const chunks: Uint8Array[] = [];
  let byteLength = 0;
  while (byteLength <= GATHER_LIMIT_BYTES) {
    const read = reader.read();
    const result = await readyOrUndefined(read);
    if (result === undefined) return { chunks, byteLength, complete: false, pending: read };
    if (result.done) return { chunks, byteLength, complete: true };
    chunks.push(result.value);
    byteLength += result.value.byteLength;
  }
  return { chunks, byteLength, complete: false };
}

/** The read's result if it settles within this turn of the event loop, else `undefined`. */
function readyOrUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setImmediate(() => resolve(undefined));
    read.then(
      (value) => {
        clearImmediate(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearImmediate(timer);
        reject(error);
      },
    );
  });
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
