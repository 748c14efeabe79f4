/**
 * The 2026-07-28 stateless lifecycle on top of the SDK v1 client, which only knows the initialize handshake:
 * the SDK's `initialize` is answered from `server/discover`, `notifications/initialized` is dropped, every
 * message carries `_meta` protocol version / client capabilities / client info, and every HTTP request carries
 * `MCP-Protocol-Version`, `Mcp-Method` and (for named operations) `Mcp-Name`. On top of that: tools with invalid
 * `x-mcp-header` annotations are left out of `tools/list` and refused, and input-required results are answered
 * through the client's own request handlers and the request sent again (see `input-required.ts`). Authorization is
 * unaffected: it happens in the fetch underneath.
 */
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpAuthError } from '../errors.js';
import type { FetchLike } from '../http.js';
import { asJsonObject } from '../json.js';
import type { JsonObject } from '../json.js';
import {
  INPUT_REQUIRED_METHODS,
  MAX_INPUT_ROUNDS,
  MAX_INPUTS_PER_ROUND,
  inputRequiredOf,
  retryParams,
} from './input-required.js';
import type { InputRequired } from './input-required.js';
import { encodeHeaderValue } from './tool-headers.js';
import { ToolHeaderRegistry } from './tool-header-registry.js';
import type { RejectedTool } from './tool-header-registry.js';

/** Protocol revisions that use the stateless lifecycle. */
export const STATELESS_PROTOCOL_VERSIONS: readonly string[] = ['2026-07-28'];

const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
const META_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

type InnerTransport = Transport & { setProtocolVersion(version: string): void };

/** Pages of `tools/list` read to find one tool's definition. */
const MAX_TOOL_PAGES = 20;

export interface StatelessTransportOptions {
  /** Shared with the fetch below (`withMethodHeaders`), which turns it into `Mcp-Param-*` headers. */
  readonly toolHeaders?: ToolHeaderRegistry | undefined;
  /** A `server/discover` result already in hand (from detecting the server's era): no second request. */
  readonly discovered?: JsonObject | undefined;
  /** Told of each tool left out of `tools/list` (the revision asks clients to log it). */
  readonly onToolRejected?: ((tool: RejectedTool) => void) | undefined;
}

/** A request of the client in its input-required rounds. */
interface Rounds {
  readonly originalId: RequestId;
  readonly message: JsonObject;
  wireId: RequestId;
  round: number;
  /** Input requests of this round still unanswered, by the id they were handed to the client under. */
  readonly waiting: Map<RequestId, string>;
  responses: JsonObject;
  state: InputRequired | undefined;
}

