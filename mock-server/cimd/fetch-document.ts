/**
 * Fetches one Client ID Metadata Document within limits: no redirects (a redirect could lead anywhere), a time
 * limit, a size limit enforced while reading, JSON only.
 */

export interface DocumentFetchLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

export type FetchedDocument = { ok: true; document: unknown } | { ok: false; reason: string };

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export async function fetchClientIdMetadataDocument(
  url: string,
  limits: DocumentFetchLimits,
  fetchImpl: FetchLike,
): Promise<FetchedDocument> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetchImpl(url, { redirect: 'error', signal, headers: { accept: 'application/json' } });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return {
      ok: false,
      reason: timedOut ? `no answer within ${limits.timeoutMs} ms` : 'could not be fetched',
    };
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: `answered ${response.status}` };
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json' && !type.endsWith('+json')) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: `is not JSON (content-type ${JSON.stringify(type)})` };
  }
  const bytes = await readLimited(response, limits.maxBytes, signal);
  if (typeof bytes === 'string') return { ok: false, reason: bytes };
  try {
    return { ok: true, document: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    return { ok: false, reason: 'is not valid JSON' };
  }
}

/** The body, or why it was not read in full. */
async function readLimited(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array | string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return `is larger than ${maxBytes} bytes`;
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return `is larger than ${maxBytes} bytes`;
      }
      chunks.push(value);
    }
  } catch {
    return signal.aborted ? 'took too long to read' : 'could not be read';
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
