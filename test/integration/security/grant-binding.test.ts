/**
 * Security properties of the authorization-code grant, against the mock's fetch handler in both spec modes, each
 * checked over many generated attempts (seeded: FUZZ_SEED, FUZZ_RUNS):
 *
 * - PKCE: no code without an S256 challenge; a code is redeemed only with the verifier that made its challenge;
 * - a code is bound to the redirect URI, the client and (with audience binding) the resource it was issued for;
 * - another client can neither refresh nor revoke your tokens.
 *
 * Single cases of these are in test/integration/mock-server (cases-authorize.ts, cases-token.ts,
 * cases-register-revoke.ts, beyond-fastmcp.test.ts); here each property is tried against attempts an attacker would
 * make, and must hold after all of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMockAuthServer,
  type ClientInformation,
  type MockAuthServer,
  type SpecMode,
} from '../../../mock-server/index.js';
import { clientAuthentication, pkcePair, type AuthMethod } from '../../fuzz/support/full-flow.js';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from '../../fuzz/support/fuzz-settings.js';
import { hostileString, hostileUrlAround } from '../../fuzz/support/hostile-input.js';

const BASE = 'http://localhost:8000';
const MCP_URL = `${BASE}/mcp`;
const CALLBACK = 'http://localhost:3000/callback';

const CLIENTS: readonly ClientInformation[] = [
  { client_id: 'victim', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none', scope: 'read write' },
  {
    client_id: 'public-attacker',
    redirect_uris: [CALLBACK],
    token_endpoint_auth_method: 'none',
    scope: 'read write',
  },
  {
    client_id: 'post-attacker',
    client_secret: 'post-secret',
    redirect_uris: [CALLBACK],
    token_endpoint_auth_method: 'client_secret_post',
    scope: 'read write',
  },
  {
    client_id: 'basic-attacker',
    client_secret: 'basic-secret',
    redirect_uris: [CALLBACK],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'read write',
  },
];
const VICTIM = CLIENTS[0] as ClientInformation;
const ATTACKERS = CLIENTS.slice(1);

const RUNS = {
  pkce: fuzzRuns(40),
  authorize: fuzzRuns(60),
  binding: fuzzRuns(40),
  crossClient: fuzzRuns(30),
};

function mockFor(spec: SpecMode): MockAuthServer {
  return createMockAuthServer({
    issuerUrl: BASE,
    spec,
    clients: [...CLIENTS],
    revocationOptions: { enabled: true },
  });
}

function send(mock: MockAuthServer, path: string, init: RequestInit = {}): Promise<Response> {
  return mock.fetch(new Request(new URL(path, BASE), { redirect: 'manual', ...init }));
}

/** POSTs a form to the token or revocation endpoint as `client` (its own way of authenticating). */
function postAs(
  mock: MockAuthServer,
  path: string,
  client: ClientInformation,
  fields: Record<string, string>,
): Promise<Response> {
  const auth = clientAuthentication(
    client.client_id,
    client.client_secret,
    (client.token_endpoint_auth_method ?? 'none') as AuthMethod,
  );
  return send(mock, path, {
    method: 'POST',
    headers: auth.headers,
    body: new URLSearchParams({ ...fields, ...auth.fields }),
  });
}

interface IssuedCode {
  code: string;
  verifier: string;
}

/** A code for the victim, its redirect URI explicit, bound to the MCP resource. */
async function issueCode(mock: MockAuthServer): Promise<IssuedCode> {
  const { verifier, challenge } = await pkcePair();
  const query = new URLSearchParams({
    client_id: VICTIM.client_id,
    response_type: 'code',
    code_challenge: challenge,
    redirect_uri: CALLBACK,
    resource: MCP_URL,
  });
  const response = await send(mock, `/authorize?${query.toString()}`);
  const code = new URL(response.headers.get('location') ?? '').searchParams.get('code');
  expect(code, 'the victim got a code').toBeTruthy();
  return { code: code ?? '', verifier };
}

