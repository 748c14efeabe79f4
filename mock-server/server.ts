/**
 * `createMockAuthServer`: settings, provider, MCP endpoint and route table put together behind the control layer, as
 * one WHATWG fetch handler.
 */
import { createAdjustableClock } from './controls/clock.js';
import {
  createControlLayer,
  type MockControl,
  type PresetPatch,
  type ServerConfiguration,
} from './controls/control-layer.js';
import { ClientIdMetadataResolver } from './cimd/resolver.js';
import type { ClientIdMetadataDocumentFetch } from './cimd/fetch-document.js';
import { endpointNamer } from './controls/endpoints.js';
import { textResponse } from './http/responses.js';
import { McpEndpoint, type McpServerConfigurer } from './mcp/endpoint.js';
import { MOCK_SERVER_PRESETS } from './presets.js';
import { systemClock, type Clock } from './provider/clock.js';
import { InMemoryProvider } from './provider/in-memory.js';
import type { OAuthAuthorizationServerProvider } from './provider/types.js';
import { authServerRoutes } from './routes/index.js';
import { createRouter, type Route, type RouteContext } from './routes/router.js';
import {
  validateSettings,
  type MockAuthServerSettings,
  type ResolvedMockAuthServerSettings,
} from './settings.js';

/** What `createMockAuthServer` takes besides settings: your own provider, clock, routes, presets and hooks. */
export interface MockAuthServerOptions {
  /**
   * Your own provider (FastMCP's interface); default: an `InMemoryProvider` built from the settings. With your
   * own provider, `settings.clients`, `settings.approval` and `settings.tokenLifetimes` are yours to honour.
   */
  provider?: OAuthAuthorizationServerProvider | undefined;
  /** Time source for every expiry; default: real time. */
  clock?: Clock | undefined;
  /** More routes of your own, matched after the mock's (the MCP endpoint included). */
  extraRoutes?: readonly Route[] | undefined;
  /** Your own presets for `mock.control.usePreset(name)` (a name here replaces a built-in one). */
  presets?: Readonly<Record<string, PresetPatch>> | undefined;
  /** How many requests `mock.control.requests()` keeps (the most recent). Default 1000. */
  requestLogLimit?: number | undefined;
  /** Adds your tools, resources and prompts to the `McpServer` of every new MCP session (see also `mock.mcp`). */
  configureMcpServer?: McpServerConfigurer | undefined;
  /**
   * Other mocks whose access tokens the MCP endpoint accepts when `quirks.resourceAuthorizationServers` names
   * their issuers (a resource that moved to another authorization server).
   */
  peers?: ReadonlyArray<Pick<MockAuthServer, 'settings' | 'provider'>> | undefined;
  /**
   * How Client ID Metadata Documents are fetched. Default: the global `fetch`, which works in browsers too — so host
   * *names* are not resolved before fetching: only the URL as written is checked (IP literals, reserved names), and a
   * name that resolves to a private address is fetched. The CLI passes one that resolves names first and refuses
   * private addresses (`createNodeDocumentFetch` from `mcp-authed-client/node`). Inject a fake in tests.
   */
  fetchClientIdMetadataDocument?: ClientIdMetadataDocumentFetch | undefined;
  /**
   * Called when a request fails inside the mock (a bug, or a custom provider that throws something other than its
   * error types); the request is still answered with a bare 500. Report it somewhere a developer sees it — but never
   * log request bodies, query strings or headers: they carry codes, tokens and client secrets. The request's body may
   * already be consumed. An `onError` that throws is ignored. Default: nothing is reported.
   */
  onError?: ((error: unknown, request: Request) => void) | undefined;
}

