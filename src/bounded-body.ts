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
  const chunks: Uint8Array[] = [];
  let total = 0;
  let stopReading = (_reason: unknown): void => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stopReading = reject;
  });
  const onAbort = (): void => stopReading(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stopped]);
      if (done) break;
      total += value.byteLength;
      if (total > limit) throw new BodyTooLargeError(limit);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
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
  // For event streams: the current line's length and the byte before its LF, to find the blank line ending an event.
  let lineLength = 0;
  let lastByte: number | undefined;
  let overflowed = false;
  const countEvents = (chunk: Uint8Array): void => {
    if (chunk.byteLength === 0) return;
    let position = 0;
    while (position < chunk.byteLength) {
      const newline = chunk.indexOf(LINE_FEED, position);
      const end = newline === -1 ? chunk.byteLength : newline;
      lineLength += end - position;
      counted += end - position;
      if (counted > limit || newline === -1) break;
      const previous = newline > 0 ? chunk[newline - 1] : lastByte;
      const blank = lineLength === 0 || (lineLength === 1 && previous === CARRIAGE_RETURN);
      counted = blank ? 0 : counted + 1;
      lineLength = 0;
      position = newline + 1;
    }
    lastByte = chunk[chunk.byteLength - 1];
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
