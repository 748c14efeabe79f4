/**
 * Reading response bodies without trusting their size: every byte is counted while it arrives, so a huge or endless
 * body costs at most the cap, never the process's memory.
 */

/** Thrown (inside the reading code only) when a body passes its cap; callers turn it into their typed error. */
export class BodyTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`the response body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
    this.limit = limit;
  }
}

/**
 * Lets a body go without waiting for it: `cancel()` may never settle (msw's Node interceptors, some proxies), and a
 * discarded body must not hold up the flow.
 */
export function discardBody(response: Response): void {
  if (response.bodyUsed || !response.body) return;
  response.body.cancel().catch(() => undefined);
}

/**
 * Reads a whole body into memory, refusing more than `limit` bytes (by `Content-Length` before reading, and by
 * counting while reading, since the header may lie or be absent). `signal` stops the reading with its reason even
 * when the fetch that produced the body does not tie the body to its signal; errors of the stream itself are
 * rethrown as they are, for the caller to classify.
 */
export async function readBoundedBody(
  response: Response,
  limit: number,
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    discardBody(response);
    throw new BodyTooLargeError(limit);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  // Cancelling settles a pending read at once (done), even when the source never honours the cancel.
  const onAbort = (): void => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  // One buffer that doubles as needed: a body of a million one-byte chunks costs its bytes, not a million objects.
  let bytes = new Uint8Array(Number.isFinite(declared) && declared > 0 ? declared : 4096);
  let total = 0;
  try {
    signal?.throwIfAborted();
    for (;;) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) break;
      if (total + value.byteLength > limit) throw new BodyTooLargeError(limit);
      if (total + value.byteLength > bytes.byteLength) {
        const grown = new Uint8Array(
          Math.min(limit, Math.max(bytes.byteLength * 2, total + value.byteLength)),
        );
        grown.set(bytes.subarray(0, total));
        bytes = grown;
      }
      bytes.set(value, total);
      total += value.byteLength;
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return bytes.slice(0, total);
}

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Passes a body through while counting it: a plain body may hold at most `limit` bytes in all; a server-sent event
 * stream (which may rightly run for hours) at most `limit` bytes per event, since the reader buffers one event at a
 * time. Past the cap `overflow` ends the stream (by default it errors with {@link BodyTooLargeError}; it may enqueue
 * a last chunk and terminate instead) and the source is cancelled.
 */
export function limitStream(
  source: ReadableStream<Uint8Array>,
  limit: number,
  unit: 'body' | 'event',
  overflow: (controller: TransformStreamDefaultController<Uint8Array>) => void = (controller) =>
    controller.error(new BodyTooLargeError(limit)),
): ReadableStream<Uint8Array> {
  let counted = 0;
  // For event streams: the current line's length, and whether the last byte was a CR (a line may end in CR, LF or
  // CRLF, and a CRLF may be split between chunks), to find the blank line that ends an event.
  let lineLength = 0;
  let previousWasCarriageReturn = false;
  let overflowed = false;
  const countEvents = (chunk: Uint8Array): void => {
    for (const byte of chunk) {
      if (byte === LINE_FEED && previousWasCarriageReturn) {
        previousWasCarriageReturn = false;
        continue;
      }
      previousWasCarriageReturn = byte === CARRIAGE_RETURN;
      if (byte === LINE_FEED || byte === CARRIAGE_RETURN) {
        counted = lineLength === 0 ? 0 : counted + 1;
        lineLength = 0;
        continue;
      }
      lineLength += 1;
      counted += 1;
      if (counted > limit) return;
    }
  };
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (unit === 'body') counted += chunk.byteLength;
        else countEvents(chunk);
        if (counted > limit) {
          // An overflow handler that did not end the stream must not leave the source pulled forever.
          if (overflowed) controller.error(new BodyTooLargeError(limit));
          else overflow(controller);
          overflowed = true;
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}
