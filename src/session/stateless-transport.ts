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
import { asJsonObject } from '../json.js';
import type { JsonObject } from '../json.js';

/** Protocol revisions that use the stateless lifecycle. */
export const STATELESS_PROTOCOL_VERSIONS: readonly string[] = ['2026-07-28'];

const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
const META_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

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
      const params = asJsonObject(record['params']);
      this.#capabilities = asJsonObject(params?.['capabilities']) ?? {};
      this.#clientInfo = asJsonObject(params?.['clientInfo']);
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
    const params = asJsonObject(record['params']) ?? {};
    const withMeta = {
      ...record,
      params: { ...params, _meta: { ...asJsonObject(params['_meta']), ...this.#meta() } },
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
    const result = asJsonObject(record['result']);
    if (id !== undefined && this.#discoverIds.delete(id) && result) {
      // Shape the discovery result as the initialize result the SDK client expects. The SDK checks the version
      // against its own list, so it is told its latest; the wire keeps the stateless revision.
      const serverInfo = asJsonObject(asJsonObject(result['_meta'])?.[META_SERVER_INFO]) ?? {
        name: 'unknown',
        version: '0',
      };
      const initializeResult = {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: asJsonObject(result['capabilities']) ?? {},
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
      body = asJsonObject(JSON.parse(init.body));
    } catch {
      body = undefined;
    }
    const method = typeof body?.['method'] === 'string' ? body['method'] : undefined;
    if (!method) return base(input, init);
    const headers = new Headers(init.headers);
    headers.set('mcp-method', method);
    const params = asJsonObject(body?.['params']);
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
