import { createHash, randomBytes } from 'node:crypto';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../../../mock-server/index.js';
import { createMswHandlers } from '../../../mock-server/runtimes/msw.js';
import { listen } from '../../../mock-server/runtimes/node.js';
import type { RunningServer } from '../../../mock-server/runtimes/node.js';

const ISSUER = 'https://auth.test';
const CALLBACK = 'https://app.test/callback';
const CLIENT = {
  client_id: 'msw-app',
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'none' as const,
};

/** A real server on loopback, to prove which requests msw lets through to the network. */
let network: RunningServer;
/** The mock the handlers serve; a second mock shares the network server's origin. */
const mock = createMockAuthServer({
  issuerUrl: ISSUER,
  clients: [CLIENT],
  revocationOptions: { enabled: true },
});
const msw = setupServer();
const unhandled: string[] = [];

beforeAll(async () => {
  network = await listen(async (request) => new Response(`network ${new URL(request.url).pathname}`));
  msw.listen({ onUnhandledRequest: 'bypass' });
  msw.events.on('request:unhandled', ({ request }) => {
    unhandled.push(request.url);
  });
});
afterEach(() => {
  msw.resetHandlers();
  unhandled.length = 0;
});
afterAll(async () => {
  msw.close();
  await network.close();
});

describe('createMswHandlers with setupServer', () => {
  it('answers metadata for the mock origin through real fetch', async () => {
    msw.use(...createMswHandlers(mock));
    const response = await fetch(`${ISSUER}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(`${ISSUER}/`);
    expect(metadata.revocation_endpoint).toBe(`${ISSUER}/revoke`);
  });

  it('runs the authorization-code flow (redirect, form POST, CORS preflight)', async () => {
    msw.use(...createMswHandlers(mock));
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({
      client_id: CLIENT.client_id,
      response_type: 'code',
      code_challenge: challenge,
      redirect_uri: CALLBACK,
      state: 'abc',
    });
    const authorization = await fetch(`${ISSUER}/authorize?${query.toString()}`, { redirect: 'manual' });
    expect(authorization.status).toBe(302);
    const code = new URL(authorization.headers.get('location') ?? '').searchParams.get('code') ?? '';
    expect(code).not.toBe('');

    const preflight = await fetch(`${ISSUER}/token`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.test', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');

    const token = await fetch(`${ISSUER}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: CALLBACK,
        client_id: CLIENT.client_id,
      }),
    });
    expect(token.status).toBe(200);
    expect(((await token.json()) as Record<string, unknown>).token_type).toBe('Bearer');
  });

  it('lets requests for other origins through to the network', async () => {
    msw.use(...createMswHandlers(mock));
    const response = await fetch(`${network.url}/token`);
    expect(await response.text()).toBe('network /token');
    expect(unhandled).toEqual([`${network.url}/token`]);
  });

  it('on a shared origin, answers only the mock’s routes and leaves the app’s paths alone', async () => {
    const sameOrigin = createMockAuthServer({ issuerUrl: network.url, clients: [CLIENT] });
    msw.use(...createMswHandlers(sameOrigin));
    const metadata = await fetch(`${network.url}/.well-known/oauth-authorization-server`);
    expect(((await metadata.json()) as Record<string, unknown>).issuer).toBe(`${network.url}/`);
    const resourceMetadata = await fetch(`${network.url}/.well-known/oauth-protected-resource/mcp`);
    expect(((await resourceMetadata.json()) as Record<string, unknown>).resource).toBe(`${network.url}/mcp`);
    expect(await (await fetch(`${network.url}/src/main.ts`)).text()).toBe('network /src/main.ts');
    // /register is not one of this mock's routes (registration is off), so it is not intercepted either.
    expect(await (await fetch(`${network.url}/register`, { method: 'POST' })).text()).toBe(
      'network /register',
    );
  });

  it('answers for the origins given instead of the mock’s own', async () => {
    msw.use(...createMswHandlers(mock, { origins: ['https://alias.test/ignored/path'] }));
    const aliased = await fetch('https://alias.test/.well-known/oauth-authorization-server');
    expect(aliased.status).toBe(200);
    // The metadata still names the configured issuer: the alias only decides what is intercepted.
    expect(((await aliased.json()) as Record<string, unknown>).issuer).toBe(`${ISSUER}/`);
    await expect(fetch(`${ISSUER}/.well-known/oauth-authorization-server`)).rejects.toThrow();
  });
});
