/**
 * Conversion of a Node `IncomingMessage` into a WHATWG `Request`, so a fetch handler can serve `node:http`.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** The request could not be represented as a WHATWG `Request` (bad Host header, forbidden method…). */
export class UnrepresentableRequestError extends Error {
  override readonly name = 'UnrepresentableRequestError';
}

export interface ToWebRequestOptions {
  /** Aborted when the client goes away; `request.signal` follows it (see `connectionAbort`). */
  signal: AbortSignal;
  /** Origin used when the request carries no usable Host header (the address the server is bound to). */
  fallbackOrigin: string;
}

/** `RequestInit` as Node implements it: a streamed body needs `duplex: 'half'`, which lib.dom does not declare. */
type StreamingRequestInit = RequestInit & { duplex?: 'half' };

/**
 * Builds a `Request` whose body streams from `incoming` (not buffered), whose headers keep repeated fields, and
 * whose signal follows the client connection.
 *
 * @throws UnrepresentableRequestError when the URL or method cannot be expressed as a `Request`.
 */
export function toWebRequest(incoming: IncomingMessage, options: ToWebRequestOptions): Request {
  const method = incoming.method ?? 'GET';
  const url = requestUrl(incoming, options.fallbackOrigin);
  // Name–value pairs rather than a `Headers`: `Request` copies its init headers, and copying pairs is the cheap way.
  // rawHeaders keeps every occurrence, so repeated fields are combined the way fetch does.
  const headers: [string, string][] = [];
  const raw = incoming.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    // HTTP/2 pseudo-headers (:method, :path…) are not fields; the URL and method carry them.
    if (!name.startsWith(':')) headers.push([name, raw[index + 1] as string]);
  }
  const init: StreamingRequestInit = { method, headers, signal: options.signal };
  if (method !== 'GET' && method !== 'HEAD' && hasBody(incoming)) {
    init.body = bodyStream(incoming);
    init.duplex = 'half';
  }
  try {
    return new Request(url, init);
  } catch (error) {
    // The Request constructor refuses e.g. CONNECT/TRACE, a target that is no URL, a field it cannot carry; release
    // the body we will never read.
    if (init.body instanceof ReadableStream) void init.body.cancel().catch(() => undefined);
    else incoming.resume();
    throw new UnrepresentableRequestError(`cannot represent ${method} request: ${describe(error)}`);
  }
}

function requestUrl(incoming: IncomingMessage, fallbackOrigin: string): string {
  const target = incoming.url ?? '/';
  // Absolute-form targets (proxies) are already complete URLs. (Whether a URL parses, the Request constructor checks.)
  if (/^https?:\/\//i.test(target)) return target;
  const path = target.startsWith('/') ? target : `/${target}`;
  const authority = incoming.headers[':authority'];
  const host = incoming.headers.host ?? (typeof authority === 'string' ? authority : undefined);
  if (host !== undefined && host !== '') {
    const scheme = (incoming.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
    // A Host with a path, userinfo or query part would let the client rewrite the request URL.
    if (/[/\\?#@\s]/.test(host)) throw new UnrepresentableRequestError('invalid Host header');
    return `${scheme}://${host}${path}`;
  }
  return fallbackOrigin + path;
}

function hasBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  return incoming.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A pull-based stream over the request body: backpressure pauses the socket, and cancelling drains the rest
 * instead of destroying the socket, so a handler that stops reading early (413) can still answer.
 */
function bodyStream(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  let detach = (): void => undefined;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const onData = (chunk: Buffer): void => {
          if (settled) return;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
        };
        const onEnd = (): void => {
          if (settled) return;
          settled = true;
          detach();
          controller.close();
        };
        const onAbort = (error?: Error): void => {
          if (settled) return;
          settled = true;
          detach();
          controller.error(error ?? new Error('client closed the connection before sending the whole body'));
        };
        const onClose = (): void => {
          if (!incoming.complete) onAbort();
        };
        detach = () => {
          incoming.off('data', onData);
          incoming.off('end', onEnd);
          incoming.off('error', onAbort);
          incoming.off('close', onClose);
        };
        incoming.on('data', onData);
        incoming.on('end', onEnd);
        incoming.on('error', onAbort);
        incoming.on('close', onClose);
        incoming.pause();
      },
      pull() {
        incoming.resume();
      },
      cancel() {
        settled = true;
        detach();
        // Swallow late socket errors now that nobody listens, and discard the unread rest.
        incoming.on('error', () => undefined);
        incoming.resume();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
