/**
 * Fuzzed requests aimed at one endpoint each: a valid request with some parameters dropped, repeated or replaced by
 * hostile values, sent the ways a client (or an attacker) may send it. They reach the checks a purely random request
 * never gets past.
 */
import fc from 'fast-check';
import { hostileJson, hostileString, hostileToken, hostileUrlAround } from './hostile-input.js';
import {
  AUTHORIZE_PARAMETERS,
  extraHeaders,
  LIVE,
  nearlyValidPairs,
  type FuzzBody,
  type FuzzRequest,
  type KnownValues,
} from './fuzz-requests.js';

type Pairs = ReadonlyArray<readonly [string, string]>;

/** How the parameters travel: the query of a GET, a form, a multipart form, JSON (not a form to FastMCP). */
const ENCODINGS = ['query', 'form', 'form', 'form', 'form', 'form', 'multipart', 'json'] as const;

function carry(
  method: string,
  encoding: (typeof ENCODINGS)[number],
  pairs: Pairs,
): { query: Pairs; body: FuzzBody; type?: string } {
  if (method === 'GET' || method === 'HEAD' || encoding === 'query') {
    return { query: pairs, body: { kind: 'none' } };
  }
  if (encoding === 'multipart') return { query: [], body: { kind: 'multipart', pairs, broken: false } };
  if (encoding === 'json') {
    return { query: [], body: { kind: 'json', value: Object.fromEntries(pairs) }, type: 'application/json' };
  }
  return { query: [], body: { kind: 'form', pairs }, type: 'application/x-www-form-urlencoded' };
}

function oauthRequest(
  known: KnownValues,
  path: string,
  methods: readonly string[],
  base: Record<string, string>,
  names: readonly string[],
  baseHeaders: ReadonlyArray<readonly [string, string]> = [],
): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.constantFrom(...methods),
      encoding: fc.constantFrom(...ENCODINGS),
      pairs: nearlyValidPairs(known, base, names),
      headers: fc.oneof(fc.constant<Array<[string, string]>>([]), extraHeaders(known)),
    })
    .map(({ method, encoding, pairs, headers }) => {
      const { query, body, type } = carry(method, encoding, pairs);
      const all = [...baseHeaders, ...headers];
      return {
        method,
        path,
        query,
        body,
        headers: type === undefined ? all : [['content-type', type] as const, ...all],
      };
    });
}

/** /authorize by GET, HEAD and POST, hostile values in every parameter (`redirect_uri`, `state`, `scope` above all). */
export function authorizeRequest(
  known: KnownValues,
  clientId: fc.Arbitrary<string>,
): fc.Arbitrary<FuzzRequest> {
  return clientId.chain((client) =>
    oauthRequest(
      known,
      '/authorize',
      ['GET', 'GET', 'GET', 'POST', 'POST', 'HEAD'],
      {
        client_id: client,
        response_type: 'code',
        code_challenge: known.challenge,
        code_challenge_method: 'S256',
        redirect_uri: known.redirectUri,
        state: 'xyz',
        scope: 'read',
        resource: known.resource,
      },
      AUTHORIZE_PARAMETERS,
    ),
  );
}

const TOKEN_PARAMETERS = [
  'grant_type',
  'code',
  'code_verifier',
  'redirect_uri',
  'client_id',
  'client_secret',
  'refresh_token',
  'scope',
  'resource',
];

/** Client authentication as each pre-registered client sends it: form fields, and a Basic header for the third. */
function clientAuthentications(
  known: KnownValues,
): fc.Arbitrary<{ fields: Record<string, string>; headers: Array<readonly [string, string]> }> {
  const [publicId = '', postId = '', basicId = ''] = known.clientIds;
  const [postSecret = '', basicSecret = ''] = known.secrets;
  let binary = '';
  for (const byte of new TextEncoder().encode(
    `${encodeURIComponent(basicId)}:${encodeURIComponent(basicSecret)}`,
  )) {
    binary += String.fromCharCode(byte);
  }
  return fc.constantFrom(
    { fields: { client_id: publicId, client_secret: '' }, headers: [] },
    { fields: { client_id: postId, client_secret: postSecret }, headers: [] },
    {
      fields: { client_id: basicId, client_secret: '' },
      headers: [['authorization', `Basic ${btoa(binary)}`] as const],
    },
  );
}

