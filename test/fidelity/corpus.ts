/**
 * The fidelity corpus: request sequences sent to the real FastMCP (by record/record.ts) and to the mock (by the
 * replay test). Generated from tables of routes, methods, parameters and failure modes; every case is independent
 * (it registers its own client and gets its own tokens), so cases can run in any order against one server.
 */
import { createHash } from 'node:crypto';
import type { WireStep } from './wire.js';

export interface FidelityCase {
  /** Unique and stable: the fixtures and the deviations file are keyed by it. */
  readonly name: string;
  readonly steps: readonly WireStep[];
}

/** The settings both servers run with (FastMCP: record/fastmcp_server.py; the mock: the replay test). */
export const PROFILE = {
  requiredScopes: ['read'],
  validScopes: ['read', 'write', 'admin'],
  defaultScopes: ['read'],
} as const;

const CALLBACK = 'http://127.0.0.1:3000/callback';
const VERIFIER = 'fidelity-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const JSON_HEADERS = { 'content-type': 'application/json' };
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };
const MCP_ACCEPT = 'application/json, text/event-stream';
const PROTOCOL = '2025-06-18';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
const json = (value: unknown): string => JSON.stringify(value);

// ---------------------------------------------------------------------------------------------------------------
// Building blocks: a registered client, its tokens, an MCP session.

function register(metadata: Record<string, unknown> = {}, prefix = ''): WireStep {
  return {
    method: 'POST',
    path: '/register',
    headers: JSON_HEADERS,
    body: json({
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none',
      scope: 'read write',
      ...metadata,
    }),
    capture: [
      { name: `${prefix}client_id`, from: 'json', key: 'client_id' },
      { name: `${prefix}client_secret`, from: 'json', key: 'client_secret' },
    ],
  };
}

function authorizeQuery(overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    client_id: '{{client_id}}',
    response_type: 'code',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    redirect_uri: CALLBACK,
    state: 'st4te',
    ...overrides,
  };
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  // Placeholders stay readable: `{{…}}` is filled in before sending, so it must not be percent-encoded here.
  return defined.map(([k, v]) => `${k}=${v.startsWith('{{') ? v : encodeURIComponent(v)}`).join('&');
}

function authorize(overrides: Record<string, string | undefined> = {}): WireStep {
  return {
    method: 'GET',
    path: `/authorize?${authorizeQuery(overrides)}`,
    capture: [{ name: 'code', from: 'location', key: 'code' }],
  };
}

