/**
 * 2026-07-28 version negotiation over HTTP: a server that does not take the requested revision answers 400 with an
 * `UnsupportedProtocolVersionError` (-32022) listing the ones it does. The request is sent once more at a revision
 * both sides speak; any other answer, or a list without such a revision, goes up unchanged.
 */
import type { FetchLike } from '../http.js';
import { asJsonObject } from '../json.js';

export const UNSUPPORTED_PROTOCOL_VERSION = -32022;
const META_VERSION = 'io.modelcontextprotocol/protocolVersion';

/** The revisions the server says it supports, when `response` is its refusal of the requested one. */
export async function supportedVersionsOf(response: Response): Promise<string[] | undefined> {
  // The content type is not checked: the authed fetch below hands error bodies up as scrubbed text.
  if (response.status !== 400) return undefined;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return undefined;
  }
  const error = asJsonObject(asJsonObject(body)?.['error']);
  if (error?.['code'] !== UNSUPPORTED_PROTOCOL_VERSION) return undefined;
  const supported = asJsonObject(error['data'])?.['supported'];
  return Array.isArray(supported) ? supported.filter((v): v is string => typeof v === 'string') : [];
}

/** The JSON-RPC body and `MCP-Protocol-Version` header of `init`, moved to `version`. */
function atVersion(init: RequestInit & { body: string }, version: string): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('mcp-protocol-version', version);
  const message = asJsonObject(JSON.parse(init.body)) ?? {};
  const params = asJsonObject(message['params']) ?? {};
  const meta = { ...asJsonObject(params['_meta']), [META_VERSION]: version };
  return { ...init, headers, body: JSON.stringify({ ...message, params: { ...params, _meta: meta } }) };
}

/** Retries a POST refused for its revision once, at the first of `ours` the server lists. */
export function withVersionRetry(base: FetchLike, ours: readonly string[]): FetchLike {
  return async (input, init) => {
    const response = await base(input, init);
    const body = init?.body;
    if (typeof body !== 'string') return response;
    const supported = await supportedVersionsOf(response);
    const version = supported && ours.find((candidate) => supported.includes(candidate));
    if (version === undefined) return response;
    let retry: RequestInit;
    try {
      retry = atVersion({ ...init, body }, version);
    } catch {
      return response;
    }
    await response.body?.cancel().catch(() => undefined);
    return base(input, retry);
  };
}
