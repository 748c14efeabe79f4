/**
 * Serves a test page folder with a programmatic Vite dev server on 127.0.0.1 (free port), with msw's service worker
 * script copied in from node_modules at start-up (generated, so never committed).
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveHarness, type HarnessServer } from './client-harness.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export type PageServer = HarnessServer;

export async function servePage(pageDir: string): Promise<PageServer> {
  const publicDir = await mkdtemp(join(tmpdir(), 'e2e-page-public-'));
  const mswLib = dirname(createRequire(join(REPO_ROOT, 'package.json')).resolve('msw/package.json'));
  try {
    await copyFile(join(mswLib, 'lib', 'mockServiceWorker.js'), join(publicDir, 'mockServiceWorker.js'));
    const server = await serveHarness([], { root: pageDir, publicDir, dependencies: ['msw/browser'] });
    return {
      url: server.url,
      async close() {
        await server.close();
        await rm(publicDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(publicDir, { recursive: true, force: true });
    throw error;
  }
}
