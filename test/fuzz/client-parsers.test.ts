/**
 * The client's parsers under fuzzing: whatever a server sends — a `WWW-Authenticate` header, protected-resource or
 * authorization-server metadata, a token, refresh or revocation response — the client ends with a value of the
 * documented shape or a typed `McpAuthError`, never another exception. Every error's text is clean and bounded and
 * never quotes a secret of the request (code, verifier, client secret, Basic credentials) or a token of the answer.
 * Titles give the run counts (FUZZ_RUNS changes them, FUZZ_SEED the seed).
 */
import fc from 'fast-check';
import type { AuthorizationServer } from 'oauth4webapi';
import { afterAll, describe, expect, it } from 'vitest';
import { processAuthorizationServerMetadata } from '../../src/discovery/authorization-server-metadata.js';
import { resourceMatchesServer } from '../../src/discovery/resource-check.js';
import { processResourceMetadata, selectIssuer } from '../../src/discovery/resource-metadata.js';
import { bearerChallenge, parseWwwAuthenticate } from '../../src/discovery/www-authenticate.js';
import { McpAuthError } from '../../src/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES, type HttpContext } from '../../src/http.js';
import type { ClientIdentity } from '../../src/identity/client-identity.js';
import type { JsonObject } from '../../src/json.js';
import { KnownSecrets } from '../../src/known-secrets.js';
import { MESSAGE_LIMIT, SERVER_CODE_LIMIT, SERVER_TEXT_LIMIT } from '../../src/server-text.js';
import { exchangeCode, refreshTokens, revokeToken } from '../../src/tokens/token-requests.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../../src/tokens/token-lifetime.js';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from './support/fuzz-settings.js';
import {
  hostileJson,
  hostileString,
  hostileToken,
  hostileUrlAround,
  INJECTIONS,
} from './support/hostile-input.js';

const RUNS = {
  challengeSafety: fuzzRuns(1000),
  challengeRoundTrip: fuzzRuns(500),
  resourceMetadata: fuzzRuns(500),
  serverMetadata: fuzzRuns(500),
  tokenResponses: fuzzRuns(400),
};

let inputsFuzzed = 0;
afterAll(() => {
  console.log(`[fuzz] client parsers: ${inputsFuzzed} inputs fuzzed`);
});

const CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** Every text of a typed error is clean, bounded, and quotes none of `secrets`. */
function expectSafeError(error: unknown, secrets: readonly string[] = []): void {
  if (!(error instanceof McpAuthError))
    throw new Error(`not an McpAuthError: ${String(error)}`, { cause: error });
  const texts: Array<[string, string | undefined, number]> = [
    ['message', error.message, MESSAGE_LIMIT],
    ['serverError', error.serverError, SERVER_CODE_LIMIT],
    ['serverErrorDescription', error.serverErrorDescription, SERVER_TEXT_LIMIT],
  ];
  for (const [field, text, limit] of texts) {
    if (text === undefined) continue;
    expect(text.length, field).toBeLessThanOrEqual(limit);
    expect(CONTROL_OR_INVISIBLE.test(text), `${field} has control characters: ${JSON.stringify(text)}`).toBe(
      false,
    );
    for (const secret of secrets) expect(text, `${field} quotes a secret`).not.toContain(secret);
  }
}

// ---------------------------------------------------------------- WWW-Authenticate

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const rfcToken = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });

/** A challenge as an RFC 9110 server writes it: a scheme and parameters with quoted values (any text, escaped). */
const paramName = fc.oneof(
  rfcToken,
  fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty'),
);

const wellFormedChallenge = fc.record({
  scheme: rfcToken,
  params: fc.uniqueArray(
    fc.tuple(
      paramName,
      fc.string({
        unit: fc.oneof(fc.constantFrom('"', '\\', ',', ' ', '='), fc.string({ minLength: 1, maxLength: 1 })),
        maxLength: 30,
      }),
    ),
    { maxLength: 5, selector: ([name]) => name.toLowerCase() },
  ),
});

