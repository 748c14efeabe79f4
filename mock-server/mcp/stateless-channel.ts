/**
 * The transport of the stateless (2026-07-28) path: one `McpServer` answers every modern request of the endpoint,
 * whoever sends it. Each request gets an id of its own on the way in (two clients may both send `id: 1`) and its
 * answer goes back to the caller that is waiting for it. The revision forbids server-to-client requests outside an
 * input-required result, so one the server sends anyway is answered at once with an error instead of hanging.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { isRecord } from '../objects.js';

/** The answer to one request: its `result` or its `error`, under the caller's id again. */
export type StatelessAnswer =
  | { readonly result: Record<string, unknown> }
  | { readonly error: { readonly code: number; readonly message: string; readonly data?: unknown } };

export class StatelessChannel implements Transport {
  onmessage?: ((message: JSONRPCMessage, extra?: MessageExtraInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  readonly #waiting = new Map<number, (answer: StatelessAnswer) => void>();
  #nextId = 1;

  async start(): Promise<void> {}

  /** Hands one request to the server and resolves with its answer. */
  request(
    method: string,
    params: Record<string, unknown>,
    extra: MessageExtraInfo,
  ): Promise<StatelessAnswer> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.onmessage?.({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage, extra);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const record = message as Record<string, unknown>;
    const id = record['id'];
    if (typeof record['method'] === 'string') {
      // Progress and log notifications are dropped (the answer is one JSON object); a request is refused.
      if (id === undefined) return;
      this.onmessage?.({
        jsonrpc: '2.0',
        id,
        error: { code: -32601, message: 'Server-to-client requests are not available to stateless requests' },
      } as JSONRPCMessage);
      return;
    }
    if (typeof id !== 'number') return;
    const resolve = this.#waiting.get(id);
    if (resolve === undefined) return;
    this.#waiting.delete(id);
    const error = record['error'];
    if (isRecord(error)) {
      resolve({ error: error as { code: number; message: string; data?: unknown } });
    } else {
      resolve({ result: isRecord(record['result']) ? record['result'] : {} });
    }
  }

  async close(): Promise<void> {
    for (const resolve of this.#waiting.values())
      resolve({ error: { code: -32603, message: 'Server closed' } });
    this.#waiting.clear();
    this.onclose?.();
  }
}
