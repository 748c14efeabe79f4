/** Cases: metadata documents, routing (404, 405, trailing slash), CORS and body limits. */
import { expect } from 'vitest';
import {
  CALLBACK,
  PUBLIC_CLIENT,
  baseSettings,
  expectText,
  pkcePair,
  postForm,
  type AuthServerCase,
} from './helpers.js';

const FIVE_MIB = 5 * 1024 * 1024;
const CORS_HEADERS = 'Accept, Accept-Language, Content-Language, Content-Type, mcp-protocol-version';

function preflight(
  t: { fetch: typeof fetch; baseUrl: string },
  path: string,
  method: string,
  headers?: string,
): Promise<Response> {
  const requestHeaders: Record<string, string> = {
    Origin: 'http://app.example',
    'Access-Control-Request-Method': method,
  };
  if (headers !== undefined) requestHeaders['Access-Control-Request-Headers'] = headers;
  return t.fetch(`${t.baseUrl}${path}`, { method: 'OPTIONS', headers: requestHeaders });
}

export const routingCases: AuthServerCase[] = [
  {
    name: 'metadata: default settings publish FastMCP fields in order, cached for an hour',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await t.fetch(`${t.baseUrl}/.well-known/oauth-authorization-server`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
      const issuer = `${t.baseUrl}/`;
      const text = await response.text();
      expect(text).toBe(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${t.baseUrl}/authorize`,
          token_endpoint: `${t.baseUrl}/token`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          code_challenge_methods_supported: ['S256'],
        }),
      );
    },
  },
  {
    name: 'metadata: registration, scopes, documentation and revocation appear when configured',
    settings: (baseUrl) =>
      baseSettings(baseUrl, {
        serviceDocumentationUrl: 'https://docs.example/mcp',
        clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write'] },
        revocationOptions: { enabled: true },
      }),
    async run(t) {
      const response = await t.fetch(`${t.baseUrl}/.well-known/oauth-authorization-server`);
      expect(await response.text()).toBe(
        JSON.stringify({
          issuer: `${t.baseUrl}/`,
          authorization_endpoint: `${t.baseUrl}/authorize`,
          token_endpoint: `${t.baseUrl}/token`,
          registration_endpoint: `${t.baseUrl}/register`,
          scopes_supported: ['read', 'write'],
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          service_documentation: 'https://docs.example/mcp',
          revocation_endpoint: `${t.baseUrl}/revoke`,
          revocation_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          code_challenge_methods_supported: ['S256'],
        }),
      );
    },
  },
  {
    name: 'metadata: an issuer with a path keeps it in the endpoints while routes stay at the root',
    settings: (baseUrl) => baseSettings(baseUrl, { issuerUrl: `${baseUrl}/tenant-a` }),
    async run(t) {
      const body = (await (
        await t.fetch(`${t.baseUrl}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, unknown>;
      expect(body['issuer']).toBe(`${t.baseUrl}/tenant-a`);
      expect(body['authorization_endpoint']).toBe(`${t.baseUrl}/tenant-a/authorize`);
      expect(body['token_endpoint']).toBe(`${t.baseUrl}/tenant-a/token`);
      await expectText(await t.fetch(`${t.baseUrl}/tenant-a/authorize`), 404, 'Not Found');
      await expectText(
        await t.fetch(`${t.baseUrl}/.well-known/oauth-authorization-server/tenant-a`),
        404,
        'Not Found',
      );
    },
  },
  {
    name: 'metadata: HEAD answers 200 with headers and no body',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await t.fetch(`${t.baseUrl}/.well-known/oauth-authorization-server`, {
        method: 'HEAD',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
      expect(await response.text()).toBe('');
    },
  },
  {
    name: 'CORS: simple requests get Access-Control-Allow-Origin * only when they send Origin',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const url = `${t.baseUrl}/.well-known/oauth-authorization-server`;
      const withOrigin = await t.fetch(url, { headers: { Origin: 'http://app.example' } });
      expect(withOrigin.headers.get('access-control-allow-origin')).toBe('*');
      const withoutOrigin = await t.fetch(url);
      expect(withoutOrigin.headers.get('access-control-allow-origin')).toBeNull();
      const token = await postForm(t, '/token', { client_id: 'nobody' }, { Origin: 'http://app.example' });
      expect(token.status).toBe(401);
      expect(token.headers.get('access-control-allow-origin')).toBe('*');
    },
  },
  {
    name: 'CORS: preflights answer 200 OK with the route methods, the allowed headers and max-age 600',
    settings: (baseUrl) =>
      baseSettings(baseUrl, {
        clientRegistrationOptions: { enabled: true },
        revocationOptions: { enabled: true },
      }),
    async run(t) {
      const routes: Array<[string, string, string]> = [
        ['/.well-known/oauth-authorization-server', 'GET', 'GET, OPTIONS'],
        ['/.well-known/oauth-protected-resource/mcp', 'GET', 'GET, OPTIONS'],
        ['/token', 'POST', 'POST, OPTIONS'],
        ['/register', 'POST', 'POST, OPTIONS'],
        ['/revoke', 'POST', 'POST, OPTIONS'],
      ];
      for (const [path, method, allowed] of routes) {
        const response = await preflight(t, path, method, 'Content-Type, MCP-Protocol-Version');
        await expectText(response, 200, 'OK');
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(response.headers.get('access-control-allow-methods')).toBe(allowed);
        expect(response.headers.get('access-control-allow-headers')).toBe(CORS_HEADERS);
        expect(response.headers.get('access-control-max-age')).toBe('600');
      }
    },
  },
  {
    name: 'CORS: a preflight asking for Authorization or a foreign method is refused with 400',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      await expectText(await preflight(t, '/token', 'POST', 'authorization'), 400, 'Disallowed CORS headers');
      await expectText(
        await preflight(t, '/token', 'POST', 'content-type,x-custom'),
        400,
        'Disallowed CORS headers',
      );
      await expectText(await preflight(t, '/token', 'PUT'), 400, 'Disallowed CORS method');
      await expectText(
        await preflight(t, '/.well-known/oauth-authorization-server', 'DELETE', 'Authorization'),
        400,
        'Disallowed CORS method, headers',
      );
    },
  },
  {
    name: 'CORS: /authorize has none, so OPTIONS is 405',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await preflight(t, '/authorize', 'GET');
      await expectText(response, 405, 'Method Not Allowed');
      expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    },
  },
  {
    name: 'routing: wrong methods are 405 with Allow',
    settings: (baseUrl) =>
      baseSettings(baseUrl, {
        clientRegistrationOptions: { enabled: true },
        revocationOptions: { enabled: true },
      }),
    async run(t) {
      const cases: Array<[string, string, string]> = [
        ['/token', 'GET', 'POST, OPTIONS'],
        ['/register', 'GET', 'POST, OPTIONS'],
        ['/revoke', 'PUT', 'POST, OPTIONS'],
        ['/authorize', 'DELETE', 'GET, HEAD, POST'],
        ['/.well-known/oauth-authorization-server', 'POST', 'GET, HEAD, OPTIONS'],
        ['/.well-known/oauth-protected-resource/mcp', 'PATCH', 'GET, HEAD, OPTIONS'],
      ];
      for (const [path, method, allow] of cases) {
        const response = await t.fetch(`${t.baseUrl}${path}`, { method });
        await expectText(response, 405, 'Method Not Allowed');
        expect(response.headers.get('allow')).toBe(allow);
      }
    },
  },
  {
    name: 'routing: unknown paths are 404 Not Found; /register and /revoke are off by default',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      for (const path of [
        '/',
        '/nope',
        '/auth/authorize',
        '/register',
        '/revoke',
        '/.well-known/openid-configuration',
      ]) {
        await expectText(await t.fetch(`${t.baseUrl}${path}`, { method: 'POST' }), 404, 'Not Found');
      }
    },
  },
  {
    name: 'routing: a trailing slash redirects 307 to the route',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const response = await t.fetch(`${t.baseUrl}/token/?x=1`, { method: 'POST', redirect: 'manual' });
      expect(response.status).toBe(307);
      expect(response.headers.get('location')).toBe(`${t.baseUrl}/token?x=1`);
    },
  },
  {
    name: 'protected resource metadata: served under the resource path, root form 404',
    settings: (baseUrl) => baseSettings(baseUrl, { requiredScopes: ['read'] }),
    async run(t) {
      const response = await t.fetch(`${t.baseUrl}/.well-known/oauth-protected-resource/mcp`, {
        headers: { Origin: 'http://app.example' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.text()).toBe(
        JSON.stringify({
          resource: `${t.baseUrl}/mcp`,
          authorization_servers: [`${t.baseUrl}/`],
          scopes_supported: ['read'],
          bearer_methods_supported: ['header'],
        }),
      );
      await expectText(await t.fetch(`${t.baseUrl}/.well-known/oauth-protected-resource`), 404, 'Not Found');
      const head = await t.fetch(`${t.baseUrl}/.well-known/oauth-protected-resource/mcp`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    },
  },
  {
    name: 'protected resource metadata: no required scopes → no scopes_supported; a bare resource uses the root form',
    settings: (baseUrl) => baseSettings(baseUrl, { resourceServerUrl: baseUrl }),
    async run(t) {
      const response = await t.fetch(`${t.baseUrl}/.well-known/oauth-protected-resource`);
      expect(await response.json()).toStrictEqual({
        resource: `${t.baseUrl}/`,
        authorization_servers: [`${t.baseUrl}/`],
        bearer_methods_supported: ['header'],
      });
      await expectText(
        await t.fetch(`${t.baseUrl}/.well-known/oauth-protected-resource/mcp`),
        404,
        'Not Found',
      );
    },
  },
  {
    name: 'body limit: more than 4 MiB on /token, /authorize, /register and /revoke is 413, state untouched',
    settings: (baseUrl) =>
      baseSettings(baseUrl, {
        clientRegistrationOptions: { enabled: true },
        revocationOptions: { enabled: true },
      }),
    async run(t) {
      const big = `client_id=public-client&pad=${'a'.repeat(FIVE_MIB)}`;
      for (const path of ['/token', '/authorize', '/register', '/revoke']) {
        const response = await t.fetch(`${t.baseUrl}${path}`, {
          method: 'POST',
          body: big,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          redirect: 'manual',
        });
        // Starlette's bare Response, as FastMCP sends it: no content type.
        expect(response.status).toBe(413);
        expect(response.headers.get('content-type')).toBeNull();
        expect(await response.text()).toBe('Request body too large');
      }
      // Exactly 4 MiB is still accepted (and then read as an ordinary bad request).
      const limit = 4 * 1024 * 1024;
      const prefix = 'client_id=nobody&pad=';
      const atLimit = await t.fetch(`${t.baseUrl}/token`, {
        method: 'POST',
        body: prefix + 'a'.repeat(limit - prefix.length),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(atLimit.status).toBe(401);
      const { challenge } = await pkcePair();
      const after = await t.fetch(
        `${t.baseUrl}/authorize?${new URLSearchParams({
          client_id: PUBLIC_CLIENT.client_id,
          response_type: 'code',
          code_challenge: challenge,
          redirect_uri: CALLBACK,
        }).toString()}`,
        { redirect: 'manual' },
      );
      expect(after.status).toBe(302);
    },
  },
];
