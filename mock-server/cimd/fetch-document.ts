/**
 * Fetches one Client ID Metadata Document within limits: no redirects (a redirect could lead anywhere), a time
 * limit, a size limit enforced while reading, JSON only.
 */
import { declaredLengthExceeds, readBounded } from '../http/bounded.js';
import { MAX_JSON_DEPTH, parseJsonBytes } from '../http/json-body.js';
import { mediaType } from '../http/media-type.js';

export interface DocumentFetchLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

export type FetchedDocument = { ok: true; document: unknown } | { ok: false; reason: string };

/**
 * How the mock fetches a Client ID Metadata Document: `fetch`'s shape, called with `redirect: 'error'`, a time-limit
 * signal and `accept: application/json`. It must not follow redirects.
 */
export type ClientIdMetadataDocumentFetch = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Thrown by a {@link ClientIdMetadataDocumentFetch} that refuses to contact a URL (e.g. its name resolves to a
 * private address); the message becomes the reason the document was refused, so it must hold no secret.
 */
export class DocumentFetchRefusedError extends Error {
  override readonly name = 'DocumentFetchRefusedError';
}

export async function fetchClientIdMetadataDocument(
  url: string,
  limits: DocumentFetchLimits,
  fetchImpl: ClientIdMetadataDocumentFetch,
): Promise<FetchedDocument> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await withinSignal(
      fetchImpl(url, { redirect: 'error', signal, headers: { accept: 'application/json' } }),
      signal,
    );
  } catch (error) {
    if (error instanceof DocumentFetchRefusedError) return { ok: false, reason: error.message };
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
  const type = mediaType(response.headers);
  if (type !== 'application/json' && !type.endsWith('+json')) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: `is not JSON (content-type ${JSON.stringify(type)})` };
  }
  const bytes = await readLimited(response, limits.maxBytes, signal);
  if (typeof bytes === 'string') return { ok: false, reason: bytes };
  const parsed = parseJsonBytes(bytes);
  if (parsed.ok) return { ok: true, document: parsed.value };
  return {
    ok: false,
    reason:
      parsed.problem === 'too-deep' ? `nests JSON deeper than ${MAX_JSON_DEPTH} levels` : 'is not valid JSON',
  };
}

/** The body, or why it was not read in full. */
async function readLimited(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array | string> {
  const tooLarge = `is larger than ${maxBytes} bytes`;
  if (declaredLengthExceeds(response.headers, maxBytes)) {
    await response.body?.cancel().catch(() => undefined);
    return tooLarge;
  }
  try {
    return (await readBounded(response.body, maxBytes, signal)) ?? tooLarge;
  } catch {
    return signal.aborted ? 'took too long to read' : 'could not be read';
  }
}

/**
 * `pending`, or a rejection with the signal's reason as soon as it aborts: the time limit holds even for a fetch
 * that ignores the signal it was given. A response that arrives too late is discarded.
 */
function withinSignal(pending: Promise<Response>, signal: AbortSignal): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) response.body?.cancel().catch(() => undefined);
        else resolve(response);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