function writeChallenge(challenge: {
  scheme: string;
  params: ReadonlyArray<readonly [string, string]>;
}): string {
  const params = challenge.params.map(
    ([name, value]) => `${name}="${value.replace(/["\\]/g, (char) => `\\${char}`)}"`,
  );
  return params.length === 0 ? challenge.scheme : `${challenge.scheme} ${params.join(', ')}`;
}

/** Header values a server (or something in between) may send: real challenges, then anything at all. */
const hostileHeader = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(wellFormedChallenge, { minLength: 1, maxLength: 3 })
      .map((list) => list.map(writeChallenge).join(', ')),
  },
  {
    weight: 5,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(
            'Bearer',
            'bearer',
            'DPoP',
            'Basic',
            'Negotiate',
            ',',
            ' ',
            '=',
            '"',
            '\\',
            'realm=',
            'error=',
            'resource_metadata=',
            'scope="',
            'error_description="',
          ),
          hostileString(30),
          fc.constantFrom(...INJECTIONS),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join('')),
  },
  { weight: 3, arbitrary: hostileString(200) },
  // As long as a header gets (Node's fetch refuses headers over 16 KiB).
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      `Bearer ${'a="b", '.repeat(2300)}`,
      `Bearer error_description="${'\\'.repeat(16_000)}`,
      `${'Bearer '.repeat(2300)}`,
    ),
  },
);

describe('WWW-Authenticate', () => {
  it(
    `any header parses to challenges of the documented shape, and the bearer challenge's text is clean, bounded and scrubbed (${RUNS.challengeSafety} runs)`,
    () => {
      const secret = fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/);
      fc.assert(
        fc.property(
          hostileHeader,
          secret,
          fc.constantFrom('prefix ', '"', ' error_description="', ''),
          (header, token, glue) => {
            inputsFuzzed += 1;
            const withSecret = `${header}${glue}${token}`;
            for (const challenge of parseWwwAuthenticate(withSecret)) {
              expect(challenge.scheme).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
              for (const [name, value] of Object.entries(challenge.params)) {
                expect(name).toBe(name.toLowerCase());
                expect(typeof value).toBe('string');
              }
            }
            const bearer = bearerChallenge(withSecret, [token]);
            if (bearer === undefined) return;
            expect(['bearer', 'dpop']).toContain(bearer.scheme);
            for (const [text, limit] of [
              [bearer.error, SERVER_CODE_LIMIT],
              [bearer.errorDescription, SERVER_TEXT_LIMIT],
            ] as const) {
              if (text === undefined) continue;
              expect(text.length).toBeLessThanOrEqual(limit);
              expect(CONTROL_OR_INVISIBLE.test(text)).toBe(false);
              expect(text).not.toContain(token);
            }
          },
        ),
        fuzzParameters(RUNS.challengeSafety),
      );
    },
    fuzzTimeout(RUNS.challengeSafety, 5),
  );

  it(`reads back exactly what a well-formed header says, challenge by challenge (${RUNS.challengeRoundTrip} runs)`, () => {
    fc.assert(
      fc.property(fc.array(wellFormedChallenge, { minLength: 1, maxLength: 4 }), (challenges) => {
        inputsFuzzed += 1;
        const parsed = parseWwwAuthenticate(challenges.map(writeChallenge).join(', '));
        expect(
          parsed.map((challenge) => ({ scheme: challenge.scheme, params: challenge.params })),
        ).toStrictEqual(
          challenges.map((challenge) => ({
            scheme: challenge.scheme.toLowerCase(),
            params: Object.fromEntries(challenge.params.map(([name, value]) => [name.toLowerCase(), value])),
          })),
        );
      }),
      fuzzParameters(RUNS.challengeRoundTrip),
    );
  });
});

// ---------------------------------------------------------------- metadata

