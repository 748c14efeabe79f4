/**
 * One exchange on the wire, as the fidelity corpus describes and records it: a request the runner sends (to the real
 * FastMCP over HTTP, or to the mock), and the response reduced to what a client can observe.
 */

/** A request of the corpus; `{{name}}` in the path, header values and body stands for a value captured earlier. */
export interface WireStep {
  readonly method: string;
  /** Path and query, e.g. `/authorize?client_id={{client_id}}`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is (UTF-8); `bytes` for bodies that are not valid UTF-8. */
  readonly body?: string;
  readonly bytes?: readonly number[];
  /** Values to remember for later steps (and to hide in the recording). */
  readonly capture?: readonly Capture[];
  /** The response stays open (a standalone SSE stream): record status and headers only. */
  readonly stream?: true;
}

export type Capture =
  | { readonly name: string; readonly from: 'json'; readonly key: string }
  | { readonly name: string; readonly from: 'header'; readonly key: string }
  | { readonly name: string; readonly from: 'location'; readonly key: string };

/** A request with every placeholder filled in, ready to send. */
export interface WireRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Uint8Array | undefined;
  readonly stream: boolean;
}

/** A response as received: lower-case header names, the body as text (empty for streams). */
export interface WireResponse {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

/** Sends one request to the server under test. */
export type WireSend = (request: WireRequest) => Promise<WireResponse>;
