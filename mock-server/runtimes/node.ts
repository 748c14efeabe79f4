/**
 * Serves any WHATWG fetch handler over `node:http`: the runtime behind `mcp-authed-client/node`, the CLI, the Vite
 * plugin and the loopback-HTTP tests.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connectionAbort } from './node-connection-abort.js';
import { toWebRequest, UnrepresentableRequestError } from './node-request.js';
import { writeWebResponse } from './node-response.js';

/** A WHATWG fetch handler, such as `MockAuthServer.fetch`. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * What {@link listen} serves: a fetch handler, or an object with a `fetch` method such as a `MockAuthServer` (its
 * method is called on the object for every request, so it needs no binding).
 */
export type Servable = FetchHandler | { fetch(request: Request): Promise<Response> };

/** Receives handler failures; the default writes the message and the error's stack to stderr. */
export type ErrorReporter = (message: string, error: unknown) => void;

export interface NodeListenerOptions {
  /** Origin for requests without a Host header. Default: `http://localhost`. */
  fallbackOrigin?: string;
  /** Where handler failures are reported. Default: `console.error`, naming method and path only. */
  onError?: ErrorReporter;
}

/** Node request listener plus the switch that makes it ask clients to drop keep-alive connections. */
export interface NodeRequestListener {
  (incoming: IncomingMessage, res: ServerResponse): void;
  /** From now on every response carries `Connection: close`. */
  drainConnections(): void;
}

const DEFAULT_FALLBACK_ORIGIN = 'http://localhost';

/**
 * Adapts `handler` to a `node:http` request listener. It never throws and never rejects: a failing handler becomes
 * a 500 (or a dropped connection once the status line is out) and is reported without query, headers or body,
 * which is where secrets travel.
 */
export function createNodeRequestListener(
  handler: FetchHandler,
  options: NodeListenerOptions = {},
): NodeRequestListener {
  const report = options.onError ?? reportToConsole;
  const fallbackOrigin = options.fallbackOrigin ?? DEFAULT_FALLBACK_ORIGIN;
  let closeConnections = false;
  const listener = (incoming: IncomingMessage, res: ServerResponse): void => {
    const overrideHeaders = (): OutgoingHttpHeaders => (closeConnections ? { connection: 'close' } : {});
    serve(handler, incoming, res, { fallbackOrigin, report, overrideHeaders }).catch((error: unknown) => {
      // A bug in this adapter itself: the connection must not hang and the process must not die.
      res.destroy();
      try {
        report(`${incoming.method ?? 'GET'} request failed in the node adapter`, error);
      } catch {
        // nothing left to tell
      }
    });
  };
  return Object.assign(listener, {
    drainConnections: () => {
      closeConnections = true;
    },
  });
}

interface ServeContext {
  fallbackOrigin: string;
  report: ErrorReporter;
  /** Read when the response is written, so a response started before `close()` still gets `connection: close`. */
  overrideHeaders: () => OutgoingHttpHeaders;
}

async function serve(
  handler: FetchHandler,
  incoming: IncomingMessage,
  res: ServerResponse,
  context: ServeContext,
): Promise<void> {
  const method = incoming.method ?? 'GET';
  const clientGone = connectionAbort();
  res.once('close', () => {
    if (!res.writableFinished) clientGone.abort();
  });

  let request: Request;
  try {
    request = toWebRequest(incoming, { signal: clientGone.signal, fallbackOrigin: context.fallbackOrigin });
  } catch (error) {
    if (!(error instanceof UnrepresentableRequestError)) throw error;
    sendPlain(res, 400, 'Bad Request', context.overrideHeaders());
    return;
  }
  // The path is needed only to report a failure: no second parse of the URL on every request.
  const label = (): string => `${method} ${new URL(request.url).pathname}`;

  let response: Response;
  try {
    const result: unknown = await handler(request);
    if (!isResponse(result)) throw new TypeError('the fetch handler did not return a Response');
    response = result;
  } catch (error) {
    if (!clientGone.aborted) context.report(`${label()} failed`, error);
    if (!res.headersSent && !res.destroyed)
      sendPlain(res, 500, 'Internal Server Error', context.overrideHeaders());
    return;
  }

  try {
    await writeWebResponse(response, res, {
      head: method === 'HEAD',
      overrideHeaders: context.overrideHeaders(),
    });
  } catch (error) {
    if (!clientGone.aborted) context.report(`${label()}: response body failed`, error);
    if (res.headersSent) res.destroy();
    else sendPlain(res, 500, 'Internal Server Error', context.overrideHeaders());
  }
}

