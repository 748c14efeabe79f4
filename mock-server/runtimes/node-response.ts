/**
 * Writing a WHATWG `Response` to a Node `ServerResponse`, streaming the body chunk by chunk (so server-sent
 * events reach the client as they are produced) and respecting backpressure.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

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
  res.statusCode = response.status;
  if (response.statusText !== '') res.statusMessage = response.statusText;
  for (const [name, value] of Object.entries({
    ...toNodeHeaders(response.headers),
    ...options.overrideHeaders,
  })) {
    if (value !== undefined) res.setHeader(name, value);
  }

  const body = response.body;
  if (body === null || options.head || BODYLESS_STATUSES.has(response.status)) {
    await body?.cancel().catch(() => undefined);
    res.end();
    return;
  }

  // Send the status line and headers now: a stream (SSE) may not produce its first chunk for a long time.
  res.flushHeaders();
  const reader = body.getReader();
  const stopReading = (): void => {
    reader.cancel().catch(() => undefined);
  };
  res.once('close', stopReading);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await drainedOrClosed(res);
    }
    if (!res.destroyed) res.end();
  } finally {
    res.off('close', stopReading);
    reader.releaseLock();
  }
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
