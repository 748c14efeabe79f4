/** Bounded request-body reading and form parsing as Starlette's `request.form()` sees it. */

/** The body was larger than the limit; the route answers 413. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`Request body larger than ${limit} bytes`);
  }
}

/** The body could not be parsed (malformed multipart); Starlette answers 400. */
export class BodyParseError extends Error {
  override readonly name = 'BodyParseError';
}

/**
 * Reads the whole body, but never more than `limit` bytes: a larger `Content-Length` is refused before reading, and
 * a stream that grows past the limit is cancelled at once.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > limit) {
    await request.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limit);
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** A multipart file part: FastMCP hands pydantic an `UploadFile`, which no string field accepts. */
export interface FormFile {
  readonly file: true;
}

export type FormValue = string | FormFile;

/** Parsed form fields; a repeated field keeps its last value, as `dict(await request.form())`. */
export type Form = ReadonlyMap<string, FormValue>;

export const EMPTY_FORM: Form = new Map();

function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Parses the body as Starlette does: url-encoded and multipart bodies are read, any other content type yields an
 * empty form (so JSON sent to a form endpoint reads as "nothing sent").
 */
export async function readForm(request: Request, limit: number): Promise<Form> {
  const type = mediaType(request);
  const body = await readBody(request, limit);
  if (type === 'application/x-www-form-urlencoded') {
    const text = new TextDecoder('utf-8').decode(body);
    return lastWins(new URLSearchParams(text));
  }
  if (type === 'multipart/form-data') {
    let data: FormData;
    try {
      data = await new Response(body as BodyInit, {
        headers: { 'content-type': request.headers.get('content-type') ?? '' },
      }).formData();
    } catch {
      throw new BodyParseError('There was an error parsing the body');
    }
    const form = new Map<string, FormValue>();
    for (const [key, value] of data) form.set(key, typeof value === 'string' ? value : { file: true });
    return form;
  }
  return EMPTY_FORM;
}

/** Query or form pairs → map where the last occurrence of a key wins. */
export function lastWins(params: URLSearchParams): Form {
  const form = new Map<string, FormValue>();
  for (const [key, value] of params) form.set(key, value);
  return form;
}

/** The field as a string, or `undefined` when absent or a file (FastMCP's `best_effort_extract_string`). */
export function formString(form: Form, key: string): string | undefined {
  const value = form.get(key);
  return typeof value === 'string' ? value : undefined;
}
