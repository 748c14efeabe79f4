/** Bounded request-body reading and form parsing as Starlette's `request.form()` sees it. */
import { declaredLengthExceeds, readBounded } from './bounded.js';
import { mediaType } from './media-type.js';

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
 * Bodies read so far, by request: the request log shows what the route read without cloning the request (a clone
 * tees the stream, which cost more than the rest of a token request).
 */
const bodiesRead = new WeakMap<Request, Uint8Array>();

/**
 * Reads the whole body, but never more than `limit` bytes: a larger `Content-Length` is refused before reading, and
 * a stream that grows past the limit is cancelled at once.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  if (declaredLengthExceeds(request.headers, limit)) {
    // Not awaited: on a cloned request, cancelling one branch settles only once the other is done.
    request.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limit);
  }
  const body = await readBounded(request.body, limit);
  if (body === undefined) throw new BodyTooLargeError(limit);
  bodiesRead.set(request, body);
  return body;
}

/** The body {@link readBody} read from this request, if it read it whole. */
export function bodyReadEarlier(request: Request): Uint8Array | undefined {
  return bodiesRead.get(request);
}

/** A multipart file part: FastMCP hands pydantic an `UploadFile`, which no string field accepts. */
export interface FormFile {
  readonly file: true;
}

export type FormValue = string | FormFile;

/** Parsed form fields; a repeated field keeps its last value, as `dict(await request.form())`. */
export type Form = ReadonlyMap<string, FormValue>;

const EMPTY_FORM: Form = new Map();

const FORM_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
]);

/** True when {@link readForm} would parse the body (its media type is a form's). */
export function hasFormBody(request: Request): boolean {
  return FORM_MEDIA_TYPES.has(mediaType(request.headers));
}

/**
 * Parses the body as Starlette does: url-encoded and multipart bodies are read, any other content type yields an
 * empty form (so JSON sent to a form endpoint reads as "nothing sent").
 */
export async function readForm(request: Request, limit: number): Promise<Form> {
  return parseForm(await readBody(request, limit), request.headers);
}

/** {@link readForm}'s parsing of a body already read, by the request's `Content-Type`. */
export async function parseForm(body: Uint8Array, headers: Headers): Promise<Form> {
  const type = mediaType(headers);
  if (type === 'application/x-www-form-urlencoded') {
    const text = new TextDecoder('utf-8').decode(body);
    return lastWins(new URLSearchParams(text));
  }
  if (type === 'multipart/form-data') {
    let data: FormData;
    try {
      data = await new Response(body as BodyInit, {
        headers: { 'content-type': headers.get('content-type') ?? '' },
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
