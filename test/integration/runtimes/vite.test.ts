import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createServer, preview } from 'vite';
import type { Plugin, PreviewServer, ViteDevServer } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer, type MockAuthServer } from '../../../mock-server/index.js';
import { mockAuthServerPlugin } from '../../../mock-server/runtimes/vite.js';

const CALLBACK_PATH = '/callback';

let root = '';
const servers: Array<ViteDevServer | PreviewServer> = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mock-vite-'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title><p>the app</p>');
  await mkdir(join(root, 'dist'));
  await writeFile(
    join(root, 'dist', 'index.html'),
    '<!doctype html><title>built</title><p>the built app</p>',
  );
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A real Vite dev server on 127.0.0.1 with a free port; errors logged by Vite are collected. */
async function startVite(plugin: Plugin): Promise<{ origin: string; errors: string[] }> {
  const errors: string[] = [];
  const logger = createLogger('silent');
  logger.error = (message) => {
    errors.push(message);
  };
  const server = await createServer({
    configFile: false,
    root,
    customLogger: logger,
    plugins: [plugin],
    server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  servers.push(server);
  await server.listen();
  const local = server.resolvedUrls?.local[0];
  if (local === undefined) throw new Error('Vite announced no local URL');
  return { origin: new URL(local).origin, errors };
}

describe('mockAuthServerPlugin in a Vite dev server', () => {
  it('serves the mock on the app’s own origin, issuer defaulting to it', async () => {
    const { origin } = await startVite(
      mockAuthServerPlugin({ clientRegistrationOptions: { enabled: true } }),
    );
    const response = await fetch(`${origin}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(`${origin}/`);
    expect(metadata.registration_endpoint).toBe(`${origin}/register`);
  });

  it('leaves every other path to Vite', async () => {
    const { origin } = await startVite(mockAuthServerPlugin({}));
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('the app');
    // Registration is off, so /register is not the mock's: Vite's SPA fallback answers, not the mock's 404.
    const fallback = await fetch(`${origin}/register`, { headers: { accept: 'text/html' } });
    expect(fallback.status).toBe(200);
    expect(await fallback.text()).toContain('the app');
  });

  it('runs the authorization-code flow with a factory that knows the origin', async () => {
    const seenOrigins: string[] = [];
    const { origin } = await startVite(
      mockAuthServerPlugin(({ origin: serverOrigin }) => {
        seenOrigins.push(serverOrigin);
        return { clients: [{ client_id: 'vite-app', redirect_uris: [`${serverOrigin}${CALLBACK_PATH}`] }] };
      }),
    );
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = `${origin}${CALLBACK_PATH}`;
    const query = new URLSearchParams({
      client_id: 'vite-app',
      response_type: 'code',
      code_challenge: challenge,
      redirect_uri: redirectUri,
    });
    const authorization = await fetch(`${origin}/authorize?${query.toString()}`, { redirect: 'manual' });
    expect(authorization.status).toBe(302);
    const code = new URL(authorization.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await fetch(`${origin}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: redirectUri,
        client_id: 'vite-app',
      }),
    });
    expect(token.status).toBe(200);
    expect(seenOrigins).toEqual([origin]);
  });

  it('accepts a ready mock from the factory', async () => {
    const { origin } = await startVite(
      mockAuthServerPlugin(({ origin: serverOrigin }) =>
        createMockAuthServer({ issuerUrl: serverOrigin, serviceDocumentationUrl: 'https://docs.example/' }),
      ),
    );
    const metadata = (await (
      await fetch(`${origin}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.service_documentation).toBe('https://docs.example/');
  });

  it('reports unusable settings through Vite’s logger instead of crashing the dev server', async () => {
    const { origin, errors } = await startVite(mockAuthServerPlugin({ issuerUrl: 'http://example.com' }));
    const response = await fetch(`${origin}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(500);
    expect(errors.join('\n')).toContain('issuerUrl: must use https');
  });

  it('also mounts in `vite preview`', async () => {
    const server = await preview({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [mockAuthServerPlugin({})],
      preview: { host: '127.0.0.1', port: 0, strictPort: true },
    });
    servers.push(server);
    const origin = new URL(server.resolvedUrls?.local[0] ?? '').origin;
    const metadata = await fetch(`${origin}/.well-known/oauth-authorization-server`);
    expect(((await metadata.json()) as Record<string, unknown>).issuer).toBe(`${origin}/`);
    expect(await (await fetch(`${origin}/`)).text()).toContain('the built app');
  });
});

describe('mockAuthServerPlugin with controlPath', () => {
  it('serves the HTTP control API on the dev server, outside the mock’s request log', async () => {
    let mock: MockAuthServer | undefined;
    const { origin } = await startVite(
      mockAuthServerPlugin(
        ({ origin: serverOrigin }) => {
          mock = createMockAuthServer({ issuerUrl: serverOrigin });
          return mock;
        },
        { controlPath: '/__mock' },
      ),
    );
    const metadataUrl = `${origin}/.well-known/oauth-authorization-server`;
    const before = (await (await fetch(metadataUrl)).json()) as Record<string, unknown>;
    expect(before).not.toHaveProperty('authorization_response_iss_parameter_supported');

    const state = await fetch(`${origin}/__mock/state`);
    expect(state.status).toBe(200);
    expect(state.headers.get('cache-control')).toBe('no-store');
    expect(await state.json()).toMatchObject({ issuer: `${origin}/`, preset: null, requestCount: 1 });

    const preset = await fetch(`${origin}/__mock/preset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'iss-wrong' }),
    });
    expect(preset.status).toBe(200);
    expect(((await preset.json()) as Record<string, unknown>)['preset']).toBe('iss-wrong');
    const after = (await (await fetch(metadataUrl)).json()) as Record<string, unknown>;
    expect(after['authorization_response_iss_parameter_supported']).toBe(true);

    // A caller's mistake is the API's JSON 4xx, not Vite's SPA fallback.
    const unknown = await fetch(`${origin}/__mock/nowhere`, { headers: { accept: 'text/html' } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Record<string, unknown>)['error']).toBe('not_found');

    const logged = (await (await fetch(`${origin}/__mock/requests`)).json()) as {
      entries: Array<{ path: string }>;
    };
    expect(logged.entries.map((entry) => entry.path)).toEqual([
      '/.well-known/oauth-authorization-server',
      '/.well-known/oauth-authorization-server',
    ]);
    expect(mock?.control.requests()).toHaveLength(2);
  });

  it('is off by default, and refuses a path that would take every request', async () => {
    const { origin } = await startVite(mockAuthServerPlugin({}));
    const page = await fetch(`${origin}/__mock/state`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('the app');
    expect(() => mockAuthServerPlugin({}, { controlPath: '/' })).toThrow(/control path must be a path/);
  });

  it('says so in Vite’s log when the factory’s mock has no control', async () => {
    const { origin, errors } = await startVite(
      mockAuthServerPlugin(
        ({ origin: serverOrigin }) => {
          const mock = createMockAuthServer({ issuerUrl: serverOrigin });
          return { fetch: (request) => mock.fetch(request), settings: mock.settings, routes: mock.routes };
        },
        { controlPath: '/__mock' },
      ),
    );
    expect((await fetch(`${origin}/.well-known/oauth-authorization-server`)).status).toBe(200);
    const page = await fetch(`${origin}/__mock/state`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('the app');
    expect(errors.join('\n')).toContain('controlPath /__mock is not served');
  });
});
