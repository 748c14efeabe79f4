/** The media type of a `Content-Type` header: lower-cased, without parameters; `''` when absent. */
export function mediaType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
