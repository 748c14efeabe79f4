/** Shared helpers for the mock-server case table: real PKCE, real HTTP requests, exact error checks. */
import { expect } from 'vitest';
import type {
  ClientInformation,
  MockAuthServerSettings,
  MockControl,
  OAuthAuthorizationServerProvider,
} from '../../../mock-server/index.js';

/** What a runner gives each case: a fetch that reaches the mock, and the base URL the mock was configured with. */
export interface CaseContext {
  readonly fetch: typeof fetch;
  readonly baseUrl: string;
  /** The mock's controls, when the runner holds the mock (in process, or served by `listen()`). */
  readonly control?: MockControl;
  /** The mock's provider, when the runner holds the mock (lets a case check stored state directly). */
  readonly provider?: OAuthAuthorizationServerProvider;
}

export interface AuthServerCase {
  readonly name: string;
  /** Settings for a mock listening at `baseUrl` (over HTTP the port is only known after listening). */
  readonly settings: (baseUrl: string) => MockAuthServerSettings;
  readonly run: (t: CaseContext) => Promise<void>;
  /**
   * The case drives `t.control` (e.g. moves the clock): runners that hold the mock give it a manual clock and its
   * controls; runners that cannot (the CLI process) skip the case.
   */
  readonly usesControl?: true;
}

/** The mock's controls; fails the case clearly when a runner did not provide them. */
export function requireControl(t: CaseContext): MockControl {
  if (t.control === undefined) throw new Error('this case needs mock.control: mark it usesControl');
  return t.control;
}

export const CALLBACK = 'http://localhost:3000/callback';

/** Pre-registered clients covering each authentication method. */
export const PUBLIC_CLIENT: ClientInformation = {
  client_id: 'public-client',
  client_name: 'Public Client',
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'none',
  scope: 'read write',
};
export const POST_CLIENT: ClientInformation = {
  client_id: 'post-client',
  client_secret: 'post-secret',
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'client_secret_post',
  scope: 'read write',
};
export const BASIC_CLIENT: ClientInformation = {
  client_id: 'basic client:1',
  client_secret: 's3cr:et/ü',
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'read',
};
export const MULTI_REDIRECT_CLIENT: ClientInformation = {
  client_id: 'multi-client',
  redirect_uris: ['http://localhost:3000/a', 'http://localhost:3000/b'],
  token_endpoint_auth_method: 'none',
};
export const NO_SCOPE_CLIENT: ClientInformation = {
  client_id: 'no-scope-client',
  redirect_uris: ['http://localhost:3000/cb?tenant=acme&empty='],
  token_endpoint_auth_method: 'none',
};
export const CODE_ONLY_CLIENT: ClientInformation = {
  client_id: 'code-only-client',
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code'],
  scope: 'read',
};
export const EXPIRED_SECRET_CLIENT: ClientInformation = {
  client_id: 'expired-secret-client',
  client_secret: 'old-secret',
  client_secret_expires_at: 1,
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'client_secret_post',
};

export const ALL_CLIENTS = [
  PUBLIC_CLIENT,
  POST_CLIENT,
  BASIC_CLIENT,
  MULTI_REDIRECT_CLIENT,
  NO_SCOPE_CLIENT,
  CODE_ONLY_CLIENT,
  EXPIRED_SECRET_CLIENT,
];

/** Settings with every pre-registered client; override anything. */
export function baseSettings(
  baseUrl: string,
  overrides: Partial<MockAuthServerSettings> = {},
): MockAuthServerSettings {
  return { issuerUrl: baseUrl, clients: ALL_CLIENTS, ...overrides };
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** A real RFC 7636 verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

export function formBody(fields: Record<string, string> | Array<[string, string]>): URLSearchParams {
  return new URLSearchParams(fields);
}

/** GET /authorize with the given query, without following the redirect. */
export function authorize(
  t: CaseContext,
  query: Record<string, string> | Array<[string, string]>,
): Promise<Response> {
  return t.fetch(`${t.baseUrl}/authorize?${new URLSearchParams(query).toString()}`, { redirect: 'manual' });
}

export function postForm(
  t: CaseContext,
  path: string,
  fields: Record<string, string> | Array<[string, string]>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return t.fetch(`${t.baseUrl}${path}`, {
    method: 'POST',
    body: formBody(fields),
    headers,
    redirect: 'manual',
  });
}

/** The Location of a 302, parsed. */
export function location(response: Response): URL {
  expect(response.status).toBe(302);
  const value = response.headers.get('location');
  expect(value).not.toBeNull();
  return new URL(value ?? '');
}

/** Runs /authorize for a client and returns the code plus what the token request needs. */
export async function obtainCode(
  t: CaseContext,
  client: ClientInformation,
  extra: Record<string, string> = {},
): Promise<{ code: string; verifier: string; redirectUri: string }> {
  const { verifier, challenge } = await pkcePair();
  const redirectUri = client.redirect_uris[0] ?? '';
  const response = await authorize(t, {
    client_id: client.client_id,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    redirect_uri: redirectUri,
    state: 'xyz',
    ...extra,
  });
  const target = location(response);
  const code = target.searchParams.get('code');
  expect(code, `no code in ${target.href}`).toBeTruthy();
  return { code: code ?? '', verifier, redirectUri };
}

/** Client-authentication fields for a `client_secret_post` or public client. */
export function clientFields(client: ClientInformation): Record<string, string> {
  return client.client_secret === undefined || client.token_endpoint_auth_method !== 'client_secret_post'
    ? { client_id: client.client_id }
    : { client_id: client.client_id, client_secret: client.client_secret };
}

export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  refresh_token: string;
}

/** Full authorization-code flow for a public or `client_secret_post` client. */
export async function obtainTokens(
  t: CaseContext,
  client: ClientInformation,
  extra: Record<string, string> = {},
): Promise<TokenSet> {
  const { code, verifier, redirectUri } = await obtainCode(t, client, extra);
  const response = await postForm(t, '/token', {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
    ...clientFields(client),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenSet;
}

export function refresh(
  t: CaseContext,
  client: ClientInformation,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return postForm(t, '/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...clientFields(client),
    ...extra,
  });
}

/** Asserts an exact JSON error body (compact, `application/json`). */
export async function expectJsonError(
  response: Response,
  status: number,
  body: Record<string, string>,
): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  const text = await response.text();
  expect(JSON.parse(text)).toStrictEqual(body);
  expect(text).toBe(JSON.stringify(body));
}

/** Asserts a 302 error redirect to `redirectUri` with exactly these parameters after the URI's own query. */
export function expectErrorRedirect(
  response: Response,
  redirectUri: string,
  params: Record<string, string>,
): URL {
  const target = location(response);
  expect(`${target.origin}${target.pathname}`).toBe(
    new URL(redirectUri).origin + new URL(redirectUri).pathname,
  );
  expect(Object.fromEntries(target.searchParams)).toStrictEqual(params);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return target;
}

export async function expectText(response: Response, status: number, text: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(await response.text()).toBe(text);
}
