/**
 * An MCP server's error answer, made safe before the SDK transport sees it: the SDK quotes the body (and the status
 * text) in the message of the error it throws to the application, and an MCP server saw the access token it refuses.
 * So the body becomes its scrubbed, cleaned, bounded text (see `server-text.ts`); the status and headers, which the
 * SDK decides on, stay.
 */
import { quoteServerText, SERVER_CODE_LIMIT, SERVER_TEXT_LIMIT } from '../server-text.js';

/** `response` when it succeeded; else the same answer with its body and status text scrubbed of `secrets`. */
export async function scrubbedErrorResponse(
  response: Response,
  secrets: Iterable<string | undefined>,
): Promise<Response> {
  if (response.status < 400) return response;
  const known = [...secrets];
  // A body that cannot be read (too large, cut off) reads as empty, as it does for the SDK.
  const text = await response.text().catch(() => '');
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('content-type', 'text/plain; charset=utf-8');
  return new Response(quoteServerText(text, known, SERVER_TEXT_LIMIT), {
    status: response.status,
    // A status text must be a byte string: the ellipsis of a cut one (and anything else past Latin-1) would throw.
    statusText: quoteServerText(response.statusText, known, SERVER_CODE_LIMIT).replace(/[^\x20-\x7e]/g, '.'),
    headers,
  });
}