const MCP_URL = new URL('https://mcp.example.com/mcp');
const PRM_URL = new URL('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
const ISSUER = 'https://auth.example.com';
const AS_METADATA_URL = new URL('https://auth.example.com/.well-known/oauth-authorization-server');

/** A value that is right, nearly right, or anything at all. */
function someValue<T>(right: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: right },
    { weight: 1, arbitrary: hostileJson },
    { weight: 1, arbitrary: hostileString(40) },
  );
}

/** A JSON object built from `fields` (each present or not), plus unknown and prototype-polluting fields. */
function documentOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<JsonObject | undefined> {
  const document = fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.dictionary(
        fc.oneof(hostileToken(10), fc.constantFrom('__proto__', 'constructor', 'toString')),
        hostileJson,
        { maxKeys: 3 },
      ),
    )
    // Through JSON text, as a document arrives: `__proto__` becomes an own field, never a prototype.
    .map(([known, extra]) => JSON.parse(JSON.stringify({ ...extra, ...known })) as JsonObject);
  return fc.oneof({ weight: 9, arbitrary: document }, { weight: 1, arbitrary: fc.constant(undefined) });
}

const serverUrls = fc.array(
  someValue(fc.oneof(fc.constant(ISSUER), fc.constant(`${ISSUER}/`), hostileUrlAround(ISSUER))),
  { maxLength: 3 },
);

describe('metadata documents', () => {
  it(
    `protected-resource metadata: a document for this server, or a typed error; the issuer chosen is one it lists (${RUNS.resourceMetadata} runs)`,
    () => {
      const document = documentOf({
        resource: someValue(
          fc.oneof(
            fc.constant(MCP_URL.href),
            fc.constant('https://mcp.example.com/'),
            hostileUrlAround(MCP_URL.href),
          ),
        ),
        authorization_servers: someValue(serverUrls),
        scopes_supported: someValue(fc.array(hostileToken(20), { maxLength: 4 })),
        bearer_methods_supported: someValue(fc.constant(['header'])),
      });
      fc.assert(
        fc.property(
          document,
          fc.option(fc.constantFrom(ISSUER, `${ISSUER}/`, 'https://other.example'), { nil: undefined }),
          (body, preferred) => {
            inputsFuzzed += 1;
            let metadata;
            try {
              metadata = processResourceMetadata(body, PRM_URL, MCP_URL);
            } catch (error) {
              expectSafeError(error);
              return;
            }
            expect(resourceMatchesServer(metadata.resource, MCP_URL)).toBe(true);
            const servers = metadata.authorization_servers;
            if (servers !== undefined)
              expect(servers.every((server) => typeof server === 'string')).toBe(true);
            const scopes = metadata.scopes_supported;
            if (scopes !== undefined) expect(scopes.every((scope) => typeof scope === 'string')).toBe(true);
            try {
              const { issuer, issuerUrl } = selectIssuer(metadata, MCP_URL, preferred);
              expect(servers ?? []).toContain(issuer);
              expect(issuerUrl.href).toBe(new URL(issuer).href);
            } catch (error) {
              expectSafeError(error);
            }
          },
        ),
        fuzzParameters(RUNS.resourceMetadata),
      );
    },
    fuzzTimeout(RUNS.resourceMetadata, 5),
  );

  it(
    `authorization-server metadata: usable endpoints for exactly this issuer, or a typed error (${RUNS.serverMetadata} runs)`,
    () => {
      const endpoint = (path: string): fc.Arbitrary<unknown> =>
        someValue(fc.oneof(fc.constant(`${ISSUER}${path}`), hostileUrlAround(`${ISSUER}${path}`)));
      const list = (values: readonly string[]): fc.Arbitrary<unknown> => someValue(fc.subarray([...values]));
      const document = documentOf({
        issuer: someValue(
          fc.constantFrom(ISSUER, `${ISSUER}/`, 'https://evil.example', ISSUER.toUpperCase()),
        ),
        authorization_endpoint: endpoint('/authorize'),
        token_endpoint: endpoint('/token'),
        registration_endpoint: endpoint('/register'),
        revocation_endpoint: endpoint('/revoke'),
        scopes_supported: list(['read', 'write']),
        code_challenge_methods_supported: list(['S256', 'plain']),
        token_endpoint_auth_methods_supported: list(['none', 'client_secret_post', 'client_secret_basic']),
        revocation_endpoint_auth_methods_supported: list(['none', 'client_secret_post']),
        response_types_supported: list(['code']),
      });
      fc.assert(
        fc.property(document, (body) => {
          inputsFuzzed += 1;
          let metadata: AuthorizationServer;
          try {
            metadata = processAuthorizationServerMetadata(body, AS_METADATA_URL, ISSUER);
          } catch (error) {
            expectSafeError(error);
            return;
          }
          expect(metadata.issuer).toBe(ISSUER);
          for (const field of ['authorization_endpoint', 'token_endpoint'] as const) {
            expect(URL.canParse(String(metadata[field]))).toBe(true);
          }
          for (const field of ['registration_endpoint', 'revocation_endpoint'] as const) {
            if (metadata[field] !== undefined) expect(URL.canParse(String(metadata[field]))).toBe(true);
          }
          for (const field of [
            'scopes_supported',
            'code_challenge_methods_supported',
            'token_endpoint_auth_methods_supported',
          ] as const) {
            const value = metadata[field];
            if (value !== undefined)
              expect(Array.isArray(value) && value.every((item) => typeof item === 'string')).toBe(true);
          }
        }),
        fuzzParameters(RUNS.serverMetadata),
      );
    },
    fuzzTimeout(RUNS.serverMetadata, 5),
  );
});

