/** Reading a byte stream without ever holding more than a limit, shared by request bodies, the log and CIMD. */

/** True when a `Content-Length` header announces more than `limit` bytes (so nothing needs to be read). */
export function declaredLengthExceeds(headers: Headers, limit: number): boolean {
  const declared = headers.get('content-length')?.trim();
  return declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit;
}

/**
 * The whole stream, or `undefined` as soon as it passes `limit` bytes (the stream is then cancelled). A failing
 * stream rejects as the stream does. When `signal` aborts, reading stops at once and rejects with its reason, even
 * if the stream's source never hears of the signal (a body that trickles forever cannot hold the reader).
 */
export async function readBounded(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  signal?: AbortSignal,
): Promise<Uint8Array | undefined> {
  if (stream === null) return new Uint8Array(0);
  signal?.throwIfAborted();
  const reader = stream.getReader();
  // Cancelling ends the pending read (it resolves as done), so the loop below sees the abort.
  const stop = (): void => {
    reader.cancel(signal?.reason).catch(() => undefined);
  };
  signal?.addEventListener('abort', stop, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        // Not awaited: cancelling one branch of a tee (a cloned request) settles only once the other branch is done.
        reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
