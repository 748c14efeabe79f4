/**
 * Fuzzed HTTP requests for the mock, as plain data (so fast-check can print and shrink a failing one) and the
 * `Request` each stands for. Values are drawn from what the mock knows (its clients, a live token, a real PKCE
 * challenge) as often as from hostile strings, so requests get past the first checks and reach the deep ones.
 */
import fc from 'fast-check';
import {
  controlString,
  hostileBodyText,
  hostileJson,
  hostileString,
  hostileToken,
  hostileUrlAround,
} from './hostile-input.js';

/** A request as data. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: FuzzBody;
}

export type FuzzBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'form'; readonly pairs: ReadonlyArray<readonly [string, string]> }
  | {
      readonly kind: 'multipart';
      readonly pairs: ReadonlyArray<readonly [string, string]>;
      readonly broken: boolean;
    }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'raw'; readonly bytes: string | Uint8Array }
  | { readonly kind: 'oversized' };

/**
 * Stand-ins for the credentials of the run, replaced by live values just before each run's requests are sent (see
 * {@link substitute}): every run gets a fresh token pair, MCP session and authorization code.
 */
export const LIVE = {
  accessToken: '{{access token}}',
  refreshToken: '{{refresh token}}',
  sessionId: '{{session id}}',
  code: '{{code}}',
  verifier: '{{code verifier}}',
} as const;

/** What the mock under test knows, so requests can use real values. */
export interface KnownValues {
  readonly origin: string;
  readonly mcpPath: string;
  readonly paths: readonly string[];
  readonly clientIds: readonly string[];
  readonly secrets: readonly string[];
  readonly redirectUri: string;
  readonly resource: string;
  readonly challenge: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly sessionId: string;
}

/** One byte over the 4 MiB every endpoint accepts. */
const OVERSIZED_BODY = 'a='.padEnd(4 * 1024 * 1024 + 1, 'x');

export const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'M-SEARCH',
  'PROPFIND',
] as const;

/** The parameters of an authorization request. */
export const AUTHORIZE_PARAMETERS = [
  'client_id',
  'response_type',
  'code_challenge',
  'code_challenge_method',
  'redirect_uri',
  'state',
  'scope',
  'resource',
] as const;

export const OAUTH_PARAMETERS = [
  ...AUTHORIZE_PARAMETERS,
  'grant_type',
  'code',
  'code_verifier',
  'refresh_token',
  'client_secret',
  'token',
  'token_type_hint',
  'request_id',
  'anti_forgery_token',
  'decision',
  'request',
] as const;

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-16',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/json',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=zzz',
  'text/plain',
  'text/html',
  'application/xml',
  '*/*',
  ';;;',
  '',
] as const;

/** Header values as the Fetch API accepts them: bytes 0–255 without NUL, CR or LF, trimmed. */
export function headerSafe(value: string): string {
  const bytes = Array.from(value, (char) => {
    const code = char.charCodeAt(0);
    if (code === 0 || code > 0xff || char.length > 1) return '?';
    return char === '\r' || char === '\n' ? ' ' : char;
  });
  return bytes.join('').trim();
}

