/**
 * One config for three jobs: `npm start` serves the demo (demo/) with the mock mounted by its Vite plugin,
 * `npm run build:demo` builds it as a static site whose mock runs in the page (msw's service worker), and `vitest`
 * runs the unit and integration tests from the repository root.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { createDemoMock } from './demo/demo-mock.js';
import { CONTROL_PATH } from './demo/mock-settings.js';
import { mockAuthServerPlugin } from './mock-server/runtimes/vite.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/** The static build ships msw's service worker script next to the page. */
function serviceWorkerScript(): Plugin {
  return {
    name: 'demo-msw-service-worker',
    apply: 'build',
    generateBundle() {
      const script = createRequire(import.meta.url).resolve('msw/mockServiceWorker.js');
      this.emitFile({ type: 'asset', fileName: 'mockServiceWorker.js', source: readFileSync(script) });
    },
  };
}

export default defineConfig(({ mode }) => ({
  root: path('./demo'),
  resolve: { alias: { 'mcp-authed-client': path('./src/index.ts') } },
  plugins:
    mode === 'static'
      ? [serviceWorkerScript()]
      : [mockAuthServerPlugin(({ origin }) => createDemoMock(origin), { controlPath: CONTROL_PATH })],
  server: { host: '127.0.0.1' },
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    outDir: path('./dist/demo'),
    emptyOutDir: true,
    // The static build carries a whole authorization server and MCP server for the page: large by design.
    chunkSizeWarningLimit: 1_500,
    rollupOptions: { input: { index: path('./demo/index.html'), callback: path('./demo/callback.html') } },
  },
  test: {
    root: ROOT,
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/fuzz/**/*.test.ts',
      'test/fidelity/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
}));