/** A running mock: a WHATWG fetch handler plus handles on its settings, provider, clock, controls and MCP endpoint. */
export interface MockAuthServer {
  /**
   * Answers one request, taken as `fetch` takes it (a `Request`, or a URL and init), so it can stand in for `fetch`
   * itself, e.g. as the client's `fetch` option. Rejects only as `fetch` does, with the abort reason when the
   * request's signal aborts; a client's mistake never yields a 5xx.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Validated settings with defaults filled in (the ones in force: `control.reconfigure` changes them). */
  readonly settings: ResolvedMockAuthServerSettings;
  /** The provider behind the routes: the one given in the options, or the default `InMemoryProvider`. */
  readonly provider: OAuthAuthorizationServerProvider;
  /** The clock every expiry reads: the given one plus whatever `control.clock.advance` skipped. */
  readonly clock: Clock;
  /** Every route the mock answers, in matching order (the ones in force). */
  readonly routes: readonly Route[];
  /** Test controls: faults, clock, request log, tokens, reconfiguration, reset. */
  readonly control: MockControl;
  /** The protected MCP endpoint: its sessions, and `configure(server => …)` for your own tools. */
  readonly mcp: McpEndpoint;
}

/** Builds the mock. Throws `SettingsError` when the settings cannot be used. */
export function createMockAuthServer(
  settings: MockAuthServerSettings,
  options: MockAuthServerOptions = {},
): MockAuthServer {
  const clock = createAdjustableClock(options.clock ?? systemClock);
  // Validated once here; the first configuration reuses it (later ones validate their own input).
  let initiallyResolved: ResolvedMockAuthServerSettings | undefined = validateSettings(settings);
  const provider = options.provider ?? InMemoryProvider.fromSettings(initiallyResolved, clock);
  const mcp = new McpEndpoint({
    ...(options.configureMcpServer === undefined ? {} : { configureMcpServer: options.configureMcpServer }),
    peers: (options.peers ?? []).map((peer) => ({
      issuer: peer.settings.issuerUrl,
      loadAccessToken: (token: string) => peer.provider.loadAccessToken(token),
    })),
  });
  const clientIdMetadata = new ClientIdMetadataResolver({
    clock,
    ...(options.fetchClientIdMetadataDocument === undefined
      ? {}
      : { fetch: options.fetchClientIdMetadataDocument }),
  });
  // One configuration per settings value; `mock.control` swaps them whole, so a request sees one consistent set.
  const build = (input: MockAuthServerSettings): ServerConfiguration => {
    const resolved =
      initiallyResolved !== undefined && input === settings ? initiallyResolved : validateSettings(input);
    initiallyResolved = undefined;
    const context: RouteContext = { settings: resolved, provider, clock, mcp, clientIdMetadata };
    const routes = [...authServerRoutes(resolved), ...(options.extraRoutes ?? [])];
    const route = createRouter(routes);
    return {
      input,
      settings: resolved,
      routes,
      endpointOf: endpointNamer(resolved),
      async handle(request: Request): Promise<Response> {
        try {
          return await route(request, context);
        } catch (error) {
          // Only a bug in the mock or a failing custom provider gets here; the details stay out of the response.
          reportInternalError(options.onError, error, request);
          return textResponse('Internal Server Error', 500);
        }
      },
    };
  };
  const layer = createControlLayer({
    initialSettings: settings,
    build,
    provider,
    clock,
    presets: { ...MOCK_SERVER_PRESETS, ...options.presets },
    ...(options.requestLogLimit === undefined ? {} : { requestLogLimit: options.requestLogLimit }),
    onReset: () => {
      // Sessions belong to principals whose tokens are gone, and cached documents to the state before.
      void mcp.sessions.closeAll();
      clientIdMetadata.clear();
    },
  });
  return {
    get settings() {
      return layer.current().settings;
    },
    get routes() {
      return layer.current().routes;
    },
    provider,
    clock,
    control: layer.control,
    // Async, so that an input fetch would refuse (a malformed URL) rejects as fetch does rather than throwing.
    fetch: async (input, init) =>
      layer.fetch(input instanceof Request && init === undefined ? input : new Request(input, init)),
    mcp,
  };
}

function reportInternalError(
  onError: MockAuthServerOptions['onError'],
  error: unknown,
  request: Request,
): void {
  try {
    onError?.(error, request);
  } catch {
    // A failing reporter must not turn one failure into another.
  }
}