/** A value for a parameter: the real one the mock expects (often), another plausible one, or something hostile. */
export function parameterValue(known: KnownValues, name: string): fc.Arbitrary<string> {
  const real: Record<string, readonly string[]> = {
    client_id: known.clientIds,
    response_type: ['code', 'token', 'code id_token', ''],
    code_challenge: [known.challenge, known.challenge.slice(1)],
    code_challenge_method: ['S256', 'plain', 's256', ''],
    redirect_uri: [known.redirectUri],
    state: ['xyz'],
    scope: ['read', 'read write', 'admin', ' read', 'read  write', ''],
    resource: [known.resource, `${known.resource}/`, 'https://other.example/mcp', `${known.resource}#frag`],
    grant_type: ['authorization_code', 'refresh_token', 'client_credentials', 'password', ''],
    code: [LIVE.code, 'not-a-code'],
    code_verifier: [LIVE.verifier, 'v'.repeat(43), known.challenge],
    refresh_token: [known.refreshToken],
    client_secret: known.secrets,
    token: [known.accessToken, known.refreshToken],
    token_type_hint: ['access_token', 'refresh_token', 'id_token'],
    decision: ['approve', 'deny', 'APPROVE', ''],
    request: ['nope'],
  };
  const candidates = real[name] ?? [];
  const hostile =
    name === 'redirect_uri' || name === 'resource' ? hostileUrlAround(known.redirectUri) : hostileString();
  return candidates.length === 0
    ? hostile
    : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...candidates) }, { weight: 2, arbitrary: hostile });
}

/** Parameter pairs drawn from `names` (repeats allowed, so "last wins" is exercised) plus a few unknown ones. */
export function parameterPairs(
  known: KnownValues,
  names: readonly string[],
  maxLength = 10,
): fc.Arbitrary<Array<[string, string]>> {
  const pair = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...names)
        .chain((name) => parameterValue(known, name).map((value): [string, string] => [name, value])),
    },
    { weight: 1, arbitrary: fc.tuple(hostileToken(12), hostileString(20)) },
  );
  return fc.array(pair, { maxLength });
}

/**
 * Every parameter with its real value, then (mostly) one or two dropped or overridden: requests that are valid but
 * for a detail or two, so they reach the checks after the first ones. A repeated parameter's last value wins.
 */
export function nearlyValidPairs(
  known: KnownValues,
  base: Record<string, string>,
  names: readonly string[],
): fc.Arbitrary<Array<[string, string]>> {
  const dropped = fc.oneof(
    { weight: 3, arbitrary: fc.constant<string[]>([]) },
    { weight: 1, arbitrary: fc.subarray(Object.keys(base), { maxLength: 2 }) },
  );
  const overrides = fc.oneof(
    { weight: 1, arbitrary: fc.constant<Array<[string, string]>>([]) },
    { weight: 3, arbitrary: parameterPairs(known, names, 3) },
  );
  return fc
    .tuple(overrides, dropped)
    .map(([extra, gone]) => [...Object.entries(base).filter(([key]) => !gone.includes(key)), ...extra]);
}

/** Base64 of the UTF-8 bytes of `text` (lone surrogates become U+FFFD). */
function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Headers a client or an attacker may add: odd Host and Origin, preflight headers, duplicated Authorization. */
export function extraHeaders(known: KnownValues): fc.Arbitrary<Array<[string, string]>> {
  const bearer = fc.oneof(
    fc.constant(`Bearer ${known.accessToken}`),
    fc.constant(`bearer ${known.accessToken}`),
    fc.constant(`Bearer  ${known.accessToken} `),
    fc.constant(`Bearer ${known.refreshToken}`),
    hostileString(30).map((value) => `Bearer ${value}`),
    hostileString(30).map((value) => `Basic ${base64Utf8(value)}`),
    fc
      .tuple(fc.constantFrom(...known.clientIds), fc.constantFrom(...known.secrets, ''))
      .map(
        ([id, secret]) => `Basic ${base64Utf8(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`,
      ),
    fc.constantFrom('Basic', 'Basic ', 'Basic ###', 'Basic =', 'Bearer', 'Negotiate abc==', 'Basic Og=='),
  );
  const header = fc.oneof(
    bearer.map((value): [string, string] => ['authorization', value]),
    fc
      .constantFrom('null', 'http://evil.example', known.origin, 'file://', 'http://localhost:8000\u0085')
      .map((value): [string, string] => ['origin', value]),
    fc
      .constantFrom('evil.example', 'localhost:8000', 'a b', '', '[::1]', 'localhost:8000@evil.example')
      .map((value): [string, string] => ['host', value]),
    fc
      .constantFrom(...METHODS, 'post', '')
      .map((value): [string, string] => ['access-control-request-method', value]),
    fc
      .constantFrom('authorization', 'content-type', 'x-evil, authorization', ',,', 'Mcp-Session-Id')
      .map((value): [string, string] => ['access-control-request-headers', value]),
    fc.constantFrom(known.sessionId, 'nope', '').map((value): [string, string] => ['mcp-session-id', value]),
    fc
      .constantFrom('application/json, text/event-stream', 'text/html', '*/*', '')
      .map((value): [string, string] => ['accept', value]),
    fc
      .constantFrom('2025-06-18', '1999-01-01', '')
      .map((value): [string, string] => ['mcp-protocol-version', value]),
    fc
      .constantFrom('0', '1', '99999999999', '-1', 'abc', '4194305')
      .map((value): [string, string] => ['content-length', value]),
    fc.constantFrom('a=b', 'session=x; csrf=y').map((value): [string, string] => ['cookie', value]),
    fc
      .tuple(
        fc.constantFrom('x-forwarded-host', 'x-forwarded-proto', 'x-original-url', 'forwarded'),
        hostileString(20),
      )
      .map(([name, value]): [string, string] => [name, value]),
    fc
      .tuple(
        fc.constantFrom('x-anything', 'referer', 'user-agent'),
        fc.oneof(controlString(10), hostileString(20)),
      )
      .map(([name, value]): [string, string] => [name, value]),
  );
  return fc.array(header, { maxLength: 4 });
}

