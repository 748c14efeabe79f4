/**
 * What real authorization servers (oidc-provider, OpenID Providers at large) do that the mock does not by default,
 * played by the mock with one answer changed: a registration refused over its scope, an access token that cannot
 * be revoked, OpenID's `offline_access` rule, no refresh token, and a handler that stops on a login page.
 */
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../../src/index.js';
import { createMockWorld, failure } from './support/mock-world.js';
import type { MockWorld } from './support/mock-world.js';

const SCOPE_REFUSAL = {
  error: 'invalid_client_metadata',
  error_description: 'scope must only contain Authorization Server supported scope values',
};

/** The world's fetch, with `/register` answered by `answer` while it returns a Response. */
function refusingRegistration(
  world: MockWorld,
  answer: (body: Record<string, unknown>) => Response | undefined,
): MockWorld['fetch'] {
  return async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).pathname === '/register') {
      const body = (await request.clone().json()) as Record<string, unknown>;
      const refused = answer(body);
      if (refused) {
        world.registrations.push(body);
        return refused;
      }
    }
    return world.fetch(request);
  };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('a registration refused over its scope', () => {
  it('registers again without scope, once, and says so in an event', async () => {
    const world = createMockWorld({
      clientRegistrationOptions: { enabled: true, validScopes: ['read'], defaultScopes: ['read'] },
    });
    const events: FlowEvent[] = [];
    const fetch = refusingRegistration(world, (body) =>
      'scope' in body ? json(400, SCOPE_REFUSAL) : undefined,
    );
    const client = await world.connect({
      fetch,
      onEvent: (event) => events.push(event),
    });
    await client.listTools();
    expect(world.registrations.map((body) => 'scope' in body)).toEqual([true, false]);
    const retry = events.find((event) => /registering again without one/.test(event.message));
    expect(retry?.step).toBe('registration');
    expect(retry?.detail?.['refused_scope']).toBe('read');
    await client.close();
  });

  it('also on invalid_scope; a second refusal is the registration error (no third attempt)', async () => {
    const world = createMockWorld({
      clientRegistrationOptions: { enabled: true, validScopes: ['read'], defaultScopes: ['read'] },
    });
    const fetch = refusingRegistration(world, () => json(400, { error: 'invalid_scope' }));
    const error = await failure(world.connect({ fetch }));
    expect(error.code).toBe('registration_failed');
    expect(error.serverError).toBe('invalid_scope');
    expect(world.registrations).toHaveLength(2);
  });

  it('does not retry a refusal about something else', async () => {
    const world = createMockWorld({
      clientRegistrationOptions: { enabled: true, validScopes: ['read'], defaultScopes: ['read'] },
    });
    const fetch = refusingRegistration(world, () =>
      json(400, { error: 'invalid_redirect_uri', error_description: 'redirect_uris must be https' }),
    );
    const error = await failure(world.connect({ fetch }));
    expect(error.serverError).toBe('invalid_redirect_uri');
    expect(world.registrations).toHaveLength(1);
  });
});

describe('sign-out at a server that cannot revoke access tokens (JWTs)', () => {
  const unrevocableAccessTokens =
    (world: MockWorld): MockWorld['fetch'] =>
    async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname === '/revoke') {
        const form = new URLSearchParams(await request.clone().text());
        if (form.get('token_type_hint') === 'access_token') {
          return json(400, {
            error: 'unsupported_token_type',
            error_description: 'Structured JWT Tokens cannot be revoked via the revocation_endpoint',
          });
        }
      }
      return world.fetch(request);
    };

  it('resolves, forgets the tokens and says the access token stays valid until it expires', async () => {
    const world = createMockWorld();
    const events: FlowEvent[] = [];
    const fetch = unrevocableAccessTokens(world);
    const client = await world.connect({ fetch, onEvent: (event) => events.push(event) });
    await client.listTools();
    await expect(client.signOut()).resolves.toBeUndefined();
    // The refresh token (the grant) was revoked at the server.
    expect(world.requestsTo('revoke').map((entry) => [entry.form['token_type_hint'], entry.status])).toEqual([
      ['refresh_token', 200],
    ]);
    const said = events.find((event) => /stays valid until it expires/.test(event.message));
    expect(said?.step).toBe('revocation');
    expect(events.filter((event) => event.status === 'failed')).toEqual([]);
  });

  it('still rejects with revocation_failed when the refresh token cannot be revoked', async () => {
    const world = createMockWorld();
    const client = await world.connect();
    await client.listTools();
    world.mock.control.failNext('revoke', { status: 400, error: 'unsupported_token_type' });
    const error = await failure(client.signOut());
    expect(error.code).toBe('revocation_failed');
  });
});

describe('offline_access at an OpenID Provider', () => {
  it('asks with prompt=consent when the server is an OpenID Provider that lists offline_access', async () => {
    const world = createMockWorld({
      clientRegistrationOptions: {
        enabled: true,
        validScopes: ['openid', 'offline_access', 'read'],
        defaultScopes: ['read'],
      },
      requiredScopes: ['read'],
    });
    const client = await world.connect();
    await client.listTools();
    const query = world.requestsTo('authorize')[0]?.query ?? {};
    expect(query['scope']?.split(' ')).toEqual(['read', 'offline_access']);
    expect(query['prompt']).toBe('consent');
    await client.close();
  });

  it('sends no prompt when offline_access is not asked for', async () => {
    const world = createMockWorld({
      clientRegistrationOptions: { enabled: true, validScopes: ['openid', 'read'], defaultScopes: ['read'] },
      requiredScopes: ['read'],
    });
    const client = await world.connect();
    await client.listTools();
    expect(world.requestsTo('authorize')[0]?.query['prompt']).toBeUndefined();
    await client.close();
  });

  it('says at redemption, not at expiry, that no refresh token was issued', async () => {
    const world = createMockWorld({
      clientRegistrationOptions: {
        enabled: true,
        validScopes: ['offline_access', 'read'],
        defaultScopes: ['read'],
      },
      requiredScopes: ['read'],
    });
    world.mock.control.usePreset('no-refresh-token');
    const events: FlowEvent[] = [];
    const client = await world.connect({ onEvent: (event) => events.push(event) });
    await client.listTools();
    const said = events.find((event) => /issued no refresh token/.test(event.message));
    expect(said?.step).toBe('token');
    expect(said?.message).toMatch(/although offline_access was requested/);
    expect(said?.detail?.['offline_access_requested']).toBe(true);
    await client.close();
  });

  it('says nothing of the kind when a refresh token comes', async () => {
    const world = createMockWorld();
    const events: FlowEvent[] = [];
    const client = await world.connect({ onEvent: (event) => events.push(event) });
    await client.listTools();
    expect(events.some((event) => /issued no refresh token/.test(event.message))).toBe(false);
    await client.close();
  });
});

describe('a handler that does not come back to the redirect URI', () => {
  it('is authorization_incomplete naming the page, before any RFC 9207 check', async () => {
    const world = createMockWorld();
    world.mock.control.usePreset('latest'); // advertises RFC 9207: a callback without iss would be iss_missing
    const error = await failure(
      world.connect({
        authorize: async () => 'http://localhost:8000/login?return=%2Fauthorize&code=should-not-leak',
      }),
    );
    expect(error.code).toBe('authorization_incomplete');
    expect(error.message).toContain('did not come back to the redirect URI');
    expect(error.message).toContain('http://localhost:8000/login?return=%2Fauthorize&code=redacted');
    expect(error.message).not.toContain('should-not-leak');
    expect(world.requestsTo('token')).toEqual([]);
  });
});
