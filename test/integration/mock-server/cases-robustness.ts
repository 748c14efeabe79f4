/** Cases: bad input of every kind gets a 4xx (never a 5xx) and leaves state intact. */
import { expect } from 'vitest';
import { InMemoryProvider } from '../../../mock-server/index.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../../mock-server/settings.js';
import {
  POST_CLIENT,
  PUBLIC_CLIENT,
  authorize,
  baseSettings,
  clientFields,
  expectJsonError,
  location,
  pkcePair,
  postForm,
  refresh,
  type AuthServerCase,
  type CaseContext,
  type TokenSet,
} from './helpers.js';

/** Parses fine, but overflows the stack when serialised: `{"redirect_uris":[…],"jwks":[[[…]]]}`. */
const DEEPLY_NESTED_JSON = `{"redirect_uris":["http://x/cb"],"jwks":${'['.repeat(20000)}${']'.repeat(20000)}}`;

/** One byte over the 4 MiB every OAuth endpoint accepts. */
const OVERSIZED_BODY = 'a='.padEnd(DEFAULT_MAX_BODY_BYTES + 1, 'x');

const OAUTH_PATHS = ['/authorize', '/token', '/register', '/revoke'];

/** A code (not yet redeemed) and a token set, obtained through consent or auto-approval alike. */
interface HeldState {
  readonly code: { code: string; verifier: string };
  readonly tokens: TokenSet;
  readonly clientCount: number | undefined;
}

async function approvedCode(
  t: CaseContext,
  client: typeof PUBLIC_CLIENT,
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = await pkcePair();
  let target = location(
    await authorize(t, {
      client_id: client.client_id,
      response_type: 'code',
      code_challenge: challenge,
    }),
  );
  if (target.pathname === '/consent') {
    const page = await (await t.fetch(target.href)).text();
    const fields: Record<string, string> = { decision: 'approve' };
    for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields[match[1] ?? ''] = match[2] ?? '';
    }
    target = location(await postForm(t, '/consent', fields));
  }
  const code = target.searchParams.get('code');
  expect(code, `no code in ${target.href}`).toBeTruthy();
  return { code: code ?? '', verifier };
}

function redeem(t: CaseContext, client: typeof PUBLIC_CLIENT, code: { code: string; verifier: string }) {
  return postForm(t, '/token', {
    grant_type: 'authorization_code',
    code: code.code,
    code_verifier: code.verifier,
    ...clientFields(client),
  });
}

function clientCount(t: CaseContext): number | undefined {
  return t.provider instanceof InMemoryProvider ? t.provider.clientCount : undefined;
}

/** Obtains a working token set and an unredeemed code before the bad requests. */
async function holdState(t: CaseContext): Promise<HeldState> {
  const issued = await redeem(t, PUBLIC_CLIENT, await approvedCode(t, PUBLIC_CLIENT));
  expect(issued.status).toBe(200);
  const tokens = (await issued.json()) as TokenSet;
  return { code: await approvedCode(t, POST_CLIENT), tokens, clientCount: clientCount(t) };
}

/** The bad requests stored no client, and the earlier code and tokens still work. */
async function expectStateSurvived(t: CaseContext, held: HeldState): Promise<void> {
  if (t.provider !== undefined) expect(clientCount(t)).toBe(held.clientCount);
  const mcp = await t.fetch(`${t.baseUrl}/mcp`, {
    headers: { authorization: `Bearer ${held.tokens.access_token}`, accept: 'text/event-stream' },
  });
  // Authenticated (not 401): only the missing session is wrong.
  expect(mcp.status).toBe(400);
  await mcp.body?.cancel();
  expect((await redeem(t, POST_CLIENT, held.code)).status).toBe(200);
  expect((await refresh(t, PUBLIC_CLIENT, held.tokens.refresh_token)).status).toBe(200);
}

const PATHS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-protected-resource/mcp',
  '/authorize',
  '/token',
  '/register',
  '/revoke',
  '/consent',
  '/token/',
  '/%E2%9C%93',
];

