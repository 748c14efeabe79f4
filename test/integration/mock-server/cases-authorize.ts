/** Cases: the authorization endpoint, its order of checks and where each error goes. */
import { expect } from 'vitest';
import {
  CALLBACK,
  MULTI_REDIRECT_CLIENT,
  NO_SCOPE_CLIENT,
  PUBLIC_CLIENT,
  authorize,
  baseSettings,
  expectErrorRedirect,
  expectJsonError,
  location,
  pkcePair,
  postForm,
  type AuthServerCase,
  type CaseContext,
} from './helpers.js';

async function validQuery(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const { challenge } = await pkcePair();
  return {
    client_id: PUBLIC_CLIENT.client_id,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    redirect_uri: CALLBACK,
    state: 'st-1',
    ...extra,
  };
}

function without(query: Record<string, string>, ...keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([key]) => !keys.includes(key)));
}

async function expectDirect400(t: CaseContext, query: Record<string, string>, body: Record<string, string>) {
  const response = await authorize(t, query);
  expect(response.headers.get('cache-control')).toBe('no-store');
  await expectJsonError(response, 400, body);
}

export const authorizeCases: AuthServerCase[] = [
  {
    name: 'authorize: a valid GET redirects 302 with code and state, no-store, no iss',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await authorize(t, await validQuery({ scope: 'read' }));
      expect(response.headers.get('cache-control')).toBe('no-store');
      const target = location(response);
      expect(`${target.origin}${target.pathname}`).toBe(CALLBACK);
      expect([...target.searchParams.keys()]).toStrictEqual(['code', 'state']);
      expect(target.searchParams.get('state')).toBe('st-1');
      expect(target.searchParams.get('code')?.length).toBeGreaterThanOrEqual(32);
      expect(target.searchParams.has('iss')).toBe(false);
    },
  },
  {
    name: 'authorize: POST with a form works like GET; omitted method means S256; state is optional',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await postForm(
        t,
        '/authorize',
        without(await validQuery(), 'code_challenge_method', 'state'),
      );
      const target = location(response);
      expect([...target.searchParams.keys()]).toStrictEqual(['code']);
    },
  },
  {
    name: 'authorize: missing code_challenge with a known client → error redirect invalid_request',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await authorize(t, without(await validQuery(), 'code_challenge'));
      expectErrorRedirect(response, CALLBACK, {
        error: 'invalid_request',
        error_description: 'code_challenge: Field required',
        state: 'st-1',
      });
      expect(response.headers.get('location')).toContain(
        'error_description=code_challenge%3A+Field+required',
      );
    },
  },
  {
    name: 'authorize: code_challenge_method plain is rejected',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await authorize(t, await validQuery({ code_challenge_method: 'plain' }));
      expectErrorRedirect(response, CALLBACK, {
        error: 'invalid_request',
        error_description: "code_challenge_method: Input should be 'S256'",
        state: 'st-1',
      });
    },
  },
  {
    name: 'authorize: a wrong response_type is unsupported_response_type, a missing one invalid_request',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      expectErrorRedirect(await authorize(t, await validQuery({ response_type: 'token' })), CALLBACK, {
        error: 'unsupported_response_type',
        error_description: "response_type: Input should be 'code'",
        state: 'st-1',
      });
      expectErrorRedirect(await authorize(t, without(await validQuery(), 'response_type')), CALLBACK, {
        error: 'invalid_request',
        error_description: 'response_type: Field required',
        state: 'st-1',
      });
    },
  },
  {
    name: 'authorize: several problems are joined by newlines in field order',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const query = without(
        await validQuery({ code_challenge_method: 'plain', response_type: 'token' }),
        'code_challenge',
      );
      expectErrorRedirect(await authorize(t, query), CALLBACK, {
        error: 'unsupported_response_type',
        error_description:
          "response_type: Input should be 'code'\ncode_challenge: Field required\ncode_challenge_method: Input should be 'S256'",
        state: 'st-1',
      });
    },
  },
  {
    name: 'authorize: validation errors without a known client are direct 400s with state',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      await expectDirect400(t, without(await validQuery({ client_id: 'ghost' }), 'code_challenge'), {
        error: 'invalid_request',
        error_description: 'code_challenge: Field required',
        state: 'st-1',
      });
      await expectDirect400(
        t,
        { state: 's' },
        {
          error: 'invalid_request',
          error_description:
            'client_id: Field required\nresponse_type: Field required\ncode_challenge: Field required',
          state: 's',
        },
      );
    },
  },
  {
    name: 'authorize: an unknown client is a direct 400 naming it',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      await expectDirect400(t, await validQuery({ client_id: 'ghost' }), {
        error: 'invalid_request',
        error_description: "Client ID 'ghost' not found",
        state: 'st-1',
      });
      await expectDirect400(t, without(await validQuery({ client_id: 'ünï ✓' }), 'state'), {
        error: 'invalid_request',
        error_description: "Client ID 'ünï ✓' not found",
      });
    },
  },
  {
    name: 'authorize: an unregistered redirect_uri is a direct 400 (normalised, no loopback port relaxation)',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      await expectDirect400(t, await validQuery({ redirect_uri: 'http://localhost:3001/callback' }), {
        error: 'invalid_request',
        error_description: "Redirect URI 'http://localhost:3001/callback' not registered for client",
        state: 'st-1',
      });
      await expectDirect400(t, await validQuery({ redirect_uri: 'HTTP://EVIL.example:80' }), {
        error: 'invalid_request',
        error_description: "Redirect URI 'http://evil.example/' not registered for client",
        state: 'st-1',
      });
      await expectDirect400(t, await validQuery({ redirect_uri: `${CALLBACK}/` }), {
        error: 'invalid_request',
        error_description: `Redirect URI '${CALLBACK}/' not registered for client`,
        state: 'st-1',
      });
      // Same URL after normalisation (scheme and host case) is accepted.
      location(await authorize(t, await validQuery({ redirect_uri: 'HTTP://LOCALHOST:3000/callback' })));
    },
  },
  {
    name: 'authorize: redirect_uri may be omitted only with exactly one registered',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      location(await authorize(t, without(await validQuery(), 'redirect_uri')));
      await expectDirect400(
        t,
        without(await validQuery({ client_id: MULTI_REDIRECT_CLIENT.client_id }), 'redirect_uri'),
        {
          error: 'invalid_request',
          error_description: 'redirect_uri must be specified when client has multiple registered URIs',
          state: 'st-1',
        },
      );
      const chosen = location(
        await authorize(
          t,
          await validQuery({
            client_id: MULTI_REDIRECT_CLIENT.client_id,
            redirect_uri: 'http://localhost:3000/b',
          }),
        ),
      );
      expect(chosen.pathname).toBe('/b');
    },
  },
  {
    name: 'authorize: an invalid redirect_uri is a validation error answered directly',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      await expectDirect400(t, await validQuery({ redirect_uri: '/callback' }), {
        error: 'invalid_request',
        error_description: 'redirect_uri: Input should be a valid URL, relative URL without a base',
        state: 'st-1',
      });
      await expectDirect400(t, await validQuery({ redirect_uri: '' }), {
        error: 'invalid_request',
        error_description: 'redirect_uri: Input should be a valid URL, input is empty',
        state: 'st-1',
      });
    },
  },
  {
    name: 'authorize: a scope the client did not register is an invalid_scope redirect',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      expectErrorRedirect(await authorize(t, await validQuery({ scope: 'read admin' })), CALLBACK, {
        error: 'invalid_scope',
        error_description: 'Client was not registered with scope admin',
        state: 'st-1',
      });
      location(await authorize(t, await validQuery({ scope: 'write read' })));
    },
  },
  {
    name: 'authorize: a client without registered scope fails any scope; its redirect URI keeps its own query',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await authorize(
        t,
        await validQuery({
          client_id: NO_SCOPE_CLIENT.client_id,
          redirect_uri: NO_SCOPE_CLIENT.redirect_uris[0] ?? '',
          scope: 'read',
        }),
      );
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(
        'http://localhost:3000/cb?tenant=acme&error=invalid_scope&error_description=Client+was+not+registered+with+scope+read&state=st-1',
      );
      const ok = await authorize(
        t,
        await validQuery({
          client_id: NO_SCOPE_CLIENT.client_id,
          redirect_uri: NO_SCOPE_CLIENT.redirect_uris[0] ?? '',
        }),
      );
      expect(location(ok).searchParams.get('tenant')).toBe('acme');
    },
  },
  {
    name: 'authorize: a repeated parameter uses its last value; unknown parameters are ignored',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const { challenge } = await pkcePair();
      const response = await authorize(t, [
        ['client_id', 'ghost'],
        ['client_id', PUBLIC_CLIENT.client_id],
        ['response_type', 'code'],
        ['code_challenge', challenge],
        ['state', 'first'],
        ['state', 'second ✓'],
        ['prompt', 'consent'],
        ['nonce', 'n'],
      ]);
      expect(location(response).searchParams.get('state')).toBe('second ✓');
    },
  },
  {
    name: 'authorize: HEAD reads as an empty form (FastMCP) and answers without a body',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await t.fetch(`${t.baseUrl}/authorize?client_id=public-client`, { method: 'HEAD' });
      expect(response.status).toBe(400);
      expect(await response.text()).toBe('');
    },
  },
  {
    name: 'authorize: a JSON body is not a form, so every field is missing',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await t.fetch(`${t.baseUrl}/authorize`, {
        method: 'POST',
        body: JSON.stringify(await validQuery()),
        headers: { 'content-type': 'application/json' },
        redirect: 'manual',
      });
      await expectJsonError(response, 400, {
        error: 'invalid_request',
        error_description:
          'client_id: Field required\nresponse_type: Field required\ncode_challenge: Field required',
      });
    },
  },
  {
    name: 'authorize: a multipart form is read like a url-encoded one',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const body = new FormData();
      for (const [key, value] of Object.entries(await validQuery())) body.append(key, value);
      const response = await t.fetch(`${t.baseUrl}/authorize`, { method: 'POST', body, redirect: 'manual' });
      expect(location(response).searchParams.get('state')).toBe('st-1');
    },
  },
];
