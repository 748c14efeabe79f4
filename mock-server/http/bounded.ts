/** Reading a byte stream without ever holding more than a limit, shared by request bodies, the log and CIMD. */

/** True when a `Content-Length` header announces more than `limit` bytes (so nothing needs to be read). */
export function declaredLengthExceeds(headers: Headers, limit: number): boolean {
  const declared = headers.get('content-length')?.trim();
  return declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit;
}

/**
 * The whole stream, or `undefined` as soon as it passes `limit` bytes (the stream is then cancelled). A failing
 * stream rejects as the stream does.
 */
export async function readBounded(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array | undefined> {
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Not awaited: cancelling one branch of a tee (a cloned request) settles only once the other branch is done.
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
