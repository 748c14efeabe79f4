/**
 * One config for two jobs: `npm start` serves the demo (demo/) with the mock mounted by its Vite plugin, and
 * `vitest` runs the unit and integration tests from the repository root.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { mockAuthServerPlugin } from './mock-server/runtimes/vite.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

/** The demo's server: FastMCP with every beyond-FastMCP check on, a consent page, and scopes to step up to. */
export const demoMockPlugin = () =>
  mockAuthServerPlugin(
    ({ origin }) => ({
      issuerUrl: origin,
      resourceServerUrl: `${origin}/mcp`,
      spec: 'latest',
      approval: 'consent',
      requiredScopes: ['read'],
      clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write', 'admin'] },
      revocationOptions: { enabled: true },
    }),
    { controlPath: '/__mock' },
  );

export default defineConfig({
  root: fileURLToPath(new URL('./demo', import.meta.url)),
  resolve: { alias: { 'mcp-authed-client': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  plugins: [demoMockPlugin()],
  server: { host: '127.0.0.1' },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('./dist/demo', import.meta.url)),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./demo/index.html', import.meta.url)),
        callback: fileURLToPath(new URL('./demo/callback.html', import.meta.url)),
      },
    },
  },
  test: {
    root: ROOT,
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
