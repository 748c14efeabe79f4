/**
 * `startMockAuthServer`: the mock as a real HTTP server in the test's own process — what the CLI does, without a
 * child process. It binds first and creates the mock second, so a free port (0) can still be the issuer's port.
 */
import { LOOPBACK_TRANSPORT_SECURITY } from '../mcp/transport-security.js';
import type { TransportSecuritySettings } from '../mcp/transport-security.js';
import { createControlApiHandler, normalizeControlPath } from '../controls/http-controls.js';
import {
  createMockAuthServer,
  validateSettings,
  type MockAuthServer,
  type MockAuthServerOptions,
  type MockAuthServerSettings,
} from '../index.js';
import { createNodeDocumentFetch } from './cimd-fetch-node.js';
import { listen, urlHost, type FetchHandler, type RunningServer } from './node.js';

/** Settings whose issuer defaults to the URL the server is bound to (`http://127.0.0.1:<port>`). */
export type NodeMockAuthServerSettings = Omit<MockAuthServerSettings, 'issuerUrl'> & {
  /** Default: the server's own URL, so the port picked for `port: 0` is the issuer's. */
  issuerUrl?: string | undefined;
};

/** Options of {@link startMockAuthServer}: where to listen, plus those passed to `createMockAuthServer`. */
export interface StartMockAuthServerOptions extends MockAuthServerOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string | undefined;
  /** Port to bind; 0 (default) picks a free one. */
  port?: number | undefined;
  /** How long `close()` lets in-flight responses (open SSE streams) finish before cutting them. Default 1000 ms. */
  closeTimeoutMs?: number | undefined;
  /**
   * Also serves the HTTP control API (`GET <controlPath>/state`, `POST <controlPath>/preset`, …) at this path, e.g.
   * `'/__mock'`, for a browser test that drives the mock over HTTP; its requests stay out of the mock's request log.
   * Default: off (in the same process, `mock.control` does the same without HTTP).
   *
   * @throws TypeError (from `startMockAuthServer`, before binding) when the path is `/` or not a plain path.
   */
  controlPath?: string | undefined;
}

/** A mock served over HTTP, as {@link startMockAuthServer} returns it. */
export interface RunningMockAuthServer extends RunningServer {
  /** The mock being served: `mock.control` for faults, the clock, the request log; `mock.settings.issuerUrl`. */
  readonly mock: MockAuthServer;
}

/**
 * Creates a mock and serves it over HTTP, in this process. Unlike `createMockAuthServer`, the issuer may be left
 * out: it is then the server's own URL, so a free port works. As in the CLI, Client ID Metadata Documents are
 * fetched with `createNodeDocumentFetch()` (names resolving to private addresses are refused) and requests the mock
 * fails on are reported on stderr (method and path only), unless the options say otherwise.
 *
 * @throws `SettingsError` for unusable settings and `TypeError` for a bad `controlPath`, both before binding; the
 *   `listen` error (e.g. `EADDRINUSE`) when the address cannot be bound.
 *
 * @example
 * const server = await startMockAuthServer({ clientRegistrationOptions: { enabled: true } });
 * const client = await createAuthedMcpClient(`${server.url}/mcp`, { authorize: headlessAuthorize(), … });
 * server.mock.control.clock.advance(3600);
 * await server.close();
 */
export function startMockAuthServer(
  settings: NodeMockAuthServerSettings = {},
  options: StartMockAuthServerOptions = {},
): Promise<RunningMockAuthServer> {
  return serveMockAuthServer(settings, options);
}

/**
 * {@link startMockAuthServer} with a wrapper around the handler that answers every request (control API included):
 * the CLI's `--verbose` log, on the same bind path as the public function. Not part of the `./node` API.
 */
export async function serveMockAuthServer(
  settings: NodeMockAuthServerSettings,
  options: StartMockAuthServerOptions,
  wrapHandler: (handler: FetchHandler) => FetchHandler = (handler) => handler,
): Promise<RunningMockAuthServer> {
  const { host = '127.0.0.1', port = 0, closeTimeoutMs, controlPath, ...mockOptions } = options;
  const controlBase = controlPath === undefined ? undefined : normalizeControlPath(controlPath);
  const withIssuer = (boundPort: number): MockAuthServerSettings => ({
    ...settings,
    issuerUrl: settings.issuerUrl ?? defaultIssuerUrl(host, boundPort),
    transportSecurity: settings.transportSecurity ?? transportSecurityForBind(host),
  });
  // Checked with the port asked for, so bad settings never open a socket.
  validateSettings(withIssuer(port));

  let handler: FetchHandler = async () => new Response('Starting', { status: 503 });
  const server = await listen((request) => handler(request), {
    host,
    port,
    ...(closeTimeoutMs === undefined ? {} : { closeTimeoutMs }),
  });
  let mock: MockAuthServer;
  try {
    mock = createMockAuthServer(withIssuer(server.port), {
      fetchClientIdMetadataDocument: createNodeDocumentFetch(),
      onError: reportToStderr,
      ...withoutUndefined(mockOptions),
    });
  } catch (error) {
    await server.close();
    throw error;
  }
  if (controlBase === undefined) handler = wrapHandler((request) => mock.fetch(request));
  else {
    // In front of the mock: control requests are not traffic of the server being mocked.
    const controls = createControlApiHandler(mock, controlBase);
    handler = wrapHandler(async (request) => (await controls(request)) ?? mock.fetch(request));
  }
  return { url: server.url, port: server.port, close: () => server.close(), mock };
}

/**
 * FastMCP's default DNS-rebinding protection, which follows the host it is bound to: on, for the loopback names, when
 * bound to one of them; off otherwise (a wildcard bind). The in-process mock, bound to nothing, judges by its resource
 * URL's host instead.
 */
export function transportSecurityForBind(host: string): TransportSecuritySettings {
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) return { enableDnsRebindingProtection: false };
  return {
    enableDnsRebindingProtection: true,
    allowedHosts: [...LOOPBACK_TRANSPORT_SECURITY.allowedHosts],
    allowedOrigins: [...LOOPBACK_TRANSPORT_SECURITY.allowedOrigins],
  };
}

/** The issuer when none is configured: the URL the server is bound to (a wildcard bind is reached via localhost). */
export function defaultIssuerUrl(host: string, port: number): string {
  return `http://${urlHost(host)}:${port}`;
}

/** An option given as `undefined` means the default, as if it were left out. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Method and path only: query strings, headers and bodies carry codes, tokens and client secrets. */
function reportToStderr(error: unknown, request: Request): void {
  const path = URL.canParse(request.url) ? new URL(request.url).pathname : '?';
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`[mcp-mock-auth-server] internal error answering ${request.method} ${path}: ${message}`);
}
