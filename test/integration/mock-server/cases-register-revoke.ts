/** Cases: dynamic client registration (RFC 7591) and revocation (RFC 7009). */
import { expect } from 'vitest';
import {
  BASIC_CLIENT,
  CALLBACK,
  POST_CLIENT,
  PUBLIC_CLIENT,
  baseSettings,
  expectJsonError,
  obtainTokens,
  postForm,
  refresh,
  type AuthServerCase,
  type CaseContext,
} from './helpers.js';

function register(t: CaseContext, body: unknown): Promise<Response> {
  return t.fetch(`${t.baseUrl}/register`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

async function expectMetadataError(t: CaseContext, body: unknown, description: string): Promise<void> {
  await expectJsonError(await register(t, body), 400, {
    error: 'invalid_client_metadata',
    error_description: description,
  });
}

const registration = (baseUrl: string) =>
  baseSettings(baseUrl, {
    clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write'], defaultScopes: ['read'] },
    revocationOptions: { enabled: true },
  });

function revoke(t: CaseContext, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return postForm(t, '/revoke', fields, headers);
}

async function expectRevoked200(response: Response): Promise<void> {
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('pragma')).toBe('no-cache');
  expect(await response.text()).toBe('');
}

export const registerRevokeCases: AuthServerCase[] = [
  {
    name: 'register: 201 with the full client, FastMCP defaults and normalised URLs, unknown fields dropped',
    settings: registration,
    async run(t) {
      const before = Math.floor(Date.now() / 1000);
      const response = await register(t, {
        redirect_uris: ['HTTP://LOCALHOST:3000/callback', 'myapp:/cb'],
        client_name: 'My <App>',
        client_uri: 'https://app.example',
        client_id: 'chosen-by-me',
        unknown_field: 1,
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toBe('application/json');
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toStrictEqual([
        'redirect_uris',
        'token_endpoint_auth_method',
        'grant_types',
        'response_types',
        'scope',
        'client_name',
        'client_uri',
        'client_id',
        'client_secret',
        'client_id_issued_at',
      ]);
      expect(body).toMatchObject({
        redirect_uris: [CALLBACK, 'myapp:/cb'],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'read',
        client_name: 'My <App>',
        client_uri: 'https://app.example/',
      });
      expect(body['client_id']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(body['client_secret']).toMatch(/^[0-9a-f]{64}$/);
      expect(body['client_id_issued_at']).toBeGreaterThanOrEqual(before);
      expect(body['client_id_issued_at']).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    },
  },
  {
    name: 'register: a registered client completes the flow; a public one gets no secret',
    settings: registration,
    async run(t) {
      const response = await register(t, {
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'none',
        scope: 'read write',
      });
      const client = (await response.json()) as { client_id: string; client_secret?: string; scope: string };
      expect(client.client_secret).toBeUndefined();
      expect(client.scope).toBe('read write');
      const tokens = await obtainTokens(t, {
        client_id: client.client_id,
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'none',
      });
      expect(tokens.scope).toBe('read write');
    },
  },
  {
    name: 'register: client_secret_expires_at follows client_secret_expiry_seconds',
    settings: (baseUrl) =>
      baseSettings(baseUrl, { clientRegistrationOptions: { enabled: true, clientSecretExpirySeconds: 600 } }),
    async run(t) {
      const body = (await (
        await register(t, { redirect_uris: [CALLBACK], scope: 'anything goes' })
      ).json()) as Record<string, number | string>;
      expect(body['client_secret_expires_at']).toBe(Number(body['client_id_issued_at']) + 600);
      expect(body['scope']).toBe('anything goes');
    },
  },
  {
    name: 'register: invalid metadata is 400 invalid_client_metadata with pydantic-style descriptions',
    settings: registration,
    async run(t) {
      await expectMetadataError(t, {}, 'redirect_uris: Field required');
      await expectMetadataError(
        t,
        { redirect_uris: [] },
        'redirect_uris: List should have at least 1 item after validation, not 0',
      );
      await expectMetadataError(
        t,
        { redirect_uris: ['/relative'] },
        'redirect_uris.0: Input should be a valid URL, relative URL without a base',
      );
      await expectMetadataError(
        t,
        { redirect_uris: 'http://x/' },
        'redirect_uris: Input should be a valid list',
      );
      await expectMetadataError(
        t,
        { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'tls_client_auth' },
        "token_endpoint_auth_method: Input should be 'none', 'client_secret_post', 'client_secret_basic' or 'private_key_jwt'",
      );
      await expectMetadataError(
        t,
        { redirect_uris: [CALLBACK], client_uri: 'ftp://files.example/' },
        "client_uri: URL scheme should be 'http' or 'https'",
      );
      await expectMetadataError(
        t,
        { redirect_uris: [CALLBACK], scope: 7 },
        'scope: Input should be a valid string',
      );
      await expectMetadataError(
        t,
        { scope: 'read', redirect_uris: [CALLBACK, 42] },
        'redirect_uris.1: URL input should be a string or URL',
      );
      await expectMetadataError(
        t,
        [CALLBACK],
        ': Input should be a valid dictionary or instance of OAuthClientMetadata',
      );
    },
  },
  {
    name: 'register: scope, grant_types and response_types rules',
    settings: registration,
    async run(t) {
      await expectMetadataError(
        t,
        { redirect_uris: [CALLBACK], scope: 'read admin' },
        'Requested scopes are not valid: admin',
      );
      await expectMetadataError(
        t,
        { redirect_uris: [CALLBACK], grant_types: ['authorization_code'] },
        'grant_types must be authorization_code and refresh_token',
      );
      await expectMetadataError(
        t,
        { redirect_uris: [CALLBACK], response_types: ['token'] },
        "response_types must include 'code' for authorization_code grant",
      );
    },
  },
  {
    name: 'register: a body that is not JSON is a 400 (FastMCP answers 500 here)',
    settings: registration,
    async run(t) {
      await expectMetadataError(t, 'redirect_uris=http://x/', 'Request body is not valid JSON');
      await expectMetadataError(t, '', 'Request body is not valid JSON');
    },
  },
  {
    name: 'revoke: revoking the access token revokes its refresh token too; always 200 and empty',
    settings: registration,
    async run(t) {
      const tokens = await obtainTokens(t, PUBLIC_CLIENT);
      await expectRevoked200(
        await revoke(t, {
          token: tokens.access_token,
          client_id: PUBLIC_CLIENT.client_id,
          client_secret: '',
        }),
      );
      await expectJsonError(await refresh(t, PUBLIC_CLIENT, tokens.refresh_token), 400, {
        error: 'invalid_grant',
        error_description: 'refresh token does not exist',
      });
      // Revoking again, or revoking garbage, is still 200.
      await expectRevoked200(
        await revoke(t, {
          token: tokens.access_token,
          client_id: PUBLIC_CLIENT.client_id,
          client_secret: '',
        }),
      );
      await expectRevoked200(
        await revoke(t, { token: 'garbage ✓', client_id: PUBLIC_CLIENT.client_id, client_secret: '' }),
      );
    },
  },
  {
    name: 'revoke: refresh tokens with a hint; only the owner can revoke',
    settings: registration,
    async run(t) {
      const tokens = await obtainTokens(t, POST_CLIENT);
      await expectRevoked200(
        await revoke(t, {
          token: tokens.refresh_token,
          client_id: PUBLIC_CLIENT.client_id,
          client_secret: '',
        }),
      );
      const stillValid = await refresh(t, POST_CLIENT, tokens.refresh_token);
      expect(stillValid.status).toBe(200);
      const rotated = (await stillValid.json()) as { refresh_token: string };
      await expectRevoked200(
        await revoke(t, {
          token: rotated.refresh_token,
          token_type_hint: 'refresh_token',
          client_id: POST_CLIENT.client_id,
          client_secret: 'post-secret',
        }),
      );
      expect((await refresh(t, POST_CLIENT, rotated.refresh_token)).status).toBe(400);
    },
  },
  {
    name: 'revoke: client authentication failures are 401, form errors 400 invalid_request',
    settings: registration,
    async run(t) {
      await expectJsonError(await revoke(t, { token: 'x' }), 401, {
        error: 'unauthorized_client',
        error_description: 'Missing client_id',
      });
      await expectJsonError(
        await revoke(t, { token: 'x', client_id: POST_CLIENT.client_id, client_secret: 'bad' }),
        401,
        {
          error: 'unauthorized_client',
          error_description: 'Invalid client_secret',
        },
      );
      await expectJsonError(
        await revoke(t, { token: 'x', client_id: BASIC_CLIENT.client_id, client_secret: '' }),
        401,
        {
          error: 'unauthorized_client',
          error_description: 'Missing or invalid Basic authentication in Authorization header',
        },
      );
      await expectJsonError(await revoke(t, { token: 'x', client_id: PUBLIC_CLIENT.client_id }), 400, {
        error: 'invalid_request',
        error_description: 'client_secret: Field required',
      });
      await expectJsonError(await revoke(t, { client_id: PUBLIC_CLIENT.client_id, client_secret: '' }), 400, {
        error: 'invalid_request',
        error_description: 'token: Field required',
      });
      await expectJsonError(
        await revoke(t, {
          token: 'x',
          token_type_hint: 'id_token',
          client_id: PUBLIC_CLIENT.client_id,
          client_secret: '',
        }),
        400,
        {
          error: 'invalid_request',
          error_description: "token_type_hint: Input should be 'access_token' or 'refresh_token'",
        },
      );
    },
  },
];
