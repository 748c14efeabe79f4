/** Cases: the token endpoint — client authentication, grant validation, code exchange and refresh. */
import { expect } from 'vitest';
import {
  BASIC_CLIENT,
  CALLBACK,
  CODE_ONLY_CLIENT,
  EXPIRED_SECRET_CLIENT,
  POST_CLIENT,
  PUBLIC_CLIENT,
  baseSettings,
  expectJsonError,
  obtainCode,
  obtainTokens,
  pkcePair,
  postForm,
  refresh,
  type AuthServerCase,
  type CaseContext,
} from './helpers.js';

function basic(id: string, secret: string): string {
  const bytes = new TextEncoder().encode(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

async function expectUnauthorized(response: Response, description: string): Promise<void> {
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('pragma')).toBe('no-cache');
  await expectJsonError(response, 401, { error: 'unauthorized_client', error_description: description });
}

async function expectTokenError(response: Response, error: string, description: string): Promise<void> {
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('pragma')).toBe('no-cache');
  await expectJsonError(response, 400, { error, error_description: description });
}

function exchange(
  t: CaseContext,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return postForm(t, '/token', { grant_type: 'authorization_code', ...fields }, headers);
}

export const tokenCases: AuthServerCase[] = [
  {
    name: 'token: a public client exchanges its code for a Bearer token set, no-store',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const { code, verifier } = await obtainCode(t, PUBLIC_CLIENT, { scope: 'read' });
      const response = await exchange(t, {
        code,
        code_verifier: verifier,
        redirect_uri: CALLBACK,
        client_id: PUBLIC_CLIENT.client_id,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toStrictEqual([
        'access_token',
        'token_type',
        'expires_in',
        'scope',
        'refresh_token',
      ]);
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read' });
      expect(body['access_token']).not.toBe(body['refresh_token']);
    },
  },
  {
    name: 'token: omitted scope at /authorize grants the registered scope',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const tokens = await obtainTokens(t, PUBLIC_CLIENT);
      expect(tokens.scope).toBe('read write');
    },
  },
  {
    name: 'token: client_secret_post and client_secret_basic (URL-encoded id and secret) authenticate',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const post = await obtainTokens(t, POST_CLIENT);
      expect(post.token_type).toBe('Bearer');
      const { code, verifier } = await obtainCode(t, BASIC_CLIENT);
      const response = await exchange(
        t,
        { code, code_verifier: verifier, redirect_uri: CALLBACK, client_id: BASIC_CLIENT.client_id },
        { Authorization: basic(BASIC_CLIENT.client_id, BASIC_CLIENT.client_secret ?? '') },
      );
      expect(response.status).toBe(200);
    },
  },
  {
    name: 'token: client authentication failures are 401 unauthorized_client',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const basicId = BASIC_CLIENT.client_id;
      const basicSecret = BASIC_CLIENT.client_secret ?? '';
      await expectUnauthorized(await exchange(t, {}), 'Missing client_id');
      await expectUnauthorized(await exchange(t, { client_id: '' }), 'Missing client_id');
      await expectUnauthorized(await exchange(t, { client_id: 'ghost' }), 'Invalid client_id');
      await expectUnauthorized(
        await exchange(t, { client_id: basicId, client_secret: basicSecret }),
        'Missing or invalid Basic authentication in Authorization header',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: basicId }, { Authorization: `Bearer ${basicSecret}` }),
        'Missing or invalid Basic authentication in Authorization header',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: basicId }, { Authorization: 'Basic !!!' }),
        'Invalid Basic authentication header',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: basicId }, { Authorization: `Basic ${btoa('no-colon-here')}` }),
        'Invalid Basic authentication header',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: basicId }, { Authorization: 'Basic //79' }),
        'Invalid Basic authentication header',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: basicId }, { Authorization: basic('someone-else', basicSecret) }),
        'Client ID mismatch in Basic auth',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: basicId }, { Authorization: basic(basicId, 'wrong') }),
        'Invalid client_secret',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: basicId }, { Authorization: basic(basicId, '') }),
        'Client secret is required',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: POST_CLIENT.client_id }),
        'Client secret is required',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: POST_CLIENT.client_id, client_secret: 'post-secreT' }),
        'Invalid client_secret',
      );
      await expectUnauthorized(
        await exchange(t, { client_id: EXPIRED_SECRET_CLIENT.client_id, client_secret: 'old-secret' }),
        'Client secret has expired',
      );
    },
  },
  {
    name: 'token: a JSON body is not a form, so client_id is missing',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await t.fetch(`${t.baseUrl}/token`, {
        method: 'POST',
        body: JSON.stringify({ grant_type: 'authorization_code', client_id: PUBLIC_CLIENT.client_id }),
        headers: { 'content-type': 'application/json' },
      });
      await expectUnauthorized(response, 'Missing client_id');
    },
  },
  {
    name: 'token: the form is validated per grant_type',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const id = { client_id: PUBLIC_CLIENT.client_id };
      await expectTokenError(
        await postForm(t, '/token', { ...id, grant_type: 'authorization_code', code: 'x' }),
        'invalid_request',
        'authorization_code.code_verifier: Field required',
      );
      await expectTokenError(
        await postForm(t, '/token', { ...id, grant_type: 'authorization_code' }),
        'invalid_request',
        'authorization_code.code: Field required\nauthorization_code.code_verifier: Field required',
      );
      await expectTokenError(
        await postForm(t, '/token', {
          ...id,
          grant_type: 'authorization_code',
          code: 'x',
          code_verifier: 'y',
          redirect_uri: 'nope',
        }),
        'invalid_request',
        'authorization_code.redirect_uri: Input should be a valid URL, relative URL without a base',
      );
      await expectTokenError(
        await postForm(t, '/token', { ...id, grant_type: 'refresh_token' }),
        'invalid_request',
        'refresh_token.refresh_token: Field required',
      );
      await expectTokenError(
        await postForm(t, '/token', id),
        'invalid_request',
        ": Unable to extract tag using discriminator 'grant_type'",
      );
      await expectTokenError(
        await postForm(t, '/token', { ...id, grant_type: 'client_credentials' }),
        'invalid_request',
        ": Input tag 'client_credentials' found using 'grant_type' does not match any of the expected tags: 'authorization_code', 'refresh_token'",
      );
    },
  },
  {
    name: "token: a grant outside the client's grant_types is unsupported_grant_type",
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      await expectTokenError(
        await refresh(t, CODE_ONLY_CLIENT, 'anything'),
        'unsupported_grant_type',
        "Unsupported grant type (supported grant types are ['authorization_code'])",
      );
    },
  },
  {
    name: "token: unknown codes and other clients' codes do not exist",
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const { code, verifier } = await obtainCode(t, PUBLIC_CLIENT);
      await expectTokenError(
        await exchange(t, {
          code: 'made-up',
          code_verifier: verifier,
          redirect_uri: CALLBACK,
          client_id: PUBLIC_CLIENT.client_id,
        }),
        'invalid_grant',
        'authorization code does not exist',
      );
      await expectTokenError(
        await exchange(t, {
          code,
          code_verifier: verifier,
          redirect_uri: CALLBACK,
          client_id: POST_CLIENT.client_id,
          client_secret: 'post-secret',
        }),
        'invalid_grant',
        'authorization code does not exist',
      );
      // The failed attempts left the code intact for its owner.
      const ok = await exchange(t, {
        code,
        code_verifier: verifier,
        redirect_uri: CALLBACK,
        client_id: PUBLIC_CLIENT.client_id,
      });
      expect(ok.status).toBe(200);
    },
  },
  {
    name: 'token: redirect_uri must repeat an explicit one and be absent for an implicit one',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const description = 'redirect_uri did not match the one used when creating auth code';
      const explicit = await obtainCode(t, PUBLIC_CLIENT);
      const base = {
        code: explicit.code,
        code_verifier: explicit.verifier,
        client_id: PUBLIC_CLIENT.client_id,
      };
      await expectTokenError(await exchange(t, base), 'invalid_request', description);
      await expectTokenError(
        await exchange(t, { ...base, redirect_uri: 'http://localhost:3000/other' }),
        'invalid_request',
        description,
      );
      // Normalisation applies: the same URL in another case is the same URL.
      expect((await exchange(t, { ...base, redirect_uri: 'HTTP://localhost:3000/callback' })).status).toBe(
        200,
      );
    },
  },
  {
    name: 'token: an implicit redirect_uri must not be sent at /token',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const { challenge, verifier } = await pkcePair();
      const response = await t.fetch(
        `${t.baseUrl}/authorize?${new URLSearchParams({ client_id: PUBLIC_CLIENT.client_id, response_type: 'code', code_challenge: challenge }).toString()}`,
        { redirect: 'manual' },
      );
      const code = new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
      const base = { code, code_verifier: verifier, client_id: PUBLIC_CLIENT.client_id };
      await expectTokenError(
        await exchange(t, { ...base, redirect_uri: CALLBACK }),
        'invalid_request',
        'redirect_uri did not match the one used when creating auth code',
      );
      expect((await exchange(t, base)).status).toBe(200);
    },
  },
  {
    name: 'token: a wrong code_verifier is invalid_grant and leaves the code usable; codes are single-use',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const { code, verifier } = await obtainCode(t, PUBLIC_CLIENT);
      const base = { code, redirect_uri: CALLBACK, client_id: PUBLIC_CLIENT.client_id };
      await expectTokenError(
        await exchange(t, { ...base, code_verifier: `${verifier}x` }),
        'invalid_grant',
        'incorrect code_verifier',
      );
      expect((await exchange(t, { ...base, code_verifier: verifier })).status).toBe(200);
      await expectTokenError(
        await exchange(t, { ...base, code_verifier: verifier }),
        'invalid_grant',
        'authorization code does not exist',
      );
    },
  },
  {
    name: 'token: refresh rotates — the new pair works, the old refresh token does not',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const first = await obtainTokens(t, POST_CLIENT);
      const response = await refresh(t, POST_CLIENT, first.refresh_token);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const second = (await response.json()) as {
        refresh_token: string;
        access_token: string;
        scope: string;
      };
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.access_token).not.toBe(first.access_token);
      expect(second.scope).toBe('read write');
      await expectTokenError(
        await refresh(t, POST_CLIENT, first.refresh_token),
        'invalid_grant',
        'refresh token does not exist',
      );
      expect((await refresh(t, POST_CLIENT, second.refresh_token)).status).toBe(200);
    },
  },
  {
    name: 'token: refresh may narrow scope but not widen it',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const tokens = await obtainTokens(t, PUBLIC_CLIENT, { scope: 'read' });
      await expectTokenError(
        await refresh(t, PUBLIC_CLIENT, tokens.refresh_token, { scope: 'read admin' }),
        'invalid_scope',
        'cannot request scope `admin` not provided by refresh token',
      );
      // The refused request did not consume the refresh token.
      const narrowed = await refresh(t, PUBLIC_CLIENT, tokens.refresh_token, { scope: 'read' });
      expect(((await narrowed.json()) as { scope: string }).scope).toBe('read');
      const wide = await obtainTokens(t, PUBLIC_CLIENT, { scope: 'read write' });
      const onlyWrite = await refresh(t, PUBLIC_CLIENT, wide.refresh_token, { scope: 'write' });
      expect(((await onlyWrite.json()) as { scope: string }).scope).toBe('write');
    },
  },
  {
    name: "token: unknown refresh tokens and other clients' refresh tokens do not exist",
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const tokens = await obtainTokens(t, PUBLIC_CLIENT);
      await expectTokenError(
        await refresh(t, PUBLIC_CLIENT, 'made-up'),
        'invalid_grant',
        'refresh token does not exist',
      );
      await expectTokenError(
        await refresh(t, POST_CLIENT, tokens.refresh_token),
        'invalid_grant',
        'refresh token does not exist',
      );
      expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(200);
    },
  },
  {
    name: 'token: a repeated form field uses its last value',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const { code, verifier } = await obtainCode(t, PUBLIC_CLIENT);
      const response = await postForm(t, '/token', [
        ['grant_type', 'refresh_token'],
        ['grant_type', 'authorization_code'],
        ['code', 'wrong'],
        ['code', code],
        ['code_verifier', verifier],
        ['redirect_uri', CALLBACK],
        ['client_id', 'ghost'],
        ['client_id', PUBLIC_CLIENT.client_id],
      ]);
      expect(response.status).toBe(200);
    },
  },
];
