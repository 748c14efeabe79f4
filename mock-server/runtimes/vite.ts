/**
 * A Vite plugin that serves the mock from the dev (and preview) server, on the app's own origin, so a browser app
 * talks to a same-origin authorization server with no CORS or second process.
 *
 * @example
 * // vite.config.ts
 * export default defineConfig({
 *   plugins: [mockAuthServerPlugin({ clients: [{ client_id: 'demo', redirect_uris: ['http://localhost:5173/cb'] }] })],
 * });
 *
 * With `{ controlPath: '/__mock' }` it also serves the HTTP control API (controls/http-controls.ts) there, so a page
 * of the app can drive `mock.control`.
 */
import type { IncomingMessage } from 'node:http';
import type { Connect, Logger, Plugin, PreviewServer, ResolvedServerUrls, ViteDevServer } from 'vite';
import {
  createControlApiHandler,
  isUnderControlPath,
  normalizeControlPath,
  type ControlApiTarget,
} from '../controls/http-controls.js';
import { createMockAuthServer } from '../index.js';
import type { MockAuthServerOptions, MockAuthServerSettings } from '../index.js';
import { mockRoutePaths, type MockAuthServerLike } from '../mock-routes.js';
import { createNodeRequestListener } from './node.js';

// The plugin takes the mock's settings and options, so every type they refer to is nameable from `./vite` too.
export type * from './mock-types.js';

/** Settings whose issuer defaults to the dev server's origin. */
export type MockAuthServerPluginSettings = Omit<MockAuthServerSettings, 'issuerUrl'> & {
  issuerUrl?: string | undefined;
};

/** Called once, on the first request, with the origin the dev server is reachable at. */
export type MockAuthServerFactory = (context: {
  origin: string;
}) => MockAuthServerPluginSettings | MockAuthServerLike;

/** Options of {@link mockAuthServerPlugin}: the plugin's own, plus those passed to `createMockAuthServer`. */
export interface MockAuthServerPluginOptions extends MockAuthServerOptions {
  /**
   * Serves the HTTP control API (`GET <controlPath>/state`, `POST <controlPath>/preset`, …, see `ControlApiState`)
   * at this path on the dev server, e.g. `'/__mock'`, so a page of the app (or curl) can drive `mock.control`:
   * presets, faults, the clock, tokens, approval mode, reset, the request log. Its requests are not logged by the
   * mock. Default: off. A factory's mock needs its `control` (any `MockAuthServer` has it).
   *
   * Only for development: anyone who can reach the dev server can reset the mock or read its (redacted) request log.
   *
   * @throws TypeError (when the plugin is created) when the path is `/` or not a plain path.
   */
  controlPath?: string | undefined;
}

const MOCK_AUTH_SERVER_PLUGIN_NAME = 'mcp-mock-auth-server';

/**
 * Mounts the mock in Vite's dev and preview servers. Only the mock's routes (metadata, `/authorize`, `/token`, …,
 * the MCP endpoint) are answered; every other request goes on to Vite. The mock is created on the first request,
 * when the server's real port is known.
 *
 * @param settingsOrFactory settings (issuer defaulting to the server's origin), or a factory returning settings or
 *   a ready mock (to keep a handle on its provider and clock).
 * @param options `controlPath` to serve the HTTP control API; the rest is passed to `createMockAuthServer` when the
 *   plugin creates the mock.
 *
 * @example
 * mockAuthServerPlugin({ approval: 'consent' }, { controlPath: '/__mock' }); // then POST /__mock/preset {"name":"iss-wrong"}
 */