/** /token for both grants and every way of authenticating (or failing to), and /revoke. */
export function tokenOrRevokeRequest(known: KnownValues): fc.Arbitrary<FuzzRequest> {
  const tokenMethods = ['POST', 'POST', 'POST', 'POST', 'OPTIONS', 'PUT'];
  const codeGrant = clientAuthentications(known).chain(({ fields, headers }) =>
    oauthRequest(
      known,
      '/token',
      tokenMethods,
      {
        grant_type: 'authorization_code',
        code: LIVE.code,
        code_verifier: LIVE.verifier,
        redirect_uri: known.redirectUri,
        resource: known.resource,
        ...fields,
      },
      TOKEN_PARAMETERS,
      headers,
    ),
  );
  const refreshGrant = clientAuthentications(known).chain(({ fields, headers }) =>
    oauthRequest(
      known,
      '/token',
      tokenMethods,
      {
        grant_type: 'refresh_token',
        refresh_token: known.refreshToken,
        scope: 'read',
        resource: known.resource,
        ...fields,
      },
      TOKEN_PARAMETERS,
      headers,
    ),
  );
  const revocation = clientAuthentications(known).chain(({ fields, headers }) =>
    oauthRequest(
      known,
      '/revoke',
      ['POST', 'POST', 'POST', 'POST', 'OPTIONS', 'GET'],
      { token: known.accessToken, token_type_hint: 'access_token', ...fields },
      ['token', 'token_type_hint', 'client_id', 'client_secret'],
      headers,
    ),
  );
  return fc.oneof(codeGrant, refreshGrant, revocation);
}

/** RFC 7591 metadata with fields dropped, retyped or replaced by hostile values; sometimes not JSON at all. */
export function registerRequest(known: KnownValues): fc.Arbitrary<FuzzRequest> {
  const base: Record<string, unknown> = {
    redirect_uris: [known.redirectUri],
    client_name: 'fuzz',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'read',
    client_uri: 'https://app.example/',
    logo_uri: 'https://app.example/logo.png',
    contacts: ['admin@app.example'],
    jwks: { keys: [] },
    software_id: 'fuzz',
  };
  const fields = Object.keys(base);
  const value = fc.oneof(
    hostileJson,
    hostileString(),
    hostileUrlAround(known.redirectUri),
    fc.array(hostileUrlAround(known.redirectUri), { maxLength: 3 }),
    fc.array(hostileString(20), { maxLength: 3 }),
    fc.constantFrom(
      'none',
      'client_secret_post',
      'client_secret_basic',
      'private_key_jwt',
      'tls_client_auth',
    ),
  );
  const metadata = fc
    .record({
      dropped: fc.oneof(fc.constant<string[]>([]), fc.subarray(fields, { maxLength: 3 })),
      replaced: fc.array(
        fc.tuple(fc.constantFrom(...fields, '__proto__', 'client_id', 'client_secret'), value),
        { maxLength: 3 },
      ),
    })
    .map(({ dropped, replaced }) => {
      const document: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(base)) if (!dropped.includes(key)) document[key] = item;
      for (const [key, item] of replaced)
        Object.defineProperty(document, key, {
          value: item,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return document;
    });
  return fc
    .record({
      method: fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'OPTIONS'),
      document: fc.oneof({ weight: 4, arbitrary: metadata }, { weight: 1, arbitrary: hostileJson }),
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
      ),
      headers: fc.oneof(fc.constant<Array<[string, string]>>([]), extraHeaders(known)),
    })
    .map(({ method, document, contentType, headers }) => ({
      method,
      path: '/register',
      query: [],
      body: { kind: 'json', value: document } as FuzzBody,
      headers: [['content-type', contentType] as const, ...headers],
    }));
}