/** Structural check: a Response from another realm (msw, vm) is still a Response. */
function isResponse(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).headers?.getSetCookie === 'function' &&
    'body' in value
  );
}

function sendPlain(res: ServerResponse, status: number, text: string, extra: OutgoingHttpHeaders): void {
  res.writeHead(status, {
    ...extra,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': text.length,
  });
  res.end(text);
}

function reportToConsole(message: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  console.error(`[mcp-mock-auth-server] ${message}: ${detail}`);
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string | undefined;
  /** Port to bind; 0 (default) picks a free one. */
  port?: number | undefined;
  /** How long `close()` lets in-flight responses (open SSE streams) finish before cutting them. Default 1000 ms. */
  closeTimeoutMs?: number | undefined;
  /**
   * Where failures of the handler (a thrown error, a rejected promise, something that is not a `Response`) are
   * reported; the request is answered with a bare 500. Default: `console.error`, naming method and path only.
   */
  onError?: ErrorReporter | undefined;
}

/** A running server, as {@link listen} returns it. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** The bound port (the real one when 0 was asked). */
  port: number;
  /**
   * Stops accepting connections, closes idle keep-alive connections at once and the rest once their response is
   * done, at most `closeTimeoutMs` later. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Serves a mock (or any fetch handler) over HTTP on `host:port`, so a test suite needs no CLI process. The mock's
 * issuer must be the URL it is served at: give a fixed `port` and the matching `issuerUrl`, or let
 * `startMockAuthServer` pick a free port and derive the issuer from it.
 *
 * @param target a `MockAuthServer` (or anything with a `fetch(request)` method), or a fetch handler.
 * @throws the `listen` error (e.g. `EADDRINUSE`, `EACCES`) when the address cannot be bound.
 *
 * @example
 * const mock = createMockAuthServer({ issuerUrl: 'http://127.0.0.1:8000' });
 * const server = await listen(mock, { port: 8000 }); // server.url === 'http://127.0.0.1:8000'
 * // … run the tests against `${server.url}/mcp` …
 * await server.close();
 */
export async function listen(target: Servable, options: ListenOptions = {}): Promise<RunningServer> {
  const handler = fetchHandlerOf(target);
  const host = options.host ?? '127.0.0.1';
  const closeTimeoutMs = options.closeTimeoutMs ?? 1000;
  const listenerOptions: NodeListenerOptions = { fallbackOrigin: `http://${urlHost(host)}` };
  if (options.onError !== undefined) listenerOptions.onError = options.onError;
  const listener = createNodeRequestListener(handler, listenerOptions);
  const server = createServer(listener);
  const idleSockets = trackIdleSockets(server);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${urlHost(host)}:${port}`,
        port,
        close() {
          closing ??= new Promise<void>((done) => {
            listener.drainConnections();
            const force = setTimeout(() => server.closeAllConnections(), closeTimeoutMs);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            // Also catches connections that never sent a request, which closeIdleConnections() leaves open.
            for (const socket of idleSockets()) socket.destroy();
          });
          return closing;
        },
      });
    });
  });
}

/** Checked before binding: a wrong argument fails the call, not every request with a 500. */
function fetchHandlerOf(target: Servable): FetchHandler {
  if (typeof target === 'function') return target;
  const candidate: unknown = target;
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof (candidate as { fetch?: unknown }).fetch === 'function'
  ) {
    return (request) => target.fetch(request);
  }
  throw new TypeError('listen: expected a MockAuthServer (an object with a fetch method) or a fetch handler');
}

/** Returns a function listing the connections that have no request in flight right now. */
function trackIdleSockets(server: Server): () => Socket[] {
  const inFlight = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (incoming: IncomingMessage, res: ServerResponse) => {
    const socket = incoming.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      if (inFlight.has(socket)) inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1);
    });
  });
  return () => [...inFlight].filter(([, count]) => count === 0).map(([socket]) => socket);
}

/** Host as it appears in a URL: wildcard binds are reached through localhost, IPv6 literals need brackets. */
export function urlHost(host: string): string {
  if (host === '' || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
