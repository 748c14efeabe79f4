/**
 * The consent page in real Chromium: the browser navigates to /authorize on the mock served over HTTP, sees the
 * client and scopes (a hostile client_name stays text), and Approve / Deny land on the redirect URI.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test } from './support/test.js';
import { createMockAuthServer, type MockAuthServer } from '../../mock-server/index.js';
import { listen, type RunningServer } from '../../mock-server/runtimes/node.js';

const HOSTILE_NAME = `<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>"'&amp;`;
const CLIENT_ID = 'hostile-client';

let server: RunningServer;
let mock: MockAuthServer;

test.beforeAll(async () => {
  server = await listen(async (request) => {
    const url = new URL(request.url);
    // The client's redirect URI: a plain page, so the browser has somewhere to land.
    if (url.pathname === '/callback') {
      return new Response('<!doctype html><title>callback</title><p id="landed">landed</p>', {
        headers: { 'content-type': 'text/html; charset=utf-8' },
      });
    }
    return mock.fetch(request);
  });
  mock = createMockAuthServer({
    issuerUrl: server.url,
    approval: 'consent',
    clients: [
      {
        client_id: CLIENT_ID,
        client_name: HOSTILE_NAME,
        redirect_uris: [`${server.url}/callback`],
        token_endpoint_auth_method: 'none',
        scope: 'read write',
      },
    ],
  });
});

test.afterAll(async () => {
  await server?.close();
});

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(challenge: string, state: string): string {
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    redirect_uri: `${server.url}/callback`,
    state,
    scope: 'read write',
  });
  return `${server.url}/authorize?${query.toString()}`;
}

/** Opens the consent page by navigating to /authorize, failing on any dialog a script could open. */
async function openConsent(page: Page, challenge: string, state: string): Promise<void> {
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  await page.goto(authorizationUrl(challenge, state));
  await expect(page).toHaveURL(/\/consent\?request=/);
  await expect(page.locator('#client-name')).toHaveText(HOSTILE_NAME);
  await expect(page.locator('#client-id')).toHaveText(CLIENT_ID);
  await expect(page.locator('#scopes li')).toHaveText(['read', 'write']);
  // The name was shown as text: no element or script came out of it.
  await expect(page.locator('img')).toHaveCount(0);
  await expect(page.locator('body script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
}

test('Approve lands on the redirect URI with a code that exchanges for tokens', async ({ page }) => {
  const { verifier, challenge } = pkce();
  await openConsent(page, challenge, 'approve-state');
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.locator('#landed')).toBeVisible();
  const landed = new URL(page.url());
  expect(`${landed.origin}${landed.pathname}`).toBe(`${server.url}/callback`);
  expect(landed.searchParams.get('state')).toBe('approve-state');
  const code = landed.searchParams.get('code') ?? '';
  expect(code).not.toBe('');
  const token = await fetch(`${server.url}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: `${server.url}/callback`,
      client_id: CLIENT_ID,
    }),
  });
  expect(token.status).toBe(200);
  expect(((await token.json()) as { scope?: string }).scope).toBe('read write');
});

test('Deny lands on the redirect URI with access_denied and the state', async ({ page }) => {
  const { challenge } = pkce();
  await openConsent(page, challenge, 'deny-state');
  await page.getByRole('button', { name: 'Deny' }).click();
  await expect(page.locator('#landed')).toBeVisible();
  const landed = new URL(page.url());
  expect(Object.fromEntries(landed.searchParams)).toStrictEqual({
    error: 'access_denied',
    error_description: 'The user denied the authorization request',
    state: 'deny-state',
  });
});