// ---------------------------------------------------------------- token endpoint answers

const TOKEN_AS: AuthorizationServer = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  revocation_endpoint: `${ISSUER}/revoke`,
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
};

/** Stand-ins for the run's secrets and the answer's own tokens, replaced in every string of the answer. */
const SECRET = {
  code: '{{code}}',
  verifier: '{{verifier}}',
  clientSecret: '{{client secret}}',
  access: '{{access}}',
  refresh: '{{refresh}}',
};

/** Text that may quote a secret: a stand-in alone, or inside other text the way an echoing server writes it. */
const maybeSecret = fc.oneof(
  fc.constantFrom(...Object.values(SECRET)),
  fc
    .tuple(hostileString(20), fc.constantFrom(...Object.values(SECRET)), hostileString(20))
    .map((parts) => parts.join(' ')),
  fc.constantFrom(...Object.values(SECRET)).map((stand) => `client_secret=${stand}&code=${SECRET.code}`),
  hostileString(60),
);

const tokenResponseBody = fc.record(
  {
    access_token: fc.oneof(
      { weight: 4, arbitrary: fc.constant(SECRET.access) },
      { weight: 1, arbitrary: someValue(maybeSecret) },
    ),
    token_type: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('Bearer', 'bearer', 'BEARER') },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom('DPoP', 'mac', 'N_A', ''), maybeSecret, hostileJson) },
    ),
    expires_in: fc.oneof(
      fc.constantFrom(
        3600,
        0,
        -1,
        0.5,
        1e308,
        -1e308,
        Number.MAX_SAFE_INTEGER,
        '3600',
        ' 60 ',
        '1e308',
        '-5',
        'soon',
        null,
        true,
        {},
        [3600],
      ),
      fc.double({ noNaN: true }),
      fc.integer(),
    ),
    scope: fc.oneof(fc.constantFrom('read', 'read write', '', '  read  '), hostileString(40), hostileJson),
    refresh_token: fc.oneof(
      { weight: 3, arbitrary: fc.constant(SECRET.refresh) },
      { weight: 1, arbitrary: someValue(maybeSecret) },
    ),
    id_token: fc.constantFrom('not.a.jwt', 'eyJhbGciOiJub25lIn0.e30.'),
  },
  { requiredKeys: [] },
);

