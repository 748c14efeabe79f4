/**
 * Serves a test page folder with a programmatic Vite dev server on 127.0.0.1 (free port), with msw's service worker
 * script copied in from node_modules at start-up (generated, so never committed).
 */
import { copyFile, mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface PageServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function servePage(pageDir: string): Promise<PageServer> {
  const scratch = await mkdtemp(join(tmpdir(), 'e2e-page-'));
  const publicDir = join(scratch, 'public');
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const mswLib = dirname(require.resolve('msw/package.json'));
  await mkdir(publicDir);
  await copyFile(join(mswLib, 'lib', 'mockServiceWorker.js'), join(publicDir, 'mockServiceWorker.js'));
  let server: ViteDevServer | undefined;
  try {
    server = await createServer({
      configFile: false,
      root: pageDir,
      publicDir,
      cacheDir: join(scratch, 'vite-cache'),
      logLevel: 'warn',
      clearScreen: false,
      server: {
        host: '127.0.0.1',
        port: 0,
        strictPort: true,
        hmr: false,
        watch: null,
        fs: { allow: [REPO_ROOT, await realpath(join(REPO_ROOT, 'node_modules'))] },
      },
      optimizeDeps: { include: ['msw/browser'] },
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
