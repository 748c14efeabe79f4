/**
 * The README's browser examples, run as they are printed (test/unit/readme-examples.test.ts checks that the README
 * shows exactly these files): the popup example signs in from a click, the redirect example signs in by leaving the
 * page and coming back through the callback example. Against the mock served by the Vite plugin, same origin, with
 * Chromium's popup blocker on.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './support/test.js';
import { withPopupBlocker } from './support/chromium.js';
import { serveHarness, type HarnessServer } from './support/client-harness.js';
import { pluginMock, type PluginMock } from './support/client-mocks.js';

test.use({ launchOptions: withPopupBlocker });

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), 'readme-app');
let server: HarnessServer;
let served: PluginMock;

test.beforeAll(async () => {
  served = pluginMock();
  server = await serveHarness([served.plugin], { root: APP_DIR });
});

test.afterAll(async () => {
  await server?.close();
});

const endpoints = () =>
  served
    .mock()
    .control.requests()
    .filter((entry) => entry.method !== 'OPTIONS')
    .map((entry) => entry.endpoint);

test('the popup example: one click signs in and lists the tools', async ({ page }) => {
  await page.goto(`${server.url}/`);
  const popupOpened = page.waitForEvent('popup');
  await page.click('#connect');
  const popup = await popupOpened;
  await expect(page.locator('#output')).toHaveText('tools: whoami, echo, elevated_echo', { timeout: 15_000 });
  await expect.poll(() => popup.isClosed()).toBe(true);
  expect(endpoints()).toEqual(expect.arrayContaining(['register', 'authorize', 'token', 'mcp']));
});

test('the redirect and callback examples: the page leaves, comes back signed in, and stays signed in', async ({
  page,
}) => {
  await page.goto(`${server.url}/redirect.html`);
  await expect(page.locator('#output')).toHaveText('tools: whoami, echo, elevated_echo', { timeout: 15_000 });
  expect(page.url()).toBe(`${server.url}/redirect.html`);

  served.mock().control.clearRequests();
  await page.reload();
  await expect(page.locator('#output')).toHaveText('tools: whoami, echo, elevated_echo', { timeout: 15_000 });
  expect(endpoints().filter((endpoint) => endpoint !== 'mcp')).toEqual([]);
});

test('the callback example shows a refused callback as text', async ({ page }) => {
  await page.goto(`${server.url}/callback.html?code=<b>forged</b>&state=<i>forged</i>`);
  await expect(page.locator('#output')).toContainText('sign-in failed: no sign-in started in this browser');
  expect(await page.locator('#output b, #output i').count()).toBe(0);
  expect(page.url()).toBe(`${server.url}/callback.html`);
});
