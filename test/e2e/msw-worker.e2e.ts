/** msw's `setupWorker` in real Chromium: the mock runs in the page, the service worker answers its fetches. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './support/test.js';
import type { FlowResult } from './msw-page/main.js';
import { servePage, type PageServer } from './support/vite-page.js';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'msw-page');

let page: PageServer;

test.beforeAll(async () => {
  page = await servePage(PAGE_DIR);
});

test.afterAll(async () => {
  await page?.close();
});

test('discovery and token exchange are mocked by the worker; approve() supplies the callback', async ({
  page: browser,
}) => {
  const fromWorker: string[] = [];
  browser.on('response', (response) => {
    if (response.url().startsWith('https://auth.test/') && response.fromServiceWorker()) {
      fromWorker.push(
        `${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`,
      );
    }
  });
  await browser.goto(`${page.url}/`);
  await browser.waitForFunction(() => window.flowResult !== undefined, undefined, { timeout: 20_000 });
  const result = (await browser.evaluate(() => window.flowResult)) as FlowResult | { error: string };
  if ('error' in result) throw new Error(`page failed: ${result.error}`);

  expect(result.controlled).toBe(true);
  expect(result.issuer).toBe('https://auth.test/');
  expect(result.callbackOrigin).toBe(`${page.url}/callback`);
  expect(result.state).toBe('browser-state');
  expect(result.hasCode).toBe(true);
  expect(result.injectedStatus).toBe(503);
  expect(result.injectedBody).toEqual({ error: 'temporarily_unavailable' });
  expect(result.tokenStatus).toBe(200);
  expect(result.tokenType).toBe('Bearer');
  expect(result.hasAccessToken).toBe(true);
  // approve() called the mock directly (no network); the page's fetches went through the worker.
  expect(result.log).toEqual([
    'GET /.well-known/oauth-authorization-server 200',
    'GET /authorize 302',
    'POST /token 503',
    'POST /token 200',
  ]);
  expect(fromWorker).toEqual([
    'GET /.well-known/oauth-authorization-server 200',
    'POST /token 503',
    'POST /token 200',
  ]);
});