const BODIES = [
  '',
  'garbage',
  '%%%&&==',
  '{}',
  '[1,"x"]',
  'client_id=%ZZ&grant_type=%C3%28&code=\u2713\u0000',
  DEEPLY_NESTED_JSON,
];
const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/json',
  'multipart/form-data',
  'text/plain; charset=utf-8',
];

export const robustnessCases: AuthServerCase[] = [
  {
    name: 'robustness: every route answers garbage with a 2xx-4xx, never a 5xx, and state survives',
    settings: (baseUrl) =>
      baseSettings(baseUrl, {
        approval: 'consent',
        clientRegistrationOptions: { enabled: true },
        revocationOptions: { enabled: true },
      }),
    async run(t) {
      const held = await holdState(t);
      const seen = new Set<number>();
      for (const path of PATHS) {
        for (const method of ['GET', 'HEAD', 'DELETE']) {
          const response = await t.fetch(`${t.baseUrl}${path}?client_id=%FF&state=%&scope=\u2713`, {
            method,
            redirect: 'manual',
          });
          seen.add(response.status);
          expect(response.status, `${method} ${path}`).toBeLessThan(500);
          await response.body?.cancel();
        }
        for (const method of ['POST', 'PUT', 'OPTIONS']) {
          for (const body of BODIES) {
            for (const contentType of CONTENT_TYPES) {
              const response = await t.fetch(`${t.baseUrl}${path}`, {
                method,
                body,
                headers: { 'content-type': contentType, authorization: 'Basic ###', origin: 'null' },
                redirect: 'manual',
              });
              seen.add(response.status);
              expect(
                response.status,
                `${method} ${path} ${contentType} ${JSON.stringify(body.slice(0, 60))}`,
              ).toBeLessThan(500);
              await response.body?.cancel();
            }
          }
        }
      }
      for (const path of OAUTH_PATHS) {
        for (const contentType of ['application/x-www-form-urlencoded', 'application/json']) {
          const response = await t.fetch(`${t.baseUrl}${path}`, {
            method: 'POST',
            body: OVERSIZED_BODY,
            headers: { 'content-type': contentType },
            redirect: 'manual',
          });
          seen.add(response.status);
          expect(response.status, `oversized ${contentType} to ${path}`).toBe(413);
          await response.body?.cancel();
        }
      }
      expect([...seen].sort()).toEqual(expect.arrayContaining([200, 307, 400, 401, 404, 405, 413]));
      await expectStateSurvived(t, held);
    },
  },
  {
    name: 'robustness: /register refuses deeply nested JSON with invalid_client_metadata and stores nothing',
    settings: (baseUrl) => baseSettings(baseUrl, { clientRegistrationOptions: { enabled: true } }),
    async run(t) {
      const held = await holdState(t);
      const response = await t.fetch(`${t.baseUrl}/register`, {
        method: 'POST',
        body: DEEPLY_NESTED_JSON,
        headers: { 'content-type': 'application/json' },
      });
      await expectJsonError(response, 400, {
        error: 'invalid_client_metadata',
        error_description: 'JSON is nested deeper than 64 levels',
      });
      await expectStateSurvived(t, held);
    },
  },
  {
    name: 'robustness: tokens issued before a storm of bad requests still work after it',
    settings: (baseUrl) => baseSettings(baseUrl, { revocationOptions: { enabled: true } }),
    async run(t) {
      const held = await holdState(t);
      const { tokens } = held;
      for (const body of BODIES) {
        for (const path of ['/token', '/revoke', '/authorize']) {
          const response = await t.fetch(`${t.baseUrl}${path}`, {
            method: 'POST',
            body: `${body}&token=${tokens.refresh_token.slice(0, 10)}&refresh_token=${tokens.refresh_token}x`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            redirect: 'manual',
          });
          expect(response.status).toBeLessThan(500);
          await response.body?.cancel();
        }
      }
      await expectStateSurvived(t, held);
    },
  },
];