/** A transport that speaks the stateless revision through an SDK v1 Streamable HTTP transport. */
export class StatelessTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined;

  readonly #inner: InnerTransport;
  readonly #version: string;
  readonly #toolHeaders: ToolHeaderRegistry;
  readonly #onToolRejected: ((tool: RejectedTool) => void) | undefined;
  #discovered: JsonObject | undefined;
  #capabilities: JsonObject = {};
  #clientInfo: JsonObject | undefined;
  readonly #discoverIds = new Set<RequestId>();
  readonly #toolListIds = new Set<RequestId>();
  /** Requests that may come back input-required, by the id they are on the wire under. */
  readonly #rounds = new Map<RequestId, Rounds>();
  /** Input requests handed to the client, answered through `send`. */
  readonly #inputs = new Map<RequestId, Rounds>();
  /** The client's own `tools/list` requests (to read a tool's definition before calling it), by id. */
  readonly #ownLists = new Map<RequestId, (result: JsonObject | undefined) => void>();
  #nextId = 0;
  /** The `tools/list` lookup in flight, shared by the calls that wait for it. */
  #learning: Promise<void> | undefined;

  constructor(inner: InnerTransport, version: string, options: StatelessTransportOptions = {}) {
    this.#inner = inner;
    this.#version = version;
    this.#toolHeaders = options.toolHeaders ?? new ToolHeaderRegistry();
    this.#discovered = options.discovered;
    this.#onToolRejected = options.onToolRejected;
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
    this.#rounds.clear();
    this.#inputs.clear();
    for (const settle of this.#ownLists.values()) settle(undefined);
    this.#ownLists.clear();
    return this.#inner.close();
  }

  /** The SDK reports its own negotiated version here; the wire version stays the stateless one. */
  setProtocolVersion(): void {
    this.#inner.setProtocolVersion(this.#version);
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const record = message as unknown as JsonObject;
    const method = typeof record['method'] === 'string' ? record['method'] : undefined;
    const id = record['id'] as RequestId | undefined;
    if (method === undefined && id !== undefined && this.#inputs.has(id))
      return this.#answerInput(id, record);
    if (method === 'notifications/initialized') return;
    if (method === 'initialize' && id !== undefined) return this.#discover(id, record, options);
    if (method === undefined) return this.#inner.send(message, options);
    const params = asJsonObject(record['params']) ?? {};
    if (method === 'notifications/cancelled') return this.#cancel(record, params, options);
    const withMeta = {
      ...record,
      params: { ...params, _meta: { ...asJsonObject(params['_meta']), ...this.#meta() } },
    };
    if (id !== undefined && method === 'tools/call') {
      const name = params['name'];
      // The headers of a call come from the tool's definition: a tool not listed yet is looked up first.
      if (typeof name === 'string' && !this.#toolHeaders.knows(name)) await this.#learnToolsOnce();
      const reason = typeof name === 'string' ? this.#toolHeaders.rejection(name) : undefined;
      if (reason !== undefined) {
        // Never sent: the server's definition of this tool is invalid for this transport.
        return this.#deliverError(
          id,
          ErrorCode.InvalidParams,
          `tool ${JSON.stringify(name)} is not callable: ${reason}`,
        );
      }
    }
    if (id !== undefined && method === 'tools/list') this.#toolListIds.add(id);
    if (id !== undefined && INPUT_REQUIRED_METHODS.includes(method)) {
      this.#rounds.set(id, {
        originalId: id,
        message: withMeta,
        wireId: id,
        round: 0,
        waiting: new Map(),
        responses: {},
        state: undefined,
      });
    }
    try {
      await this.#inner.send(withMeta as unknown as JSONRPCMessage, options);
    } catch (error) {
      // Never answered: nothing of it may linger (the SDK rejects the request with this error).
      if (id !== undefined) {
        this.#rounds.delete(id);
        this.#toolListIds.delete(id);
      }
      throw error;
    }
  }

  /** One lookup at a time: concurrent calls of unlisted tools share it rather than each reading every page. */
  #learnToolsOnce(): Promise<void> {
    this.#learning ??= this.#learnTools().finally(() => {
      this.#learning = undefined;
    });
    return this.#learning;
  }

  /**
   * Reads `tools/list` (every page, up to a bound) into the registry, without the SDK client seeing it. A failed
   * page ends the lookup: the call then goes out without parameter headers, and the server judges it. A failed
   * authorization fails the call instead: sending it would only meet the same refusal (and, for a machine client,
   * send a refused credential again).
   */
  async #learnTools(): Promise<void> {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const id = `mcp-authed-client/tools-${++this.#nextId}`;
      const answered = new Promise<JsonObject | undefined>((resolve) => this.#ownLists.set(id, resolve));
      const message = {
        jsonrpc: '2.0',
        id,
        method: 'tools/list',
        params: { ...(cursor !== undefined ? { cursor } : {}), _meta: this.#meta() },
      };
      try {
        await this.#inner.send(message as unknown as JSONRPCMessage);
      } catch (error) {
        this.#ownLists.delete(id);
        if (error instanceof McpAuthError) throw error;
        return;
      }
      const result = await answered;
      const tools = result?.['tools'];
      if (!Array.isArray(tools)) return;
      for (const tool of this.#toolHeaders.learn(tools).rejected) this.#onToolRejected?.(tool);
      const next = result?.['nextCursor'];
      if (typeof next !== 'string') return;
      cursor = next;
    }
  }

  #meta(): JsonObject {
    return {
      [META_VERSION]: this.#version,
      [META_CAPABILITIES]: this.#capabilities,
      ...(this.#clientInfo ? { [META_CLIENT_INFO]: this.#clientInfo } : {}),
    };
  }

  async #discover(id: RequestId, record: JsonObject, options?: TransportSendOptions): Promise<void> {
    const params = asJsonObject(record['params']);
    this.#capabilities = asJsonObject(params?.['capabilities']) ?? {};
    this.#clientInfo = asJsonObject(params?.['clientInfo']);
    const discovered = this.#discovered;
    if (discovered) {
      this.#discovered = undefined;
      queueMicrotask(() => this.onmessage?.(initializeResult(id, discovered)));
      return;
    }
    this.#discoverIds.add(id);
    const discover = { jsonrpc: '2.0', id, method: 'server/discover', params: { _meta: this.#meta() } };
    return this.#inner.send(discover as unknown as JSONRPCMessage, options);
  }

  /** A cancellation names the request the SDK knows; on the wire it may be under a later round's id. */
  async #cancel(record: JsonObject, params: JsonObject, options?: TransportSendOptions): Promise<void> {
    const requestId = params['requestId'] as RequestId | undefined;
    const rounds = [...this.#rounds.values(), ...this.#inputs.values()].find(
      (r) => r.originalId === requestId,
    );
    // Waiting for local input (read before forgetting, which empties it): nothing of it is on the wire any more.
    const waitingForInput = rounds !== undefined && rounds.waiting.size > 0;
    if (rounds) this.#forget(rounds);
    if (waitingForInput) return;
    const wireParams = { ...params, ...(rounds ? { requestId: rounds.wireId } : {}) };
    const message = {
      ...record,
      params: { ...wireParams, _meta: { ...asJsonObject(params['_meta']), ...this.#meta() } },
    };
    return this.#inner.send(message as unknown as JSONRPCMessage, options);
  }

  #receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    const record = message as unknown as JsonObject;
    const id = record['id'] as RequestId | undefined;
    const result = asJsonObject(record['result']);
    const ownList = id !== undefined && !('method' in record) ? this.#ownLists.get(id) : undefined;
    if (id !== undefined && ownList) {
      this.#ownLists.delete(id);
      ownList(result);
      return;
    }
    if (id !== undefined && this.#discoverIds.delete(id) && result) {
      this.onmessage?.(initializeResult(id, result), extra);
      return;
    }
    if (id !== undefined && this.#toolListIds.delete(id) && result && Array.isArray(result['tools'])) {
      const { kept, rejected } = this.#toolHeaders.learn(result['tools']);
      for (const tool of rejected) this.#onToolRejected?.(tool);
      const filtered = { ...record, result: { ...result, tools: kept } };
      this.onmessage?.(filtered as unknown as JSONRPCMessage, extra);
      return;
    }
    const rounds = id !== undefined && !('method' in record) ? this.#rounds.get(id) : undefined;
    if (rounds) {
      this.#rounds.delete(rounds.wireId);
      const inputRequired = result ? inputRequiredOf(result) : undefined;
      if (inputRequired) {
        this.#startRound(rounds, inputRequired);
        return;
      }
      this.onmessage?.({ ...record, id: rounds.originalId } as unknown as JSONRPCMessage, extra);
      return;
    }
    this.onmessage?.(message, extra);
  }

  #startRound(rounds: Rounds, inputRequired: InputRequired): void {
    rounds.round += 1;
    if (rounds.round > MAX_INPUT_ROUNDS) {
      void this.#deliverError(
        rounds.originalId,
        ErrorCode.InternalError,
        `the server still asked for input after ${MAX_INPUT_ROUNDS} rounds`,
      );
      return;
    }
    if (inputRequired.inputRequests.length > MAX_INPUTS_PER_ROUND) {
      // Each one reaches the application's handlers (a model call, a form): a server does not get to ask thousands.
      void this.#deliverError(
        rounds.originalId,
        ErrorCode.InvalidParams,
        `the server asked for ${inputRequired.inputRequests.length} inputs at once, more than ${MAX_INPUTS_PER_ROUND}`,
      );
      return;
    }
    rounds.state = inputRequired;
    rounds.responses = {};
    rounds.waiting.clear();
    for (const request of inputRequired.inputRequests) {
      const inputId = `mcp-authed-client/input-${++this.#nextId}`;
      rounds.waiting.set(inputId, request.key);
      this.#inputs.set(inputId, rounds);
    }
    if (rounds.waiting.size === 0) {
      void this.#retry(rounds);
      return;
    }
    // Handed to the SDK client as server requests: its handlers (elicitation, sampling, roots) answer them.
    const byKey = new Map(inputRequired.inputRequests.map((request) => [request.key, request]));
    for (const [inputId, key] of rounds.waiting) {
      const request = byKey.get(key);
      const asked = {
        jsonrpc: '2.0',
        id: inputId,
        method: request?.method ?? '',
        ...(request?.params ? { params: request.params } : {}),
      };
      this.onmessage?.(asked as unknown as JSONRPCMessage);
    }
  }

  async #answerInput(inputId: RequestId, record: JsonObject): Promise<void> {
    const rounds = this.#inputs.get(inputId);
    const key = rounds?.waiting.get(inputId);
    this.#inputs.delete(inputId);
    if (!rounds || key === undefined) return;
    rounds.waiting.delete(inputId);
    const error = asJsonObject(record['error']);
    if (error) {
      this.#forget(rounds);
      const reason = typeof error['message'] === 'string' ? error['message'] : 'no answer';
      return this.#deliverError(
        rounds.originalId,
        ErrorCode.InternalError,
        `the server asked for input the client could not give (${key}): ${reason}`,
      );
    }
    rounds.responses = { ...rounds.responses, [key]: record['result'] };
    if (rounds.waiting.size === 0) await this.#retry(rounds);
  }

  async #retry(rounds: Rounds): Promise<void> {
    rounds.wireId = `mcp-authed-client/retry-${++this.#nextId}`;
    this.#rounds.set(rounds.wireId, rounds);
    const params = retryParams(
      asJsonObject(rounds.message['params']) ?? {},
      rounds.responses,
      rounds.state?.requestState,
    );
    const message = { ...rounds.message, id: rounds.wireId, params };
    try {
      await this.#inner.send(message as unknown as JSONRPCMessage, { relatedRequestId: rounds.originalId });
    } catch (error) {
      this.#forget(rounds);
      await this.#deliverError(
        rounds.originalId,
        ErrorCode.InternalError,
        error instanceof Error ? error.message : String(error),
      );
    }
  }

  #forget(rounds: Rounds): void {
    this.#rounds.delete(rounds.wireId);
    for (const inputId of rounds.waiting.keys()) this.#inputs.delete(inputId);
    rounds.waiting.clear();
  }

  /** Answers a request of the SDK client locally, after the current call returns (as a server answer would). */
  async #deliverError(id: RequestId, code: number, message: string): Promise<void> {
    queueMicrotask(() =>
      this.onmessage?.({ jsonrpc: '2.0', id, error: { code, message } } as unknown as JSONRPCMessage),
    );
  }
}

