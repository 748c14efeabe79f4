/**
 * The 2026-07-28 (stateless) revision's rules for one POST, as pure functions: which era a request belongs to on a
 * dual-era endpoint, and whether its headers and per-request `_meta` are what the revision demands (Streamable HTTP
 * "Request Metadata" and "Server Validation", Versioning "Protocol Version Negotiation").
 */
import { isRecord } from '../objects.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from './http-checks.js';

/** The stateless revisions the endpoint implements (what `server/discover` lists). */
export const STATELESS_PROTOCOL_VERSIONS = ['2026-07-28'] as const;

export const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_CAPABILITIES_META = 'io.modelcontextprotocol/clientCapabilities';
export const SERVER_INFO_META = 'io.modelcontextprotocol/serverInfo';

/** JSON-RPC error codes the revision defines. */
export const HEADER_MISMATCH = -32020;
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;

/** What the request asks for, once its headers and `_meta` passed. */
export interface StatelessCall {
  readonly id: string | number;
  readonly method: string;
  readonly params: Record<string, unknown>;
}

/** Why the request is refused: HTTP status and the JSON-RPC error it carries. */
export interface StatelessRefusal {
  readonly status: number;
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** The request headers the checks read (a `Headers` fits). */
export interface HeaderSource {
  get(name: string): string | null;
}

const metaOf = (body: Record<string, unknown>): Record<string, unknown> | undefined => {
  const params = body['params'];
  if (!isRecord(params)) return undefined;
  const meta = params['_meta'];
  return isRecord(meta) ? meta : undefined;
};

/**
 * On an endpoint serving both eras, whether a POST without `Mcp-Session-Id` is a modern one: a dual-era server
 * "selects its behavior from how the client opens" — per-request `_meta`, `server/discover` (modern only), or a
 * version header no legacy revision has. Anything else (`initialize`, a legacy client's probe) stays legacy.
 */
export function looksStateless(body: unknown, versionHeader: string | null): boolean {
  if (!isRecord(body)) return false;
  if (body['method'] === 'server/discover') return true;
  if (metaOf(body)?.[PROTOCOL_VERSION_META] !== undefined) return true;
  return (
    versionHeader !== null && !(SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(versionHeader)
  );
}

/** The `Mcp-Name` source of a method: `params.name` or `params.uri`, for the three methods that name something. */
function nameOf(method: string, params: Record<string, unknown>): unknown {
  if (method === 'tools/call' || method === 'prompts/get') return params['name'];
  if (method === 'resources/read') return params['uri'];
  return undefined;
}

const SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;

/**
 * A header value as the revision's "Value Encoding" carries it: plain visible ASCII (with inner spaces or tabs), or
 * `=?base64?…?=` around the UTF-8 bytes. `undefined` when it is neither (the client broke the encoding rules).
 */
export function decodeHeaderValue(value: string): string | undefined {
  const encoded = SENTINEL.exec(value);
  if (encoded !== null) {
    const base64 = encoded[1] ?? '';
    if (base64.length % 4 !== 0) return undefined;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(
        Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)),
      );
    } catch {
      return undefined;
    }
  }
  return /^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$/.test(value) ? value : undefined;
}

const mismatch = (message: string): StatelessRefusal => ({ status: 400, code: HEADER_MISMATCH, message });

/**
 * Checks a parsed JSON-RPC request against the revision, in the order the conformance suite's reference server
 * does: version header present, required `_meta` keys, header equal to `_meta`, version supported; then the
 * `Mcp-Method` and `Mcp-Name` headers against the body. `supported` is what the endpoint speaks statelessly.
 */
export function checkStatelessRequest(
  request: { id: string | number; method: string; params: Record<string, unknown> },
  headers: HeaderSource,
  supported: readonly string[],
): StatelessCall | StatelessRefusal {
  const { id, method, params } = request;
  const version = headers.get('mcp-protocol-version');
  if (version === null || version === '') return mismatch('Missing MCP-Protocol-Version header');
  const meta = isRecord(params['_meta']) ? params['_meta'] : {};
  const missing = [PROTOCOL_VERSION_META, CLIENT_CAPABILITIES_META].filter((key) => meta[key] === undefined);
  if (missing.length > 0) {
    return {
      status: 400,
      code: INVALID_PARAMS,
      message: `Invalid params: missing _meta keys: ${missing.join(', ')}`,
    };
  }
  if (!isRecord(meta[CLIENT_CAPABILITIES_META])) {
    return {
      status: 400,
      code: INVALID_PARAMS,
      message: `Invalid params: _meta ${CLIENT_CAPABILITIES_META} must be an object`,
    };
  }
  if (meta[PROTOCOL_VERSION_META] !== version) {
    return mismatch(
      `Header mismatch: MCP-Protocol-Version header value '${version}' does not match _meta ${PROTOCOL_VERSION_META}`,
    );
  }
  if (!supported.includes(version)) {
    return {
      status: 400,
      code: UNSUPPORTED_PROTOCOL_VERSION,
      message: 'Unsupported protocol version',
      data: { supported: [...supported], requested: version },
    };
  }
  const methodHeader = headers.get('mcp-method');
  if (methodHeader === null) return mismatch('Missing Mcp-Method header');
  if (methodHeader !== method) {
    return mismatch(
      `Header mismatch: Mcp-Method header value '${methodHeader}' does not match body value '${method}'`,
    );
  }
  const name = nameOf(method, params);
  if (typeof name === 'string') {
    const nameHeader = headers.get('mcp-name');
    if (nameHeader === null) return mismatch('Missing Mcp-Name header');
    const decoded = decodeHeaderValue(nameHeader);
    if (decoded === undefined) return mismatch('Mcp-Name header value is not a valid header value');
    if (decoded !== name) {
      return mismatch(`Header mismatch: Mcp-Name header value '${nameHeader}' does not match body value`);
    }
  }
  return { id, method, params };
}

export function isRefusal(outcome: StatelessCall | StatelessRefusal): outcome is StatelessRefusal {
  return 'status' in outcome;
}
