/**
 * The MCP transport of one session: what the SDK's `McpServer` is connected to. Incoming messages come from the
 * endpoint (already checked the way the Python transport checks them); outgoing ones go to the SSE stream of the
 * request they answer, or to the session's standalone GET stream. Events are written as sse-starlette writes them
 * (`event: message`, CRLF line ends), messages with the Python SDK's field order, and the initialize result
 * advertises FastMCP's capabilities.
 */
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { isRecord } from '../objects.js';

const STANDALONE = Symbol('standalone GET stream');
type StreamKey = string | typeof STANDALONE;

const encoder = new TextEncoder();

/** What FastMCP advertises, whatever it serves: no list-changed notifications, no subscriptions. */
const FASTMCP_CAPABILITIES = {
  experimental: {},
  prompts: { listChanged: false },
  resources: { subscribe: false, listChanged: false },
  tools: { listChanged: false },
} as const;

/** A message with its fields in the order pydantic serialises the Python SDK's models. */
export function pythonOrder(message: Record<string, unknown>): Record<string, unknown> {
  const ordered: Record<string, unknown> = { jsonrpc: message['jsonrpc'] };
  for (const key of ['id', 'method', 'params', 'result', 'error']) {
    if (message[key] !== undefined) ordered[key] = message[key];
  }
  for (const [key, value] of Object.entries(message)) if (!(key in ordered)) ordered[key] = value;
  return ordered;
}

function sseEvent(message: unknown): Uint8Array {
  return encoder.encode(`event: message\r\ndata: ${JSON.stringify(message)}\r\n\r\n`);
}

/** The transport of one MCP session (`session.transport`): the SDK `Transport` its `McpServer` is connected to. */
export class SessionChannel implements Transport {
  /** Set by the server on connect: receives what the client sent. */
  onmessage?: ((message: JSONRPCMessage, extra?: MessageExtraInfo) => void) | undefined;
  /** Set by the server on connect: called when the session closes. */
  onclose?: (() => void) | undefined;
  /** Set by the server on connect (this transport reports no errors of its own). */
  onerror?: ((error: Error) => void) | undefined;
  readonly #streams = new Map<StreamKey, ReadableStreamDefaultController<Uint8Array>>();
  readonly #initializeIds = new Set<string>();
  #terminated = false;

  /** The session's `Mcp-Session-Id`. */
  readonly sessionId: string;

  constructor(sessionId: string) {
    this.sessionId = sessionId;
  }

  /** True once DELETE ended the session: every later request gets 404 `Session has been terminated`. */
  get terminated(): boolean {
    return this.#terminated;
  }

  /** True while a standalone GET stream is open (the Python transport allows one: 409 for a second). */
  get hasStandaloneStream(): boolean {
    return this.#streams.has(STANDALONE);
  }

  /** Nothing to start: streams open per request. */
  async start(): Promise<void> {}

  /** Hands a message to the server (a request's answer goes to its `requestStream`). */
  deliver(message: JSONRPCMessage, extra: MessageExtraInfo): void {
    this.onmessage?.(message, extra);
  }

  /**
   * Opens the SSE stream that will carry the answer to request `id` (and the messages related to it); it ends with
   * that answer. Then `deliver` the request, or `send` an error for it.
   */
  requestStream(id: string | number, isInitialize: boolean): ReadableStream<Uint8Array> {
    const key = String(id);
    if (isInitialize) this.#initializeIds.add(key);
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#streams.set(key, controller);
      },
      cancel: () => {
        this.#streams.delete(key);
      },
    });
  }

  /** The standalone GET stream: server-initiated messages not tied to a request. Never ends by itself. */
  standaloneStream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#streams.set(STANDALONE, controller);
      },
      cancel: () => {
        this.#streams.delete(STANDALONE);
      },
    });
  }

  /** Writes a server message to the stream it belongs to: its request's, else the standalone one; else drops it. */
  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const record = message as Record<string, unknown>;
    const isResponse = 'result' in record || 'error' in record;
    let key: StreamKey = STANDALONE;
    if (isResponse) key = String(record['id']);
    else if (options?.relatedRequestId !== undefined) key = String(options.relatedRequestId);
    const controller = this.#streams.get(key);
    // No stream to carry it (the client went away, or no GET stream is open): dropped, as the Python
    // transport drops it without an event store.
    if (controller === undefined) return;
    controller.enqueue(sseEvent(pythonOrder(this.#asFastMcp(record, isResponse))));
    if (isResponse && key !== STANDALONE) {
      this.#streams.delete(key);
      this.#initializeIds.delete(key);
      controller.close();
    }
  }

  /** The initialize result with FastMCP's capabilities in front (others the server added are kept). */
  #asFastMcp(message: Record<string, unknown>, isResponse: boolean): Record<string, unknown> {
    const result = message['result'];
    if (!isResponse || !this.#initializeIds.has(String(message['id'])) || !isRecord(result)) return message;
    const others = Object.entries(isRecord(result['capabilities']) ? result['capabilities'] : {}).filter(
      ([name]) => !(name in FASTMCP_CAPABILITIES),
    );
    const capabilities = { ...FASTMCP_CAPABILITIES, ...Object.fromEntries(others) };
    return { ...message, result: { ...result, capabilities } };
  }

  /** DELETE: ends every stream; the session stays known as terminated. */
  terminate(): void {
    this.#terminated = true;
    this.#closeStreams();
  }

  /** Closes every stream and tells the server (when the session is closed or evicted). */
  async close(): Promise<void> {
    this.#terminated = true;
    this.#closeStreams();
    this.onclose?.();
  }

  #closeStreams(): void {
    for (const controller of this.#streams.values()) {
      try {
        controller.close();
      } catch {
        // Already closed or cancelled by the reader: nothing left to end.
      }
    }
    this.#streams.clear();
  }
}