function redeemFields(
  issued: IssuedCode,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    grant_type: 'authorization_code',
    code: issued.code,
    code_verifier: issued.verifier,
    redirect_uri: CALLBACK,
    resource: MCP_URL,
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

async function expectRefused(response: Response, errors: readonly string[]): Promise<void> {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  const body = (await response.json()) as { error?: string };
  expect(errors).toContain(body.error);
}

/** Status of an MCP request with the token: 400 (no session) while it is live, 401 once it is not. */
async function mcpStatus(mock: MockAuthServer, accessToken: string): Promise<number> {
  const response = await send(mock, '/mcp', {
    // Accepting SSE, an authenticated GET without a session is FastMCP's 400 Missing session ID.
    headers: { authorization: `Bearer ${accessToken}`, accept: 'text/event-stream' },
  });
  await response.body?.cancel();
  return response.status;
}

/** A guess at a code's verifier, as data (so a failing one prints): near misses of the real one, its challenge, junk. */
type Guess =
  | {
      kind:
        | 'challenge'
        | 'missing'
        | 'empty'
        | 'upper-case'
        | 'first dropped'
        | 'one more'
        | 'padded'
        | 'percent-encoded';
    }
  | { kind: 'flipped'; index: number }
  | { kind: 'other'; text: string };

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

const guesses: fc.Arbitrary<Guess> = fc.oneof(
  fc.constantFrom<Guess>(
    { kind: 'challenge' },
    { kind: 'missing' },
    { kind: 'empty' },
    { kind: 'upper-case' },
    { kind: 'first dropped' },
    { kind: 'one more' },
    { kind: 'padded' },
    { kind: 'percent-encoded' },
  ),
  fc.nat({ max: 42 }).map((index): Guess => ({ kind: 'flipped', index })),
  hostileString(64).map((text): Guess => ({ kind: 'other', text })),
  fc
    .string({ unit: fc.constantFrom(...UNRESERVED), minLength: 43, maxLength: 128 })
    .map((text): Guess => ({ kind: 'other', text })),
);

/** The verifier a guess sends (`undefined`: none at all); never the real one. */
function guessed(guess: Guess, verifier: string, challenge: string): string | undefined {
  switch (guess.kind) {
    case 'challenge':
      return challenge;
    case 'missing':
      return undefined;
    case 'empty':
      return '';
    case 'upper-case':
      return verifier.toUpperCase() === verifier ? `${verifier}A` : verifier.toUpperCase();
    case 'first dropped':
      return verifier.slice(1);
    case 'one more':
      return `${verifier}x`;
    case 'padded':
      return ` ${verifier} `;
    case 'percent-encoded':
      return `%${verifier.charCodeAt(0).toString(16).toUpperCase()}${verifier.slice(1)}`;
    case 'flipped': {
      const index = guess.index % verifier.length;
      return `${verifier.slice(0, index)}${verifier[index] === 'A' ? 'B' : 'A'}${verifier.slice(index + 1)}`;
    }
    case 'other':
      return guess.text === verifier ? `${guess.text}x` : guess.text;
  }
}

describe.each(['fastmcp', 'latest'] as const)(
  'the authorization-code grant is bound to who asked for it (spec: %s)',
  (spec) => {
    it(
      `PKCE: no code is issued without an S256 challenge, whatever else the request says (${RUNS.authorize} runs)`,
      async () => {
        const mock = mockFor(spec);
        await fc.assert(
          fc.asyncProperty(
            fc.option(
              fc.oneof(
                fc.constantFrom('plain', 'PLAIN', 's256', 'S256 ', 'S512', '', 'none'),
                hostileString(10),
              ),
              { nil: undefined },
            ),
            fc.option(fc.oneof(fc.constantFrom('', ' '), hostileString(60)), { nil: undefined }),
            async (method, challenge) => {
              const query = new URLSearchParams({
                client_id: VICTIM.client_id,
                response_type: 'code',
                redirect_uri: CALLBACK,
              });
              if (method !== undefined) query.set('code_challenge_method', method);
              if (challenge !== undefined) query.set('code_challenge', challenge);
              const response = await send(mock, `/authorize?${query.toString()}`);
              const location = response.headers.get('location');
              const code = location === null ? null : new URL(location).searchParams.get('code');
              // FastMCP reads an omitted method as S256, and takes any present challenge string.
              const s256 = method === undefined || method === 'S256';
              if (!s256 || challenge === undefined) expect(code).toBeNull();
            },
          ),
          fuzzParameters(RUNS.authorize),
        );
      },
      fuzzTimeout(RUNS.authorize, 20),
    );

    it(
      `PKCE: a code is redeemed only with the verifier that made its challenge, never with its challenge (${RUNS.pkce} runs)`,
      async () => {
        const mock = mockFor(spec);
        await fc.assert(
          fc.asyncProperty(fc.array(guesses, { minLength: 1, maxLength: 4 }), async (attempts) => {
            const issued = await issueCode(mock);
            const challenge = await challengeOf(issued.verifier);
            for (const guess of attempts) {
              const codeVerifier = guessed(guess, issued.verifier, challenge);
              await expectRefused(
                await postAs(mock, '/token', VICTIM, redeemFields(issued, { code_verifier: codeVerifier })),
                codeVerifier === undefined ? ['invalid_request'] : ['invalid_grant'],
              );
            }
            expect((await postAs(mock, '/token', VICTIM, redeemFields(issued))).status).toBe(200);
          }),
          fuzzParameters(RUNS.pkce),
        );
      },
      fuzzTimeout(RUNS.pkce, 50),
    );

    it(
      `a code is bound to its redirect URI, its client${spec === 'latest' ? ' and its resource' : ''}: any other is refused, and the code still works for its owner (${RUNS.binding} runs)`,
      async () => {
        const mock = mockFor(spec);
        // The same URL written differently (padding and control characters the URL parser strips) is the same URI.
        const otherRedirect = hostileUrlAround(CALLBACK).filter(
          (uri) => !URL.canParse(uri) || new URL(uri).href !== CALLBACK,
        );
        const otherResource = hostileUrlAround(MCP_URL).filter(
          (uri) => URL.canParse(uri) && new URL(uri).href !== MCP_URL,
        );
        const attempt = fc.oneof(
          otherRedirect.map((redirect) => ({
            kind: 'redirect_uri',
            client: VICTIM,
            overrides: { redirect_uri: redirect },
          })),
          fc.constant({ kind: 'redirect_uri', client: VICTIM, overrides: { redirect_uri: undefined } }),
          fc.constantFrom(...ATTACKERS).map((client) => ({ kind: 'client', client, overrides: {} })),
          ...(spec === 'latest'
            ? [
                otherResource.map((resource) => ({
                  kind: 'resource',
                  client: VICTIM,
                  overrides: { resource },
                })),
              ]
            : []),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(attempt, { minLength: 1, maxLength: 4 }), async (attempts) => {
            const issued = await issueCode(mock);
            for (const { client, overrides } of attempts) {
              const response = await postAs(mock, '/token', client, redeemFields(issued, overrides));
              expect(response.status, JSON.stringify({ client: client.client_id, overrides })).not.toBe(200);
              await expectRefused(response, [
                'invalid_grant',
                'invalid_request',
                'invalid_target',
                'unauthorized_client',
              ]);
            }
            expect((await postAs(mock, '/token', VICTIM, redeemFields(issued))).status).toBe(200);
          }),
          fuzzParameters(RUNS.binding),
        );
      },
      fuzzTimeout(RUNS.binding, 50),
    );

    it(
      `another client can neither refresh nor revoke your tokens, whichever way it asks (${RUNS.crossClient} runs)`,
      async () => {
        const mock = mockFor(spec);
        const attack = fc.record({
          attacker: fc.constantFrom(...ATTACKERS),
          action: fc.constantFrom('refresh', 'revoke-access', 'revoke-refresh'),
          hint: fc.constantFrom(undefined, 'access_token', 'refresh_token'),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(attack, { minLength: 1, maxLength: 4 }), async (attacks) => {
            const issued = await issueCode(mock);
            const tokens = (await (await postAs(mock, '/token', VICTIM, redeemFields(issued))).json()) as {
              access_token: string;
              refresh_token: string;
            };
            for (const { attacker, action, hint } of attacks) {
              if (action === 'refresh') {
                await expectRefused(
                  await postAs(mock, '/token', attacker, {
                    grant_type: 'refresh_token',
                    refresh_token: tokens.refresh_token,
                  }),
                  ['invalid_grant'],
                );
              } else {
                const token = action === 'revoke-access' ? tokens.access_token : tokens.refresh_token;
                const fields: Record<string, string> = { token, client_secret: attacker.client_secret ?? '' };
                if (hint !== undefined) fields['token_type_hint'] = hint;
                // RFC 7009: the answer is the same as for a token of one's own (200), and nothing is revoked.
                expect((await postAs(mock, '/revoke', attacker, fields)).status).toBe(200);
              }
            }
            expect(await mcpStatus(mock, tokens.access_token)).toBe(400);
            const refreshed = await postAs(mock, '/token', VICTIM, {
              grant_type: 'refresh_token',
              refresh_token: tokens.refresh_token,
            });
            expect(refreshed.status).toBe(200);
          }),
          fuzzParameters(RUNS.crossClient),
        );
      },
      fuzzTimeout(RUNS.crossClient, 50),
    );
  },
);

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  let binary = '';
  for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
