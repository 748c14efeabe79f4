/**
 * The harness page as an application ships it: built by `vite build` into plain files and served by a bare static
 * file server, so no development server (and no server of ours) takes part in signing in.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PAGE_DIR = join(REPO_ROOT, 'test/e2e/client-page');
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface StaticSite {
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the harness page (index.html and callback.html) and serves the output on a free loopback port. */
export async function serveBuiltHarness(): Promise<StaticSite> {
  const outDir = await mkdtemp(join(tmpdir(), 'e2e-static-'));
  await build({
    configFile: false,
    root: PAGE_DIR,
    logLevel: 'warn',
    resolve: { alias: { 'mcp-authed-client': join(REPO_ROOT, 'src/index.ts') } },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      modulePreload: { polyfill: false },
      rollupOptions: { input: [join(PAGE_DIR, 'index.html'), join(PAGE_DIR, 'callback.html')] },
    },
  });
  return serveDirectory(outDir, () => rm(outDir, { recursive: true, force: true }));
}

/** Serves the files of `dir` on a free loopback port (`index.html` for `/`); `cleanUp` runs after closing. */
export async function serveDirectory(
  dir: string,
  cleanUp: () => Promise<void> = async () => undefined,
): Promise<StaticSite> {
  const outDir = dir;
  const server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    const file = join(outDir, path === '/' ? 'index.html' : path);
    readFile(file).then(
      (body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
      },
      () => {
        response.writeHead(404);
        response.end();
      },
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      await cleanUp();
    },
  };
}
