/**
 * The consent page resists forgery and escapes everything it echoes, in both spec modes:
 *
 * - only a pending request's own form approves it: another request's anti-forgery value, a guessed one, or a GET
 *   that carries `decision=approve` approves nothing, and both requests stay approvable by their own forms;
 * - whatever a client registered (id, name, scopes) or asked for, the page's markup is its own: the values appear as
 *   text, exactly (checked over generated hostile values), and the page cannot be framed or run a script.
 *
 * Single cases: test/integration/mock-server/cases-consent.ts (a missing or guessed value, one `<script>` name). The
 * fuzz suite (test/fuzz/mock-server.test.ts) also checks, under random forms, that no foreign form ever approves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMockAuthServer,
  type ClientInformation,
  type MockAuthServer,
  type SpecMode,
} from '../../../mock-server/index.js';
import { consentFormFields, pkcePair, unescapeHtml } from '../../fuzz/support/full-flow.js';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from '../../fuzz/support/fuzz-settings.js';
import { hostileString, hostileToken } from '../../fuzz/support/hostile-input.js';
import { foreignConsentPageTags } from '../../fuzz/support/mock-oracle.js';

const BASE = 'http://localhost:8000';
const CALLBACK = 'http://localhost:3000/callback';
const CLIENT: ClientInformation = {
  client_id: 'app',
  client_name: 'App',
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'none',
  scope: 'read',
};
const RUNS = fuzzRuns(60);

/** `String.prototype.toWellFormed` (ES2024): lone surrogates become U+FFFD, as UTF-8 encoding makes them. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function send(mock: MockAuthServer, url: string, init: RequestInit = {}): Promise<Response> {
  return mock.fetch(new Request(new URL(url, BASE), { redirect: 'manual', ...init }));
}

/** Starts an authorization that waits on the consent page; returns the page's URL. */
async function pendingConsent(
  mock: MockAuthServer,
  client: ClientInformation,
  scope?: string,
): Promise<string> {
  const { challenge } = await pkcePair();
  const query = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    code_challenge: challenge,
    redirect_uri: CALLBACK,
  });
  if (scope !== undefined) query.set('scope', scope);
  const response = await send(mock, `/authorize?${query.toString()}`);
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(location.pathname).toBe('/consent');
  return location.href;
}

async function formOf(mock: MockAuthServer, pageUrl: string): Promise<Record<string, string>> {
  return consentFormFields(await (await send(mock, pageUrl)).text());
}

function submit(mock: MockAuthServer, fields: Record<string, string>): Promise<Response> {
  return send(mock, '/consent', { method: 'POST', body: new URLSearchParams(fields) });
}

describe.each(['fastmcp', 'latest'] as const)('the consent page (spec: %s)', (spec: SpecMode) => {
  const consentMock = (clients: ClientInformation[] = [CLIENT]): MockAuthServer =>
    createMockAuthServer({ issuerUrl: BASE, spec, approval: 'consent', clients });

  it("refuses a form carrying another request's anti-forgery value, and approves each request with its own", async () => {
    const mock = consentMock();
    const first = await formOf(mock, await pendingConsent(mock, CLIENT));
    const second = await formOf(mock, await pendingConsent(mock, CLIENT));
    expect(first['anti_forgery_token']).not.toBe(second['anti_forgery_token']);
    for (const forged of [
      { ...first, anti_forgery_token: second['anti_forgery_token'] ?? '' },
      { ...second, anti_forgery_token: first['anti_forgery_token'] ?? '' },
      { ...first, anti_forgery_token: first['request_id'] ?? '' },
      { request_id: first['request_id'] ?? '', anti_forgery_token: `${first['anti_forgery_token'] ?? ''} ` },
    ]) {
      const response = await submit(mock, { ...forged, decision: 'approve' });
      expect(response.status).toBe(403);
      expect(response.headers.get('location')).toBeNull();
    }
    for (const own of [first, second]) {
      const approved = await submit(mock, { ...own, decision: 'approve' });
      expect(approved.status).toBe(302);
      expect(new URL(approved.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy();
    }
  });

  it('approves nothing on a GET, even one that carries the form and decision=approve', async () => {
    const mock = consentMock();
    const pageUrl = new URL(await pendingConsent(mock, CLIENT));
    const fields = await formOf(mock, pageUrl.href);
    const sneaky = new URL(pageUrl);
    for (const [key, value] of Object.entries({ ...fields, decision: 'approve' }))
      sneaky.searchParams.set(key, value);
    for (const method of ['GET', 'HEAD']) {
      const response = await send(mock, sneaky.href, { method });
      expect(response.status).toBe(200);
      expect(response.headers.get('location')).toBeNull();
      await response.body?.cancel();
    }
    // Still pending: its own POST approves it.
    expect((await submit(mock, { ...fields, decision: 'approve' })).status).toBe(302);
  });

  it(
    `escapes the client id, name and scopes it shows: hostile values appear exactly, as text (${RUNS} runs)`,
    async () => {
      // Ids and scopes travel in the authorization URL, which cannot carry a lone surrogate: those are left out.
      const scopes = fc.uniqueArray(
        hostileToken(20).filter((scope) => scope !== '' && wellFormed(scope) === scope),
        { minLength: 1, maxLength: 3 },
      );
      await fc.assert(
        fc.asyncProperty(
          hostileToken(40).filter((id) => id.trim() !== '' && wellFormed(id) === id),
          hostileString(60),
          scopes,
          async (clientId, clientName, requested) => {
            const client: ClientInformation = {
              ...CLIENT,
              client_id: clientId,
              client_name: clientName,
              scope: requested.join(' '),
            };
            const mock = consentMock([client]);
            const response = await send(mock, await pendingConsent(mock, client, requested.join(' ')));
            expect(response.status).toBe(200);
            expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
            expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
            expect(response.headers.get('x-frame-options')).toBe('DENY');
            const page = await response.text();
            expect(foreignConsentPageTags(page)).toStrictEqual([]);
            const text = (id: string): string | undefined =>
              new RegExp(`<(?:span|code) id="${id}">([^<]*)</`).exec(page)?.[1];
            // The page is UTF-8: a lone surrogate becomes U+FFFD on the way, as in any HTML response.
            expect(unescapeHtml(text('client-name') ?? '')).toBe(wellFormed(clientName));
            expect(unescapeHtml(text('client-id') ?? '')).toBe(wellFormed(clientId));
            const items = [...page.matchAll(/<li>([^<]*)<\/li>/g)].map((match) =>
              unescapeHtml(match[1] ?? ''),
            );
            expect(items).toStrictEqual(requested.map(wellFormed));
            // The form still works: its hidden values came back intact.
            const fields = consentFormFields(page);
            expect((await submit(mock, { ...fields, decision: 'deny' })).status).toBe(302);
          },
        ),
        fuzzParameters(RUNS),
      );
    },
    fuzzTimeout(RUNS, 30),
  );
});