export function mockAuthServerPlugin(
  settingsOrFactory: MockAuthServerPluginSettings | MockAuthServerFactory,
  options: MockAuthServerPluginOptions = {},
): Plugin {
  const { controlPath, ...mockOptions } = options;
  // Checked now, so a bad path fails the config rather than the first request.
  const controlBase = controlPath === undefined ? undefined : normalizeControlPath(controlPath);
  const mount = (server: ViteDevServer | PreviewServer): void => {
    const create = (origin: string): MockAuthServerLike => {
      const produced =
        typeof settingsOrFactory === 'function' ? settingsOrFactory({ origin }) : settingsOrFactory;
      if (isMock(produced)) return produced;
      return createMockAuthServer({ ...produced, issuerUrl: produced.issuerUrl ?? origin }, mockOptions);
    };
    server.middlewares.use(mockMiddleware(create, controlBase, server, server.config.logger));
  };
  return {
    name: MOCK_AUTH_SERVER_PLUGIN_NAME,
    configureServer: mount,
    configurePreviewServer: mount,
  };
}

type NodeListener = ReturnType<typeof createNodeRequestListener>;

function mockMiddleware(
  create: (origin: string) => MockAuthServerLike,
  controlBase: string | undefined,
  server: { resolvedUrls: ResolvedServerUrls | null },
  logger: Logger,
): Connect.NextHandleFunction {
  let mounted:
    { mock: MockAuthServerLike; listener: NodeListener; controls: NodeListener | undefined } | undefined;
  let failure: unknown;
  return (req, res, next) => {
    if (mounted === undefined && failure === undefined) {
      const origin = serverOrigin(server.resolvedUrls, req);
      const listenerOptions = {
        fallbackOrigin: origin,
        onError: (message: string, error: unknown) =>
          logger.error(`[${MOCK_AUTH_SERVER_PLUGIN_NAME}] ${message}: ${describe(error)}`),
      };
      try {
        const mock = create(origin);
        let controls: NodeListener | undefined;
        if (controlBase !== undefined) {
          if (hasControl(mock)) {
            const handler = createControlApiHandler(mock, controlBase);
            // The path was checked before handing over, so the handler always answers.
            controls = createNodeRequestListener(
              async (request) => (await handler(request)) ?? new Response('Not Found', { status: 404 }),
              listenerOptions,
            );
          } else {
            logger.error(
              `[${MOCK_AUTH_SERVER_PLUGIN_NAME}] controlPath ${controlBase} is not served: the factory's mock has no control (return a MockAuthServer)`,
            );
          }
        }
        mounted = {
          mock,
          listener: createNodeRequestListener((request) => mock.fetch(request), listenerOptions),
          controls,
        };
      } catch (error) {
        failure = error;
        logger.error(`[${MOCK_AUTH_SERVER_PLUGIN_NAME}] cannot start the mock: ${describe(error)}`);
      }
    }
    if (mounted === undefined) {
      next(failure);
      return;
    }
    // Before the mock, whose log must not see them (they are not traffic of the server being mocked).
    if (
      mounted.controls !== undefined &&
      controlBase !== undefined &&
      isUnderControlPath(controlBase, pathname(req.url))
    ) {
      mounted.controls(req, res);
      return;
    }
    // Per request: `mock.control.reconfigure` can switch routes at run time.
    if (!mockRoutePaths(mounted.mock).has(pathname(req.url))) {
      next();
      return;
    }
    mounted.listener(req, res);
  };
}

/** The first local URL Vite announces, else what this request was addressed to. */
function serverOrigin(urls: ResolvedServerUrls | null, req: IncomingMessage): string {
  const announced = urls?.local[0];
  if (announced !== undefined && URL.canParse(announced)) return new URL(announced).origin;
  const scheme = 'encrypted' in req.socket && req.socket.encrypted === true ? 'https' : 'http';
  return `${scheme}://${req.headers.host ?? 'localhost'}`;
}

function pathname(url: string | undefined): string {
  const path = (url ?? '/').split(/[?#]/, 1)[0] ?? '/';
  return path === '' ? '/' : path;
}

function hasControl(mock: MockAuthServerLike): mock is MockAuthServerLike & ControlApiTarget {
  const candidate = mock as unknown as Partial<ControlApiTarget>;
  return typeof candidate.control === 'object' && candidate.control !== null;
}

function isMock(value: MockAuthServerPluginSettings | MockAuthServerLike): value is MockAuthServerLike {
  return 'fetch' in value && typeof value.fetch === 'function';
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
