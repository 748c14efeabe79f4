/** The Vite plugin serves the routes in force: a route switched on at run time is answered, not passed to Vite. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createServer, type ViteDevServer } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { createMockAuthServer, type MockAuthServer } from '../../../mock-server/index.js';
import { mockAuthServerPlugin } from '../../../mock-server/runtimes/vite.js';

let root = '';
let server: ViteDevServer | undefined;

afterAll(async () => {
  await server?.close();
  if (root !== '') await rm(root, { recursive: true, force: true });
});

describe('mockAuthServerPlugin after control.reconfigure', () => {
  it('answers /register once registration is switched on', async () => {
    root = await mkdtemp(join(tmpdir(), 'mock-vite-reconfigure-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>');
    let mock: MockAuthServer | undefined;
    server = await createServer({
      configFile: false,
      root,
      customLogger: createLogger('silent'),
      plugins: [
        mockAuthServerPlugin(({ origin }) => {
          mock = createMockAuthServer({ issuerUrl: origin });
          return mock;
        }),
      ],
      server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false, watch: null },
      optimizeDeps: { noDiscovery: true, include: [] },
    });
    await server.listen();
    const origin = new URL(server.resolvedUrls?.local[0] ?? '').origin;
    const register = () =>
      fetch(`${origin}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [`${origin}/callback`] }),
      });
    expect((await fetch(`${origin}/.well-known/oauth-authorization-server`)).status).toBe(200);
    // Not a mock route yet: Vite answers it (not with the mock's 201).
    expect((await register()).status).not.toBe(201);
    mock?.control.reconfigure({ clientRegistrationOptions: { enabled: true } });
    expect((await register()).status).toBe(201);
  });
});