/**
 * A `server/discover` result shaped as the initialize result the SDK client expects. The SDK checks the version
 * against its own list, so it is told its latest; the wire keeps the stateless revision.
 */
function initializeResult(id: RequestId, result: JsonObject): JSONRPCMessage {
  const serverInfo = asJsonObject(asJsonObject(result['_meta'])?.[META_SERVER_INFO]) ??
    asJsonObject(result['serverInfo']) ?? { name: 'unknown', version: '0' };
  return {
    jsonrpc: '2.0',
    id,
    result: {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: asJsonObject(result['capabilities']) ?? {},
      serverInfo,
      ...(typeof result['instructions'] === 'string' ? { instructions: result['instructions'] } : {}),
    },
  } as JSONRPCMessage;
}

/**
 * Adds `Mcp-Method`, `Mcp-Name` (encoded when it is not plain ASCII) and, for `tools/call`, the `Mcp-Param-*`
 * headers of the tool's annotated arguments, from the JSON-RPC body of each POST.
 */
export function withMethodHeaders(base: FetchLike, toolHeaders?: ToolHeaderRegistry): FetchLike {
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
      headers.set('mcp-name', encodeHeaderValue(name));
    }
    if (method === 'tools/call' && typeof name === 'string' && toolHeaders) {
      for (const [header, value] of toolHeaders.headersFor(name, params?.['arguments']))
        headers.set(header, value);
    }
    return base(input, { ...init, headers });
  };
}
