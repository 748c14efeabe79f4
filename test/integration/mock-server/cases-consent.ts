/** Cases: the consent page (`approval: 'consent'`), driven headlessly: GET the page, read the form, POST it. */
import { expect } from 'vitest';
import {
  CALLBACK,
  PUBLIC_CLIENT,
  authorize,
  baseSettings,
  expectErrorRedirect,
  location,
  pkcePair,
  postForm,
  type AuthServerCase,
  type CaseContext,
} from './helpers.js';

const consentSettings = (baseUrl: string) =>
  baseSettings(baseUrl, {
    approval: 'consent',
    clients: [
      { ...PUBLIC_CLIENT, client_name: '<script>alert("x")</script> & Co', scope: 'read <b>write</b>' },
    ],
  });

/** Starts an authorization and follows it to the consent page. */
async function openConsent(
  t: CaseContext,
): Promise<{ page: string; fields: Record<string, string>; verifier: string }> {
  const { challenge, verifier } = await pkcePair();
  const response = await authorize(t, {
    client_id: PUBLIC_CLIENT.client_id,
    response_type: 'code',
    code_challenge: challenge,
    redirect_uri: CALLBACK,
    state: 'consent-state',
    scope: 'read <b>write</b>',
  });
  const consentUrl = location(response);
  expect(consentUrl.pathname).toBe('/consent');
  const pageResponse = await t.fetch(consentUrl.href);
  expect(pageResponse.status).toBe(200);
  expect(pageResponse.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(pageResponse.headers.get('cache-control')).toBe('no-store');
  const page = await pageResponse.text();
  const form = /<form id="consent"[^>]*>([\s\S]*?)<\/form>/.exec(page)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1] ?? ''] = match[2] ?? '';
  }
  return { page, fields, verifier };
}

export const consentCases: AuthServerCase[] = [
  {
    name: 'consent: the page shows the client and scopes escaped, and Approve issues a working code',
    settings: consentSettings,
    async run(t) {
      const { page, fields, verifier } = await openConsent(t);
      expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
      expect(page).not.toContain('<script>');
      expect(page).toContain('<li>&lt;b&gt;write&lt;/b&gt;</li>');
      expect(page).toContain('<li>read</li>');
      expect(Object.keys(fields)).toStrictEqual(['request_id', 'anti_forgery_token']);
      const approved = await postForm(t, '/consent', { ...fields, decision: 'approve' });
      const target = location(approved);
      expect(target.searchParams.get('state')).toBe('consent-state');
      const token = await postForm(t, '/token', {
        grant_type: 'authorization_code',
        code: target.searchParams.get('code') ?? '',
        code_verifier: verifier,
        redirect_uri: CALLBACK,
        client_id: PUBLIC_CLIENT.client_id,
      });
      expect(token.status).toBe(200);
      expect(((await token.json()) as { scope: string }).scope).toBe('read <b>write</b>');
    },
  },
  {
    name: 'consent: Deny redirects with access_denied and the state',
    settings: consentSettings,
    async run(t) {
      const { fields } = await openConsent(t);
      expectErrorRedirect(await postForm(t, '/consent', { ...fields, decision: 'deny' }), CALLBACK, {
        error: 'access_denied',
        error_description: 'The user denied the authorization request',
        state: 'consent-state',
      });
    },
  },
  {
    name: 'consent: a POST without the right anti-forgery value is refused and changes nothing',
    settings: consentSettings,
    async run(t) {
      const { fields } = await openConsent(t);
      const requestId = fields['request_id'] ?? '';
      const forged = await postForm(t, '/consent', { request_id: requestId, decision: 'approve' });
      expect(forged.status).toBe(403);
      const wrong = await postForm(t, '/consent', {
        request_id: requestId,
        anti_forgery_token: 'guess',
        decision: 'approve',
      });
      expect(wrong.status).toBe(403);
      const badDecision = await postForm(t, '/consent', { ...fields, decision: 'maybe' });
      expect(badDecision.status).toBe(400);
      expect(
        location(await postForm(t, '/consent', { ...fields, decision: 'approve' })).searchParams.has('code'),
      ).toBe(true);
      // Single use: the same form cannot approve twice.
      expect((await postForm(t, '/consent', { ...fields, decision: 'approve' })).status).toBe(400);
    },
  },
  {
    name: 'consent: unknown requests are 400; validation still happens before the page',
    settings: consentSettings,
    async run(t) {
      expect((await t.fetch(`${t.baseUrl}/consent?request=nope`)).status).toBe(400);
      expect((await t.fetch(`${t.baseUrl}/consent`)).status).toBe(400);
      const { challenge } = await pkcePair();
      expectErrorRedirect(
        await authorize(t, {
          client_id: PUBLIC_CLIENT.client_id,
          response_type: 'code',
          code_challenge: challenge,
          scope: 'admin',
          state: 's',
        }),
        CALLBACK,
        {
          error: 'invalid_scope',
          error_description: 'Client was not registered with scope admin',
          state: 's',
        },
      );
    },
  },
  {
    name: 'consent: the page only exists in consent mode',
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      expect((await t.fetch(`${t.baseUrl}/consent?request=x`)).status).toBe(404);
    },
  },
];