const errorResponseBody = fc.record(
  {
    error: fc.oneof(
      fc.constantFrom(
        'invalid_grant',
        'invalid_client',
        'invalid_request',
        'unauthorized_client',
        'invalid_scope',
      ),
      maybeSecret,
      hostileJson,
    ),
    error_description: fc.oneof(maybeSecret, hostileJson, fc.constant('x'.repeat(100_000))),
    error_uri: fc.oneof(maybeSecret, fc.constant('https://docs.example/error')),
  },
  { requiredKeys: [] },
);

interface FuzzedAnswer {
  status: number;
  contentType: string | undefined;
  wwwAuthenticate: string | undefined;
  body: { kind: 'json'; value: unknown } | { kind: 'text'; text: string | Uint8Array } | { kind: 'huge' };
}

const answers: fc.Arbitrary<FuzzedAnswer> = fc.record({
  status: fc.constantFrom(200, 200, 200, 200, 201, 204, 302, 400, 400, 401, 403, 404, 429, 500, 503),
  contentType: fc.constantFrom(
    'application/json',
    'application/json;charset=UTF-8',
    'text/html',
    'application/jwt',
    undefined,
  ),
  wwwAuthenticate: fc.option(
    fc.oneof(
      hostileHeader,
      maybeSecret.map((text) => `Bearer error="invalid_token", error_description="${text}"`),
    ),
    { nil: undefined },
  ),
  body: fc.oneof(
    {
      weight: 25,
      arbitrary: fc
        .oneof(tokenResponseBody, errorResponseBody)
        .map((value) => ({ kind: 'json' as const, value })),
    },
    {
      weight: 5,
      arbitrary: fc
        .oneof(hostileString(200), fc.uint8Array({ maxLength: 100 }), maybeSecret)
        .map((text) => ({ kind: 'text' as const, text })),
    },
    { weight: 5, arbitrary: hostileJson.map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'huge' as const }) },
  ),
});

const HUGE = `{"access_token":"${'a'.repeat(DEFAULT_MAX_RESPONSE_BYTES)}","token_type":"Bearer"}`;

/** The answer as a Response, with every stand-in replaced by the run's value (through JSON text, as a server sends). */
function toResponse(answer: FuzzedAnswer, values: Readonly<Record<string, string>>): Response {
  const fill = (text: string): string =>
    Object.entries(values).reduce((result, [stand, value]) => result.replaceAll(stand, value), text);
  const body =
    answer.body.kind === 'huge'
      ? HUGE
      : answer.body.kind === 'json'
        ? fill(JSON.stringify(answer.body.value) ?? 'null')
        : typeof answer.body.text === 'string'
          ? fill(answer.body.text)
          : answer.body.text;
  const headers = new Headers();
  if (answer.contentType !== undefined) headers.set('content-type', answer.contentType);
  if (answer.wwwAuthenticate !== undefined) {
    const header = fill(answer.wwwAuthenticate).replace(/[^\u0020-\u007e\u0080-\u00ff\t]/g, '?');
    headers.set('www-authenticate', header);
  }
  if (answer.status === 302) headers.set('location', 'https://elsewhere.example/token');
  const empty = answer.status === 204;
  return new Response(empty ? null : (body as BodyInit), { status: answer.status, headers });
}

const secretValue = fc.stringMatching(/^[A-Za-z0-9_~.-]{16,48}$/);

/** The tokens an answer hands over (its `access_token` and `refresh_token` strings, stand-ins replaced). */
function tokensIn(body: unknown, values: Readonly<Record<string, string>>): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const record = body as Record<string, unknown>;
  return ['access_token', 'refresh_token'].flatMap((field) => {
    const value = record[field];
    if (typeof value !== 'string') return [];
    const filled = Object.entries(values).reduce(
      (result, [stand, live]) => result.replaceAll(stand, live),
      value,
    );
    return filled.length >= 4 ? [filled] : [];
  });
}