/** A body of any kind, with a matching or a mismatched content type. */
export function fuzzBody(
  known: KnownValues,
  names: readonly string[] = OAUTH_PARAMETERS,
  json: fc.Arbitrary<unknown> = hostileJson,
): fc.Arbitrary<{ body: FuzzBody; contentType: string | undefined }> {
  const anyType = fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined });
  return fc.oneof(
    {
      weight: 1,
      arbitrary: anyType.map((contentType) => ({ body: { kind: 'none' } as FuzzBody, contentType })),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(parameterPairs(known, names), anyType, fc.boolean())
        .map(([pairs, type, matching]) => ({
          body: { kind: 'form', pairs } as FuzzBody,
          contentType: matching ? 'application/x-www-form-urlencoded' : type,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(parameterPairs(known, names), fc.boolean()).map(([pairs, broken]) => ({
        body: { kind: 'multipart', pairs, broken } as FuzzBody,
        contentType: undefined,
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(json, anyType, fc.boolean()).map(([value, type, matching]) => ({
        body: { kind: 'json', value } as FuzzBody,
        contentType: matching ? 'application/json' : type,
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(hostileBodyText, anyType).map(([bytes, contentType]) => ({
        body: { kind: 'raw', bytes } as FuzzBody,
        contentType,
      })),
    },
    {
      weight: 1,
      arbitrary: anyType.map((contentType) => ({ body: { kind: 'oversized' } as FuzzBody, contentType })),
    },
  );
}

/** A path: one of the mock's, its trailing-slash twin, or one that only looks like it. */
export function fuzzPath(known: KnownValues): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known.paths) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...known.paths)
        .chain((path) =>
          fc.constantFrom(
            `${path}/`,
            `${path}//`,
            path.toUpperCase(),
            `/.${path}`,
            `${path}%2F`,
            `/x/..${path}`,
            `${path};x`,
            `//${path}`,
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/',
        '/%E2%9C%93',
        '/.well-known/',
        '/%00',
        '/..%2f..%2f',
        '/.well-known/openid-configuration',
      ),
    },
    {
      weight: 1,
      arbitrary: hostileToken(20).map(
        (tail) => `/${encodeURIComponent(tail.replace(/[\ud800-\udfff]/g, '\ufffd'))}`,
      ),
    },
  );
}

/** A request: a method, one of the paths, query parameters, extra headers and a body. */
export function fuzzRequest(
  known: KnownValues,
  options: {
    paths?: fc.Arbitrary<string>;
    methods?: fc.Arbitrary<string>;
    names?: readonly string[];
    json?: fc.Arbitrary<unknown>;
    query?: fc.Arbitrary<Array<[string, string]>>;
  } = {},
): fc.Arbitrary<FuzzRequest> {
  const names = options.names ?? OAUTH_PARAMETERS;
  return fc
    .record({
      method: options.methods ?? fc.constantFrom(...METHODS),
      path: options.paths ?? fuzzPath(known),
      query: options.query ?? parameterPairs(known, names, 6),
      headers: extraHeaders(known),
      payload: fuzzBody(known, names, options.json),
    })
    .map(({ method, path, query, headers, payload }) => {
      const withType: Array<[string, string]> =
        payload.contentType === undefined
          ? [...headers]
          : [['content-type', payload.contentType], ...headers];
      // GET and HEAD cannot carry a body in the Fetch API.
      const body = method === 'GET' || method === 'HEAD' ? ({ kind: 'none' } as const) : payload.body;
      return { method, path, query, headers: withType, body };
    });
}

function multipartBody(
  pairs: ReadonlyArray<readonly [string, string]>,
  broken: boolean,
): { text: string; type: string } {
  const boundary = '----fuzzboundary7MA4YWxkTrZu0gW';
  const parts = pairs.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/["\r\n]/g, '_')}"\r\n\r\n${value}\r\n`,
  );
  const text = broken ? `--${boundary}\r\nContent-Disp` : `${parts.join('')}--${boundary}--\r\n`;
  return { text, type: `multipart/form-data; boundary=${boundary}` };
}

/** The `Request` a fuzzed request stands for, against `origin`. */
export function toRequest(origin: string, fuzz: FuzzRequest): Request {
  const url = new URL(origin);
  url.pathname = fuzz.path;
  url.search = new URLSearchParams(fuzz.query.map(([key, value]) => [key, value])).toString();
  const headers = new Headers();
  for (const [name, value] of fuzz.headers) headers.append(name, headerSafe(value));
  let body: BodyInit | undefined;
  switch (fuzz.body.kind) {
    case 'none':
      break;
    case 'form':
      body = new URLSearchParams(fuzz.body.pairs.map(([key, value]) => [key, value])).toString();
      break;
    case 'multipart': {
      const multipart = multipartBody(fuzz.body.pairs, fuzz.body.broken);
      body = multipart.text;
      headers.set('content-type', multipart.type);
      break;
    }
    case 'json':
      body = JSON.stringify(fuzz.body.value) ?? 'undefined';
      break;
    case 'raw':
      body = fuzz.body.bytes as BodyInit;
      break;
    case 'oversized':
      body = OVERSIZED_BODY;
      break;
  }
  return new Request(url, {
    method: fuzz.method,
    headers,
    redirect: 'manual',
    ...(body === undefined ? {} : { body }),
  });
}

/** Replaces every stand-in (see {@link LIVE}) in a request's query, headers and body by its value. */
export function substitute(fuzz: FuzzRequest, values: Readonly<Record<string, string>>): FuzzRequest {
  const entries = Object.entries(values);
  const text = (value: string): string =>
    entries.reduce((result, [stand, live]) => result.replaceAll(stand, live), value);
  const pairs = (list: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> =>
    list.map(([key, value]) => [key, text(value)] as const);
  const deep = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(deep);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deep(item)]));
    }
    return value;
  };
  let body = fuzz.body;
  if (body.kind === 'form' || body.kind === 'multipart') body = { ...body, pairs: pairs(body.pairs) };
  if (body.kind === 'json') body = { kind: 'json', value: deep(body.value) };
  return { ...fuzz, query: pairs(fuzz.query), headers: pairs(fuzz.headers), body };
}