/** Placeholders a consent request carries, replaced at send time by the values of two real pending requests. */
export const CONSENT_PLACEHOLDERS = {
  requestA: '{{request A}}',
  tokenA: '{{token A}}',
  requestB: '{{request B}}',
  tokenB: '{{token B}}',
} as const;

/**
 * The consent page and its form: mostly a request's own form (approve or deny), else with the other request's id or
 * anti-forgery value, a guessed one, a field missing or repeated, or sent the wrong way.
 */
export function consentRequest(known: KnownValues): fc.Arbitrary<FuzzRequest> {
  const { requestA, tokenA, requestB, tokenB } = CONSENT_PLACEHOLDERS;
  const own = fc.constantFrom([requestA, tokenA], [requestB, tokenB]);
  const crossed = fc.constantFrom(
    [requestA, tokenB],
    [requestB, tokenA],
    [requestA, requestA],
    [tokenA, requestA],
  );
  const guessed = fc.tuple(
    fc.constantFrom(requestA, requestB, ''),
    fc.oneof(hostileToken(30), fc.constantFrom('', `${tokenA}x`, tokenA.slice(1))),
  );
  const idAndToken = fc.oneof(
    { weight: 3, arbitrary: own },
    { weight: 2, arbitrary: crossed },
    { weight: 1, arbitrary: guessed },
  );
  const decision = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('approve', 'deny') },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('APPROVE', '', 'approve '), hostileString(10)) },
  );
  const extra = fc.array(
    fc.oneof(
      fc.constantFrom(requestA, requestB).map((value): [string, string] => ['request_id', value]),
      fc.constantFrom(tokenA, tokenB).map((value): [string, string] => ['anti_forgery_token', value]),
      decision.map((value): [string, string] => ['decision', value]),
      fc.tuple(hostileToken(10), hostileString(10)),
    ),
    { maxLength: 2 },
  );
  const form = fc
    .tuple(
      idAndToken,
      decision,
      fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: extra }),
      fc.oneof(
        { weight: 4, arbitrary: fc.constant<string[]>([]) },
        {
          weight: 1,
          arbitrary: fc.subarray(['request_id', 'anti_forgery_token', 'decision'], { maxLength: 1 }),
        },
      ),
    )
    .map(([[id, antiForgery], choice, more, dropped]) =>
      (
        [
          ['request_id', id ?? ''],
          ['anti_forgery_token', antiForgery ?? ''],
          ['decision', choice],
        ] as Array<[string, string]>
      )
        .filter(([key]) => !dropped.includes(key))
        .concat(more),
    );
  const page = fc
    .record({
      id: fc.oneof(fc.constantFrom(requestA, requestB, tokenA), hostileToken(30)),
      method: fc.constantFrom('GET', 'GET', 'HEAD', 'PUT'),
      headers: fc.oneof(fc.constant<Array<[string, string]>>([]), extraHeaders(known)),
    })
    .map(({ id, method, headers }) => ({
      method,
      path: '/consent',
      query: [['request', id] as const],
      body: { kind: 'none' } as FuzzBody,
      headers,
    }));
  const submit = fc
    .record({
      pairs: form,
      headers: fc.oneof(fc.constant<Array<[string, string]>>([]), extraHeaders(known)),
      encoding: fc.constantFrom('form', 'form', 'form', 'form', 'multipart', 'query', 'json'),
    })
    .map(({ pairs, headers, encoding }) => {
      const { query, body, type } = carry('POST', encoding, pairs);
      return {
        method: 'POST',
        path: '/consent',
        query,
        body,
        headers: type === undefined ? headers : [['content-type', type] as const, ...headers],
      };
    });
  return fc.oneof({ weight: 1, arbitrary: page }, { weight: 3, arbitrary: submit });
}