describe('token endpoint answers', () => {
  it(
    `code exchange, refresh and revocation end in a usable token set or a typed error that quotes no secret (${RUNS.tokenResponses} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          answers,
          fc.constantFrom('exchange', 'refresh', 'revoke'),
          fc.constantFrom('none', 'client_secret_post', 'client_secret_basic'),
          fc.record({
            code: secretValue,
            verifier: secretValue,
            clientSecret: secretValue,
            access: secretValue,
            refresh: secretValue,
            oldAccess: secretValue,
            oldRefresh: secretValue,
          }),
          async (answer, operation, method, secrets) => {
            inputsFuzzed += 1;
            const values = {
              [SECRET.code]: secrets.code,
              [SECRET.verifier]: secrets.verifier,
              [SECRET.clientSecret]: secrets.clientSecret,
              [SECRET.access]: secrets.access,
              [SECRET.refresh]: secrets.refresh,
            };
            const ctx: HttpContext = {
              fetch: async () => toResponse(answer, values),
              timeoutMs: 5000,
              allowInsecureHttp: false,
              maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
              secrets: new KnownSecrets(),
            };
            const identity: ClientIdentity = {
              issuer: ISSUER,
              clientId: 'client-1',
              redirectUri: 'https://app.example/callback',
              source: 'pre-registered',
              tokenEndpointAuthMethod: method,
              ...(method === 'none' ? {} : { clientSecret: secrets.clientSecret }),
            };
            // What the client knows is secret: what it sent (per operation), its client secret, and any token the answer carries.
            const sent = {
              exchange: [secrets.code, secrets.verifier],
              refresh: [secrets.oldAccess, secrets.oldRefresh],
              revoke: [secrets.oldRefresh],
            }[operation];
            const credentials =
              method === 'none'
                ? []
                : [secrets.clientSecret, btoa(`client-1:${encodeURIComponent(secrets.clientSecret)}`)];
            const issued = answer.body.kind === 'json' ? tokensIn(answer.body.value, values) : [];
            const forbidden = [...sent, ...credentials, ...issued];
            const now = Date.now();
            try {
              if (operation === 'revoke') {
                const result = await revokeToken(ctx, {
                  as: TOKEN_AS,
                  identity,
                  token: secrets.oldRefresh,
                  hint: 'refresh_token',
                });
                expect(typeof result.emptySecret).toBe('boolean');
                return;
              }
              const tokens =
                operation === 'exchange'
                  ? await exchangeCode(ctx, {
                      as: TOKEN_AS,
                      identity,
                      code: secrets.code,
                      codeVerifier: secrets.verifier,
                      redirectUri: identity.redirectUri,
                      resource: 'https://mcp.example.com/mcp',
                      requestedScopes: ['read'],
                    })
                  : await refreshTokens(ctx, {
                      as: TOKEN_AS,
                      identity,
                      tokens: {
                        accessToken: secrets.oldAccess,
                        refreshToken: secrets.oldRefresh,
                        scopes: ['read'],
                      },
                      resource: 'https://mcp.example.com/mcp',
                    });
              expect(typeof tokens.accessToken).toBe('string');
              expect(tokens.accessToken).not.toBe('');
              expect(tokens.scopes.every((scope) => typeof scope === 'string')).toBe(true);
              if (tokens.refreshToken !== undefined) expect(typeof tokens.refreshToken).toBe('string');
              if (tokens.expiresAt !== undefined) {
                expect(Number.isFinite(tokens.expiresAt)).toBe(true);
                expect(tokens.expiresAt).toBeGreaterThan(now - 1000);
                expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + MAX_TOKEN_LIFETIME_SECONDS * 1000);
              }
            } catch (error) {
              expectSafeError(error, forbidden);
            }
          },
        ),
        fuzzParameters(RUNS.tokenResponses),
      );
    },
    fuzzTimeout(RUNS.tokenResponses, 30),
  );
});