function exchange(
  fields: Record<string, string | undefined> = {},
  headers: Record<string, string> = {},
): WireStep {
  const all: Record<string, string | undefined> = {
    grant_type: 'authorization_code',
    client_id: '{{client_id}}',
    code: '{{code}}',
    code_verifier: VERIFIER,
    redirect_uri: CALLBACK,
    ...fields,
  };
  const body = Object.entries(all)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${v.startsWith('{{') ? v : encodeURIComponent(v)}`)
    .join('&');
  return {
    method: 'POST',
    path: '/token',
    headers: { ...FORM_HEADERS, ...headers },
    body,
    capture: [
      { name: 'access_token', from: 'json', key: 'access_token' },
      { name: 'refresh_token', from: 'json', key: 'refresh_token' },
    ],
  };
}

/** Register, authorize, exchange: a public client with an access token scoped `read write` (or `scope`). */
function withToken(scope = 'read write admin'): WireStep[] {
  return [register({ scope }), authorize({ scope }), exchange()];
}

function mcp(
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
  extra: Partial<WireStep> = {},
): WireStep {
  return {
    method,
    path: '/mcp',
    headers: {
      authorization: 'Bearer {{access_token}}',
      'content-type': 'application/json',
      accept: MCP_ACCEPT,
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : json(body) }),
    ...extra,
  };
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'fidelity', version: '1.0.0' } },
};
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };

function initialize(headers: Record<string, string> = {}): WireStep {
  return mcp('POST', INITIALIZE, headers, {
    capture: [{ name: 'session_id', from: 'header', key: 'mcp-session-id' }],
  });
}

const IN_SESSION = { 'mcp-session-id': '{{session_id}}', 'mcp-protocol-version': PROTOCOL };

/** Token, initialize, initialized: ready for requests in a session. */
function withSession(): WireStep[] {
  return [...withToken(), initialize(), mcp('POST', INITIALIZED, IN_SESSION)];
}

// ---------------------------------------------------------------------------------------------------------------
// The cases.

const cases: FidelityCase[] = [];
const add = (name: string, steps: readonly WireStep[]): void => {
  cases.push({ name, steps });
};

const PATHS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-protected-resource/mcp',
  '/.well-known/oauth-protected-resource',
  '/.well-known/openid-configuration',
  '/authorize',
  '/token',
  '/register',
  '/revoke',
  '/mcp',
  '/mcp/',
  '/token/',
  '/authorize/',
  '/',
  '/nope',
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

// Routing: every path with every method, no credentials, no body.
for (const path of PATHS) for (const method of METHODS) add(`route ${method} ${path}`, [{ method, path }]);

// CORS: preflights and simple requests on every route.
const CORS_PATHS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-protected-resource/mcp',
  '/token',
  '/register',
  '/revoke',
  '/authorize',
  '/mcp',
];
for (const path of CORS_PATHS) {
  for (const requestMethod of ['GET', 'POST', 'DELETE']) {
    for (const requestHeaders of [
      undefined,
      'content-type',
      'authorization',
      'mcp-protocol-version',
      'Content-Type, MCP-Protocol-Version',
    ]) {
      const headers: Record<string, string> = {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': requestMethod,
      };
      if (requestHeaders !== undefined) headers['access-control-request-headers'] = requestHeaders;
      add(`cors preflight ${path} ${requestMethod} [${requestHeaders ?? ''}]`, [
        { method: 'OPTIONS', path, headers },
      ]);
    }
  }
  add(`cors OPTIONS without request method ${path}`, [
    { method: 'OPTIONS', path, headers: { origin: 'http://127.0.0.1:5173' } },
  ]);
  for (const [label, headers] of [
    ['origin', { origin: 'http://127.0.0.1:5173' }],
    ['origin and cookie', { origin: 'http://127.0.0.1:5173', cookie: 'a=b' }],
    ['foreign origin', { origin: 'https://app.example' }],
  ] as const) {
    add(`cors simple GET ${path} ${label}`, [{ method: 'GET', path, headers }]);
    add(`cors simple POST ${path} ${label}`, [
      { method: 'POST', path, headers: { ...headers, ...FORM_HEADERS }, body: '' },
    ]);
  }
}

// Registration: valid metadata of every shape, and each way to get it wrong.
const REGISTRATIONS: Record<string, unknown> = {
  minimal: { redirect_uris: [CALLBACK] },
  'public client': { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' },
  'basic client': { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_basic' },
  'post client': { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_post' },
  'private_key_jwt client': { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'private_key_jwt' },
  'unknown auth method': { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'tls_client_auth' },
  'two redirect uris': { redirect_uris: [CALLBACK, 'http://localhost:4000/cb'] },
  'custom scheme redirect': { redirect_uris: ['com.example.app:/callback'] },
  'redirect with query': { redirect_uris: ['http://127.0.0.1:3000/cb?x=1'] },
  'redirect uppercase host': { redirect_uris: ['HTTP://LOCALHOST:3000'] },
  'relative redirect': { redirect_uris: ['/callback'] },
  'redirect not a string': { redirect_uris: [42] },
  'redirect_uris empty': { redirect_uris: [] },
  'redirect_uris null': { redirect_uris: null },
  'redirect_uris missing': { client_name: 'x' },
  'redirect_uris string': { redirect_uris: CALLBACK },
  'valid scope': { redirect_uris: [CALLBACK], scope: 'read write' },
  'invalid scope': { redirect_uris: [CALLBACK], scope: 'read delete' },
  'scope not a string': { redirect_uris: [CALLBACK], scope: ['read'] },
  'empty scope': { redirect_uris: [CALLBACK], scope: '' },
  'grant types both': { redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'] },
  'grant types code only': { redirect_uris: [CALLBACK], grant_types: ['authorization_code'] },
  'grant types with client_credentials': {
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  },
  'grant types number': { redirect_uris: [CALLBACK], grant_types: [1] },
  'grant types not a list': { redirect_uris: [CALLBACK], grant_types: 'authorization_code' },
  'response types token': { redirect_uris: [CALLBACK], response_types: ['token'] },
  'response types code and token': { redirect_uris: [CALLBACK], response_types: ['code', 'token'] },
  'all optional fields': {
    redirect_uris: [CALLBACK],
    client_name: 'Fidelity',
    client_uri: 'https://client.example/',
    logo_uri: 'https://client.example/logo.png',
    contacts: ['a@client.example'],
    tos_uri: 'https://client.example/tos',
    policy_uri: 'https://client.example/policy',
    jwks_uri: 'https://client.example/jwks',
    software_id: 'sw',
    software_version: '1.0',
  },
  'client_uri empty string': { redirect_uris: [CALLBACK], client_uri: '' },
  'logo_uri empty string': { redirect_uris: [CALLBACK], logo_uri: '' },
  'tos_uri empty string': { redirect_uris: [CALLBACK], tos_uri: '' },
  'policy_uri empty string': { redirect_uris: [CALLBACK], policy_uri: '' },
  'jwks_uri empty string': { redirect_uris: [CALLBACK], jwks_uri: '' },
  'client_uri not a url': { redirect_uris: [CALLBACK], client_uri: 'not a url' },
  'client_name number': { redirect_uris: [CALLBACK], client_name: 5 },
  'contacts not a list': { redirect_uris: [CALLBACK], contacts: 'a@b' },
  'unknown fields': {
    redirect_uris: [CALLBACK],
    color: 'blue',
    client_id: 'chosen',
    client_secret: 'chosen',
  },
  'client_id_issued_at given': { redirect_uris: [CALLBACK], client_id_issued_at: 1 },
  'body is a list': [CALLBACK],
  'body is a string': 'x',
  'body is null': null,
  'body is empty object': {},
};
for (const [label, body] of Object.entries(REGISTRATIONS)) {
  add(`register ${label}`, [{ method: 'POST', path: '/register', headers: JSON_HEADERS, body: json(body) }]);
}
const RAW_REGISTRATIONS: Record<string, Partial<WireStep>> = {
  'NaN literal': {
    body: `{"redirect_uris": ["${CALLBACK}"], "software_version": NaN}`,
    headers: JSON_HEADERS,
  },
  'form body': { body: form({ redirect_uris: CALLBACK }), headers: FORM_HEADERS },
  'text/plain json': { body: json({ redirect_uris: [CALLBACK] }), headers: { 'content-type': 'text/plain' } },
  'no content type json': { body: json({ redirect_uris: [CALLBACK] }) },
};
for (const [label, step] of Object.entries(RAW_REGISTRATIONS))
  add(`register ${label}`, [{ method: 'POST', path: '/register', ...step }]);

// Authorization: every parameter missing, wrong or repeated, in GET and POST.
add('authorize ok', [register(), authorize()]);
add('authorize ok without state', [register(), authorize({ state: undefined })]);
add('authorize ok without redirect_uri', [register(), authorize({ redirect_uri: undefined })]);
add('authorize ok without method', [register(), authorize({ code_challenge_method: undefined })]);
add('authorize ok with scope', [register(), authorize({ scope: 'read' })]);
add('authorize ok with resource', [register(), authorize({ resource: 'http://127.0.0.1:8000/mcp' })]);
add('authorize scope not registered', [register(), authorize({ scope: 'admin' })]);
add('authorize scope unknown', [register(), authorize({ scope: 'read delete' })]);
add('authorize missing client_id', [register(), authorize({ client_id: undefined })]);
add('authorize unknown client', [register(), authorize({ client_id: 'nobody' })]);
add('authorize missing response_type', [register(), authorize({ response_type: undefined })]);
add('authorize response_type token', [register(), authorize({ response_type: 'token' })]);
add('authorize missing code_challenge', [register(), authorize({ code_challenge: undefined })]);
add('authorize plain method', [register(), authorize({ code_challenge_method: 'plain' })]);
add('authorize redirect not registered', [
  register(),
  authorize({ redirect_uri: 'http://127.0.0.1:3001/callback' }),
]);
add('authorize redirect not a url', [register(), authorize({ redirect_uri: 'not a url' })]);
add('authorize redirect default port', [
  register({ redirect_uris: ['http://localhost:80/cb'] }),
  authorize({ redirect_uri: 'http://localhost/cb' }),
]);
add('authorize two redirects none given', [
  register({ redirect_uris: [CALLBACK, 'http://localhost:4000/cb'] }),
  authorize({ redirect_uri: undefined }),
]);
add('authorize unknown client missing challenge', [
  register(),
  authorize({ client_id: 'nobody', code_challenge: undefined }),
]);
add('authorize several errors', [
  register(),
  authorize({ response_type: 'token', code_challenge: undefined, code_challenge_method: 'plain' }),
]);
add('authorize no parameters', [{ method: 'GET', path: '/authorize' }]);
add('authorize repeated state', [
  register(),
  { method: 'GET', path: `/authorize?${authorizeQuery()}&state=second` },
]);
add('authorize POST form', [
  register(),
  { method: 'POST', path: '/authorize', headers: FORM_HEADERS, body: authorizeQuery() },
]);
add('authorize POST json', [
  register(),
  { method: 'POST', path: '/authorize', headers: JSON_HEADERS, body: '{}' },
]);
add('authorize HEAD', [register(), { method: 'HEAD', path: `/authorize?${authorizeQuery()}` }]);

// Token: client authentication, each grant and each failure.
add('token ok', [...withToken()]);
add('token code reused', [...withToken(), exchange()]);
add('token wrong verifier', [register(), authorize(), exchange({ code_verifier: 'x'.repeat(43) })]);
add('token missing verifier', [register(), authorize(), exchange({ code_verifier: undefined })]);
add('token missing code', [register(), authorize(), exchange({ code: undefined })]);
add('token unknown code', [register(), authorize(), exchange({ code: 'nope' })]);
add('token redirect mismatch', [
  register(),
  authorize(),
  exchange({ redirect_uri: 'http://127.0.0.1:3000/other' }),
]);
add('token redirect omitted', [register(), authorize(), exchange({ redirect_uri: undefined })]);
add('token missing client_id', [register(), authorize(), exchange({ client_id: undefined })]);
add('token unknown client', [register(), authorize(), exchange({ client_id: 'nobody' })]);
add('token missing grant_type', [register(), authorize(), exchange({ grant_type: undefined })]);
add('token client_credentials', [register(), exchange({ grant_type: 'client_credentials' })]);
add('token password grant', [register(), exchange({ grant_type: 'password' })]);
add('token json body', [
  register(),
  { method: 'POST', path: '/token', headers: JSON_HEADERS, body: json({ grant_type: 'authorization_code' }) },
]);
add('token empty body', [{ method: 'POST', path: '/token', headers: FORM_HEADERS, body: '' }]);
add('token post client ok', [
  register({ token_endpoint_auth_method: 'client_secret_post' }),
  authorize(),
  exchange({ client_secret: '{{client_secret}}' }),
]);
add('token post client no secret', [
  register({ token_endpoint_auth_method: 'client_secret_post' }),
  authorize(),
  exchange(),
]);
add('token post client wrong secret', [
  register({ token_endpoint_auth_method: 'client_secret_post' }),
  authorize(),
  exchange({ client_secret: 'wrong' }),
]);
add('token basic client ok', [
  register({ token_endpoint_auth_method: 'client_secret_basic' }),
  authorize(),
  exchange({}, { authorization: 'Basic {{basic}}' }),
]);
add('token basic client no header', [
  register({ token_endpoint_auth_method: 'client_secret_basic' }),
  authorize(),
  exchange(),
]);
add('token basic client garbage', [
  register({ token_endpoint_auth_method: 'client_secret_basic' }),
  authorize(),
  exchange({}, { authorization: 'Basic !!!' }),
]);
add('token basic client no colon', [
  register({ token_endpoint_auth_method: 'client_secret_basic' }),
  authorize(),
  exchange({}, { authorization: `Basic ${btoa('nocolon')}` }),
]);
add('token refresh ok', [
  ...withToken(),
  exchange({
    grant_type: 'refresh_token',
    refresh_token: '{{refresh_token}}',
    code: undefined,
    code_verifier: undefined,
    redirect_uri: undefined,
  }),
]);
const refresh = (fields: Record<string, string | undefined> = {}): WireStep =>
  exchange({
    grant_type: 'refresh_token',
    refresh_token: '{{refresh_token}}',
    code: undefined,
    code_verifier: undefined,
    redirect_uri: undefined,
    ...fields,
  });
add('token refresh narrower scope', [...withToken(), refresh({ scope: 'read' })]);
add('token refresh wider scope', [...withToken('read'), refresh({ scope: 'read admin' })]);
add('token refresh unknown', [...withToken(), refresh({ refresh_token: 'nope' })]);
add('token refresh missing', [...withToken(), refresh({ refresh_token: undefined })]);
add('token refresh rotated', [...withToken(), { ...refresh(), capture: [] }, refresh()]);
add('token refresh with access token', [...withToken(), refresh({ refresh_token: '{{access_token}}' })]);

// Revocation.
const revoke = (fields: Record<string, string | undefined>): WireStep => ({
  method: 'POST',
  path: '/revoke',
  headers: FORM_HEADERS,
  body: Object.entries({ client_id: '{{client_id}}', ...fields })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${v.startsWith('{{') ? v : encodeURIComponent(v)}`)
    .join('&'),
});
add('revoke access token', [...withToken(), revoke({ token: '{{access_token}}' }), mcp('POST', INITIALIZE)]);
add('revoke refresh token', [...withToken(), revoke({ token: '{{refresh_token}}' }), refresh()]);
add('revoke with hint', [
  ...withToken(),
  revoke({ token: '{{access_token}}', token_type_hint: 'access_token' }),
]);
add('revoke wrong hint', [
  ...withToken(),
  revoke({ token: '{{access_token}}', token_type_hint: 'id_token' }),
]);
add('revoke unknown token', [...withToken(), revoke({ token: 'nope' })]);
add('revoke missing token', [...withToken(), revoke({ token: undefined })]);
add('revoke unknown client', [...withToken(), revoke({ token: '{{access_token}}', client_id: 'nobody' })]);
add('revoke missing client_id', [
  ...withToken(),
  revoke({ token: '{{access_token}}', client_id: undefined }),
]);

