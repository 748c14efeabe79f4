/**
 * Serves the client harness page (test/e2e/client-page) from a programmatic Vite dev server on 127.0.0.1. Nothing
 * here imports the mock (see client-mocks.ts), so the storage tests do not depend on it.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type PluginOption, type ViteDevServer } from 'vite';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PAGE_DIR = join(REPO_ROOT, 'test/e2e/client-page');

/**
 * Everything the page imports from node_modules, pre-bundled at start-up with discovery off, so the dev server never
 * finds a dependency late and reloads the page in the middle of a test.
 */
const PAGE_DEPENDENCIES = [
  '@modelcontextprotocol/sdk/client/index.js',
  '@modelcontextprotocol/sdk/client/streamableHttp.js',
  '@modelcontextprotocol/sdk/shared/transport.js',
  '@modelcontextprotocol/sdk/types.js',
  'oauth4webapi',
];

export interface HarnessServer {
  /** The page's origin, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** What to serve (default: the harness page, its dependencies pre-bundled with discovery off). */
export interface HarnessOptions {
  root?: string;
  /** A folder served as is at the root (e.g. msw's service worker script). */
  publicDir?: string;
  /** Dependencies to pre-bundle, with Vite's discovery left on for the rest. */
  dependencies?: string[];
}

/**
 * Starts Vite on a free port with `plugins` (e.g. the mock's). Pages import the package by its name
 * (`mcp-authed-client`) or by path; both resolve to the source.
 */
export async function serveHarness(
  plugins: PluginOption[] = [],
  options: HarnessOptions = {},
): Promise<HarnessServer> {
  const scratch = await mkdtemp(join(tmpdir(), 'e2e-client-page-'));
  let server: ViteDevServer | undefined;
  try {
    server = await createServer({
      configFile: false,
      root: options.root ?? PAGE_DIR,
      resolve: { alias: { 'mcp-authed-client': join(REPO_ROOT, 'src/index.ts') } },
      publicDir: options.publicDir ?? false,
      cacheDir: join(scratch, 'vite-cache'),
      logLevel: 'warn',
      clearScreen: false,
      plugins,
      server: {
        host: '127.0.0.1',
        port: 0,
        strictPort: true,
        hmr: false,
        watch: null,
        fs: { allow: [REPO_ROOT, await realpath(join(REPO_ROOT, 'node_modules'))] },
      },
      optimizeDeps:
        options.dependencies === undefined
          ? { include: PAGE_DEPENDENCIES, noDiscovery: true }
          : { include: options.dependencies },
    });
    await server.listen();
    const url = server.resolvedUrls?.local[0];
    if (url === undefined) throw new Error('Vite did not report a local URL');
    const running = server;
    return {
      url: url.replace(/\/$/, ''),
      async close() {
        await running.close();
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
