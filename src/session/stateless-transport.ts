/**
 * The 2026-07-28 stateless lifecycle on top of the SDK v1 client, which only knows the initialize handshake:
 * the SDK's `initialize` is answered from `server/discover`, `notifications/initialized` is dropped, every
 * message carries `_meta` protocol version / client capabilities / client info, and every HTTP request carries
 * `MCP-Protocol-Version`, `Mcp-Method` and (for named operations) `Mcp-Name`. Authorization is unaffected: it
 * happens in the fetch underneath.
 */
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { FetchLike } from '../http.js';

/** Protocol revisions that use the stateless lifecycle. */
export const STATELESS_PROTOCOL_VERSIONS: readonly string[] = ['2026-07-28'];

const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
const META_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

type JsonObject = Record<string, unknown>;

function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

/** A transport that speaks the stateless revision through an SDK v1 Streamable HTTP transport. */
export class StatelessTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined;

  readonly #inner: Transport & { setProtocolVersion(version: string): void };
  readonly #version: string;
  #capabilities: JsonObject = {};
  #clientInfo: JsonObject | undefined;
  readonly #discoverIds = new Set<RequestId>();

  constructor(inner: Transport & { setProtocolVersion(version: string): void }, version: string) {
    this.#inner = inner;
    this.#version = version;
    // The header is required on every request, including the first.
    inner.setProtocolVersion(version);
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => this.#receive(message, extra);
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** The SDK reports its own negotiated version here; the wire version stays the stateless one. */
  setProtocolVersion(): void {
    this.#inner.setProtocolVersion(this.#version);
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const record = message as unknown as JsonObject;
    const method = typeof record['method'] === 'string' ? record['method'] : undefined;
    if (method === 'notifications/initialized') return;
    if (method === 'initialize' && 'id' in record) {
      const params = asObject(record['params']);
      this.#capabilities = asObject(params?.['capabilities']) ?? {};
      this.#clientInfo = asObject(params?.['clientInfo']);
      this.#discoverIds.add(record['id'] as RequestId);
      const discover = {
        jsonrpc: '2.0',
        id: record['id'],
        method: 'server/discover',
        params: { _meta: this.#meta() },
      };
      return this.#inner.send(discover as unknown as JSONRPCMessage, options);
    }
    if (method === undefined) return this.#inner.send(message, options);
    const params = asObject(record['params']) ?? {};
    const withMeta = {
      ...record,
      params: { ...params, _meta: { ...asObject(params['_meta']), ...this.#meta() } },
    };
    return this.#inner.send(withMeta as unknown as JSONRPCMessage, options);
  }

  #meta(): JsonObject {
    return {
      [META_VERSION]: this.#version,
      [META_CAPABILITIES]: this.#capabilities,
      ...(this.#clientInfo ? { [META_CLIENT_INFO]: this.#clientInfo } : {}),
    };
  }

  #receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    const record = message as unknown as JsonObject;
    const id = record['id'] as RequestId | undefined;
    const result = asObject(record['result']);
    if (id !== undefined && this.#discoverIds.delete(id) && result) {
      // Shape the discovery result as the initialize result the SDK client expects. The SDK checks the version
      // against its own list, so it is told its latest; the wire keeps the stateless revision.
      const serverInfo = asObject(asObject(result['_meta'])?.[META_SERVER_INFO]) ?? {
        name: 'unknown',
        version: '0',
      };
      const initializeResult = {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: asObject(result['capabilities']) ?? {},
        serverInfo,
        ...(typeof result['instructions'] === 'string' ? { instructions: result['instructions'] } : {}),
      };
      this.onmessage?.({ jsonrpc: '2.0', id, result: initializeResult } as JSONRPCMessage, extra);
      return;
    }
    this.onmessage?.(message, extra);
  }
}

/** Adds `Mcp-Method` and `Mcp-Name` headers from the JSON-RPC body of each POST. */
export function withMethodHeaders(base: FetchLike): FetchLike {
  return (input, init) => {
    if (typeof init?.body !== 'string') return base(input, init);
    let body: JsonObject | undefined;
    try {
      body = asObject(JSON.parse(init.body));
    } catch {
      body = undefined;
    }
    const method = typeof body?.['method'] === 'string' ? body['method'] : undefined;
    if (!method) return base(input, init);
    const headers = new Headers(init.headers);
    headers.set('mcp-method', method);
    const params = asObject(body?.['params']);
    const name = method === 'resources/read' ? params?.['uri'] : params?.['name'];
    if (
      (method === 'tools/call' || method === 'prompts/get' || method === 'resources/read') &&
      typeof name === 'string'
    ) {
      headers.set('mcp-name', name);
    }
    return base(input, { ...init, headers });
  };
}

/** JSON-RPC error of a server that does not accept the request's protocol revision (2026-07-28). */
const UNSUPPORTED_PROTOCOL_VERSION = -32022;

/**
 * When the server refuses a request's revision (`UnsupportedProtocolVersion`, HTTP 400) and lists one this client
 * speaks, sends the request again once at that revision (header and `_meta` alike). Anything else is returned as is.
 */
export function withVersionRetry(base: FetchLike): FetchLike {
  return async (input, init) => {
    const response = await base(input, init);
    if (response.status !== 400 || typeof init?.body !== 'string') return response;
    const answer = asObject(
      await response
        .clone()
        .json()
        .catch(() => undefined),
    );
    const error = asObject(answer?.['error']);
    if (error?.['code'] !== UNSUPPORTED_PROTOCOL_VERSION) return response;
    const supported = asObject(error['data'])?.['supported'];
    const version = Array.isArray(supported)
      ? STATELESS_PROTOCOL_VERSIONS.find((candidate) => supported.includes(candidate))
      : undefined;
    let message: JsonObject | undefined;
    try {
      message = asObject(JSON.parse(init.body));
    } catch {
      message = undefined;
    }
    if (version === undefined || message === undefined) return response;
    await response.body?.cancel().catch(() => undefined);
    const params = asObject(message['params']) ?? {};
    const retried = {
      ...message,
      params: { ...params, _meta: { ...asObject(params['_meta']), [META_VERSION]: version } },
    };
    const headers = new Headers(init.headers);
    headers.set('mcp-protocol-version', version);
    return base(input, { ...init, headers, body: JSON.stringify(retried) });
  };
}