const TOOL_NAMES = ['whoami', 'echo', 'elevated_echo', 'nope', '', '__proto__'] as const;

/** JSON-RPC messages, valid and not: initialize, tool calls with hostile arguments, notifications, batches. */
function jsonRpcMessage(): fc.Arbitrary<unknown> {
  const id = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), fc.constant({}));
  const call = fc.record({
    jsonrpc: fc.constantFrom('2.0', '2.0', '2.0', '1.0'),
    id: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 1000 }) }, { weight: 1, arbitrary: id }),
    method: fc.constant('tools/call'),
    params: fc.record({
      name: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...TOOL_NAMES) },
        { weight: 1, arbitrary: hostileString(20) },
      ),
      arguments: fc.oneof(
        { weight: 3, arbitrary: fc.record({ message: hostileString(50) }) },
        { weight: 1, arbitrary: hostileJson },
      ),
    }),
  });
  const other = fc.record({
    jsonrpc: fc.constant('2.0'),
    id,
    method: fc.constantFrom(
      'initialize',
      'tools/list',
      'ping',
      'resources/list',
      'prompts/get',
      'notifications/initialized',
      'nope',
      '',
    ),
    params: fc.oneof(
      fc.constant({
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'fuzz', version: '1' },
      }),
      hostileJson,
    ),
  });
  const message = fc.oneof(
    { weight: 4, arbitrary: call },
    { weight: 3, arbitrary: other },
    { weight: 1, arbitrary: fc.record({ jsonrpc: fc.constant('2.0'), id, result: hostileJson }) },
    { weight: 1, arbitrary: hostileJson },
  );
  return fc.oneof(
    { weight: 4, arbitrary: message },
    { weight: 1, arbitrary: fc.array(message, { maxLength: 4 }) },
  );
}

/** The MCP endpoint: live or hostile bearer tokens and session ids, any Accept, JSON-RPC bodies valid and not. */
export function mcpRequest(known: KnownValues): fc.Arbitrary<FuzzRequest> {
  const authorization = fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${known.accessToken}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `Bearer ${known.refreshToken}`,
        `Basic ${known.accessToken}`,
        'Bearer',
        `Bearer ${known.accessToken}x`,
      ),
    },
    { weight: 1, arbitrary: hostileToken(40).map((value) => `Bearer ${value}`) },
  );
  const session = fc.oneof(
    { weight: 3, arbitrary: fc.constant(known.sessionId) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: hostileToken(40) },
  );
  const accept = fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json, text/event-stream') },
    { weight: 1, arbitrary: fc.constantFrom('application/json', 'text/event-stream', '*/*', undefined) },
  );
  return fc
    .record({
      method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'DELETE', 'OPTIONS', 'PUT'),
      authorization: fc.oneof(
        { weight: 9, arbitrary: authorization },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      session,
      accept,
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/json; charset=utf-8', '') },
      ),
      message: jsonRpcMessage(),
      headers: fc.oneof(
        { weight: 3, arbitrary: fc.constant<Array<[string, string]>>([]) },
        { weight: 1, arbitrary: extraHeaders(known) },
      ),
    })
    .map(
      ({ method, authorization: auth, session: id, accept: acceptValue, contentType, message, headers }) => {
        const all: Array<readonly [string, string]> = [['content-type', contentType], ...headers];
        if (auth !== undefined) all.push(['authorization', auth]);
        if (id !== undefined) all.push(['mcp-session-id', id]);
        if (acceptValue !== undefined) all.push(['accept', acceptValue]);
        const body: FuzzBody =
          method === 'GET' || method === 'OPTIONS' ? { kind: 'none' } : { kind: 'json', value: message };
        return { method, path: known.mcpPath, query: [], headers: all, body };
      },
    );
}
