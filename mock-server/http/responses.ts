/** Response builders with the exact headers and body shapes FastMCP (Starlette) sends. */
import { stringResponse } from './known-body.js';

/** Headers every token-endpoint answer carries (RFC 6749 §5.1). */
export const NO_STORE_NO_CACHE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** Compact JSON, `content-type: application/json` (no charset, as Starlette). Undefined fields are omitted. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return stringResponse(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** `text/plain; charset=utf-8`, as Starlette's `PlainTextResponse`. */
export function textResponse(text: string, status: number, headers: Record<string, string> = {}): Response {
  return stringResponse(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
}

export function htmlResponse(html: string, status: number, headers: Record<string, string> = {}): Response {
  return stringResponse(html, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  });
}

/** 302 to `location`. */
export function redirectResponse(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 302, headers: { location, ...headers } });
}

/** An OAuth error body: `{"error":…,"error_description":…}` plus extra fields, absent ones omitted. */
export function oauthError(
  error: string,
  description: string | undefined,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const body: Record<string, string> = { error };
  if (description !== undefined) body['error_description'] = description;
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) body[key] = value;
  return body;
}

export function notFound(): Response {
  return textResponse('Not Found', 404);
}

export function methodNotAllowed(allow: readonly string[]): Response {
  return textResponse('Method Not Allowed', 405, { Allow: allow.join(', ') });
}

export function payloadTooLarge(): Response {
  return textResponse('Request body too large', 413);
}

/** The same response without a body, for HEAD. */
export function withoutBody(response: Response): Response {
  return new Response(null, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