// Bearer protection of /mcp.
const BEARERS: Record<string, string | undefined> = {
  none: undefined,
  'unknown token': 'Bearer nope',
  'lower-case scheme': 'bearer {{access_token}}',
  'upper-case scheme': 'BEARER {{access_token}}',
  'two spaces': 'Bearer  {{access_token}}',
  'trailing space': 'Bearer {{access_token}} ',
  'empty token': 'Bearer ',
  'basic scheme': 'Basic {{access_token}}',
  'token only': '{{access_token}}',
};
for (const [label, authorization] of Object.entries(BEARERS)) {
  for (const method of ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD']) {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: MCP_ACCEPT };
    if (authorization !== undefined) headers['authorization'] = authorization;
    const body = method === 'POST' ? json(INITIALIZE) : undefined;
    add(`bearer ${label} ${method}`, [
      ...withToken(),
      { method, path: '/mcp', headers, ...(body === undefined ? {} : { body }) },
    ]);
  }
}
add('bearer missing required scope', [...withToken('write'), mcp('POST', INITIALIZE)]);
add('bearer revoked then used', [
  ...withToken(),
  revoke({ token: '{{access_token}}' }),
  mcp('GET', undefined),
]);
add('bearer preflight without token', [
  {
    method: 'OPTIONS',
    path: '/mcp',
    headers: {
      origin: 'http://127.0.0.1:5173',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  },
]);

// DNS-rebinding protection: Host and Origin on the MCP endpoint.
const HOSTS = [
  '127.0.0.1:8000',
  'localhost:8000',
  'localhost',
  '[::1]:8000',
  'evil.example',
  'evil.example:8000',
  '127.0.0.1.evil.example:80',
];
for (const host of HOSTS) {
  add(`host ${host} initialize`, [...withToken(), initialize({ host })]);
  add(`host ${host} without token`, [
    { method: 'POST', path: '/mcp', headers: { host, ...JSON_HEADERS }, body: json(INITIALIZE) },
  ]);
  add(`host ${host} metadata`, [
    { method: 'GET', path: '/.well-known/oauth-authorization-server', headers: { host } },
  ]);
}
const ORIGINS = [
  'http://127.0.0.1:5173',
  'http://localhost:3000',
  'http://localhost',
  'http://[::1]:80',
  'https://localhost:3000',
  'https://app.example',
  'null',
  'http://127.0.0.1.evil.example:80',
];
for (const origin of ORIGINS) {
  add(`origin ${origin} initialize`, [...withToken(), initialize({ origin })]);
  add(`origin ${origin} GET`, [
    ...withSession(),
    mcp('GET', undefined, { ...IN_SESSION, origin, accept: 'text/event-stream' }, { stream: true }),
  ]);
}

// The MCP transport: content types, Accept, sessions, JSON-RPC shapes, methods.
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/jsonx',
  'APPLICATION/JSON',
  'text/plain, application/json',
];
for (const type of CONTENT_TYPES)
  add(`mcp content-type ${type}`, [...withToken(), initialize({ 'content-type': type })]);
add('mcp no content-type', [
  ...withToken(),
  {
    method: 'POST',
    path: '/mcp',
    headers: { authorization: 'Bearer {{access_token}}', accept: MCP_ACCEPT },
    body: json(INITIALIZE),
  },
]);
const ACCEPTS = [
  'application/json',
  'text/event-stream',
  '*/*',
  'application/json;q=0.9, text/event-stream',
  'text/event-stream, application/json',
];
for (const accept of ACCEPTS) add(`mcp accept ${accept}`, [...withToken(), initialize({ accept })]);
add('mcp no accept', [
  ...withToken(),
  {
    method: 'POST',
    path: '/mcp',
    headers: { authorization: 'Bearer {{access_token}}', ...JSON_HEADERS },
    body: json(INITIALIZE),
  },
]);

add('mcp initialize', [...withToken(), initialize()]);
add('mcp initialize then initialized', [...withSession()]);
for (const version of ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '1999-01-01']) {
  add(`mcp initialize protocol ${version}`, [
    ...withToken(),
    mcp('POST', { ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: version } }),
  ]);
  add(`mcp header protocol ${version}`, [
    ...withSession(),
    mcp(
      'POST',
      { jsonrpc: '2.0', id: 2, method: 'ping' },
      { ...IN_SESSION, 'mcp-protocol-version': version },
    ),
  ]);
}
add('mcp no protocol header', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': '{{session_id}}' }),
]);
add('mcp initialize without params', [
  ...withToken(),
  mcp('POST', { jsonrpc: '2.0', id: 1, method: 'initialize' }),
]);
add('mcp initialize string id', [...withToken(), mcp('POST', { ...INITIALIZE, id: 'abc' })]);
add('mcp initialize twice in session', [...withSession(), mcp('POST', { ...INITIALIZE, id: 7 }, IN_SESSION)]);
add('mcp initialize with unknown session', [
  ...withToken(),
  mcp('POST', INITIALIZE, { 'mcp-session-id': 'unknown-session' }),
]);
add('mcp ping without session', [...withToken(), mcp('POST', { jsonrpc: '2.0', id: 2, method: 'ping' })]);
add('mcp notification without session', [...withToken(), mcp('POST', INITIALIZED)]);
add('mcp ping unknown session', [
  ...withToken(),
  mcp('POST', { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': 'unknown-session' }),
]);
add('mcp ping', [...withSession(), mcp('POST', { jsonrpc: '2.0', id: 2, method: 'ping' }, IN_SESSION)]);
add('mcp ping before initialized', [
  ...withToken(),
  initialize(),
  mcp('POST', { jsonrpc: '2.0', id: 2, method: 'ping' }, IN_SESSION),
]);
add('mcp unknown method', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 3, method: 'nope/nothing' }, IN_SESSION),
]);
add('mcp unknown notification', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', method: 'notifications/nothing' }, IN_SESSION),
]);
add('mcp client response', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 99, result: {} }, IN_SESSION),
]);
add('mcp client error', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 99, error: { code: -1, message: 'x' } }, IN_SESSION),
]);
add('mcp parse error', [...withSession(), mcp('POST', '{not json', IN_SESSION)]);
add('mcp parse error without session', [...withToken(), mcp('POST', '{not json')]);
add('mcp empty body', [...withSession(), mcp('POST', '', IN_SESSION)]);
add('mcp invalid utf-8', [
  ...withSession(),
  { ...mcp('POST', undefined, IN_SESSION), bytes: [0x7b, 0xff, 0xfe, 0x7d] },
]);
add('mcp not json-rpc', [...withSession(), mcp('POST', { hello: 'world' }, IN_SESSION)]);
add('mcp wrong jsonrpc version', [
  ...withSession(),
  mcp('POST', { jsonrpc: '1.0', id: 2, method: 'ping' }, IN_SESSION),
]);
add('mcp null id', [...withSession(), mcp('POST', { jsonrpc: '2.0', id: null, method: 'ping' }, IN_SESSION)]);
add('mcp batch', [...withSession(), mcp('POST', [{ jsonrpc: '2.0', id: 2, method: 'ping' }], IN_SESSION)]);
add('mcp empty batch', [...withSession(), mcp('POST', [], IN_SESSION)]);
add('mcp batch initialize', [...withToken(), mcp('POST', [INITIALIZE])]);
add('mcp json array of numbers', [...withSession(), mcp('POST', [1, 2], IN_SESSION)]);
add('mcp number body', [...withSession(), mcp('POST', '42', IN_SESSION)]);
add('mcp tools/list', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 4, method: 'tools/list' }, IN_SESSION),
]);
add('mcp tools/call echo', [
  ...withSession(),
  mcp(
    'POST',
    { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hi' } } },
    IN_SESSION,
  ),
]);
add('mcp tools/call unknown tool', [
  ...withSession(),
  mcp(
    'POST',
    { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'nope', arguments: {} } },
    IN_SESSION,
  ),
]);
add('mcp tools/call bad arguments', [
  ...withSession(),
  mcp(
    'POST',
    { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'echo', arguments: { message: 5 } } },
    IN_SESSION,
  ),
]);
add('mcp tools/call without params', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 6, method: 'tools/call' }, IN_SESSION),
]);
add('mcp prompts/list', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 8, method: 'prompts/list' }, IN_SESSION),
]);
add('mcp resources/list', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 9, method: 'resources/list' }, IN_SESSION),
]);
add('mcp resources/templates/list', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 9, method: 'resources/templates/list' }, IN_SESSION),
]);
add('mcp logging/setLevel', [
  ...withSession(),
  mcp('POST', { jsonrpc: '2.0', id: 10, method: 'logging/setLevel', params: { level: 'info' } }, IN_SESSION),
]);
add('mcp completion/complete', [
  ...withSession(),
  mcp(
    'POST',
    {
      jsonrpc: '2.0',
      id: 11,
      method: 'completion/complete',
      params: { ref: { type: 'ref/prompt', name: 'x' }, argument: { name: 'a', value: 'b' } },
    },
    IN_SESSION,
  ),
]);
add('mcp GET with session', [
  ...withSession(),
  mcp('GET', undefined, { ...IN_SESSION, accept: 'text/event-stream' }, { stream: true }),
]);
add('mcp GET accept json only', [
  ...withSession(),
  mcp('GET', undefined, { ...IN_SESSION, accept: 'application/json' }),
]);
add('mcp GET without session', [...withToken(), mcp('GET', undefined, { accept: 'text/event-stream' })]);
add('mcp GET without session or accept', [...withToken(), mcp('GET', undefined, { accept: '' })]);
add('mcp GET unknown session', [
  ...withToken(),
  mcp('GET', undefined, { accept: 'text/event-stream', 'mcp-session-id': 'unknown-session' }),
]);
add('mcp GET bad protocol', [
  ...withSession(),
  mcp('GET', undefined, { ...IN_SESSION, accept: 'text/event-stream', 'mcp-protocol-version': 'bad' }),
]);
add('mcp GET with Last-Event-ID', [
  ...withSession(),
  mcp(
    'GET',
    undefined,
    { ...IN_SESSION, accept: 'text/event-stream', 'last-event-id': 'x' },
    { stream: true },
  ),
]);
add('mcp DELETE session', [...withSession(), mcp('DELETE', undefined, IN_SESSION)]);
add('mcp DELETE then POST', [
  ...withSession(),
  mcp('DELETE', undefined, IN_SESSION),
  mcp('POST', { jsonrpc: '2.0', id: 2, method: 'ping' }, IN_SESSION),
]);
add('mcp DELETE then GET', [
  ...withSession(),
  mcp('DELETE', undefined, IN_SESSION),
  mcp('GET', undefined, { ...IN_SESSION, accept: 'text/event-stream' }),
]);
add('mcp DELETE twice', [
  ...withSession(),
  mcp('DELETE', undefined, IN_SESSION),
  mcp('DELETE', undefined, IN_SESSION),
]);
add('mcp DELETE without session', [...withToken(), mcp('DELETE', undefined)]);
add('mcp DELETE unknown session', [
  ...withToken(),
  mcp('DELETE', undefined, { 'mcp-session-id': 'unknown-session' }),
]);
add('mcp DELETE bad protocol', [
  ...withSession(),
  mcp('DELETE', undefined, { ...IN_SESSION, 'mcp-protocol-version': 'bad' }),
]);
add('mcp session of another client', [
  ...withSession(),
  register({}, 'other_'),
  authorize({ client_id: '{{other_client_id}}', scope: 'read' }),
  {
    ...exchange({ client_id: '{{other_client_id}}' }),
    capture: [
      { name: 'other_token', from: 'json', key: 'access_token' },
      { name: 'other_refresh', from: 'json', key: 'refresh_token' },
    ],
  },
  mcp(
    'POST',
    { jsonrpc: '2.0', id: 2, method: 'ping' },
    { ...IN_SESSION, authorization: 'Bearer {{other_token}}' },
  ),
]);
add('mcp session of another token of the same client', [
  ...withSession(),
  authorize({ scope: 'read write admin' }),
  {
    ...exchange(),
    capture: [
      { name: 'second_token', from: 'json', key: 'access_token' },
      { name: 'second_refresh', from: 'json', key: 'refresh_token' },
    ],
  },
  mcp(
    'POST',
    { jsonrpc: '2.0', id: 2, method: 'ping' },
    { ...IN_SESSION, authorization: 'Bearer {{second_token}}' },
  ),
]);
for (const method of ['PUT', 'PATCH', 'OPTIONS']) {
  add(`mcp ${method} with token`, [...withToken(), mcp(method, undefined)]);
  add(`mcp ${method} with session`, [...withSession(), mcp(method, undefined, IN_SESSION)]);
}
add('mcp session id with space', [
  ...withToken(),
  mcp('POST', { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': 'a b' }),
]);
add('mcp /mcp/ with token', [...withToken(), { ...mcp('POST', INITIALIZE), path: '/mcp/' }]);
add('mcp query string', [...withToken(), { ...initialize(), path: '/mcp?x=1' }]);

// Bodies one byte over FastMCP's 4 MiB limit.
const OVERSIZED = 'x'.repeat(4 * 1024 * 1024 + 1);
add('oversized /token', [{ method: 'POST', path: '/token', headers: FORM_HEADERS, body: OVERSIZED }]);
add('oversized /register', [{ method: 'POST', path: '/register', headers: JSON_HEADERS, body: OVERSIZED }]);
add('oversized /authorize', [{ method: 'POST', path: '/authorize', headers: FORM_HEADERS, body: OVERSIZED }]);
add('oversized /revoke', [{ method: 'POST', path: '/revoke', headers: FORM_HEADERS, body: OVERSIZED }]);
add('oversized /mcp', [...withToken(), mcp('POST', OVERSIZED)]);

export const CORPUS: readonly FidelityCase[] = cases;
