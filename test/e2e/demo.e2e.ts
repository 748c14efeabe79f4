/**
 * The demo page (demo/), served as `npm start` serves it (the repository's vite.config.ts: Vite with the mock and
 * its control API), in Chromium with the popup blocker on: the walkthrough runs to the end through the mock's real
 * consent page in popups, with each client identity (dynamic registration, pre-registered, metadata document);
 * unsafe server variants are refused at the right step; step by step it pauses before consent (the click that goes
 * on opens the popup) and before the callback; nothing moves while it runs; the diagram is one tab stop; the
 * mock's clock shows on the token timeline; and axe finds no serious or critical accessibility violation. The
 * finished walkthrough's screenshot is written to test-results/ (and to demo/walkthrough.png with
 * UPDATE_DEMO_SCREENSHOT=1, for the README).
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './support/test.js';
import { build, createServer, type ViteDevServer } from 'vite';
import { withPopupBlocker } from './support/chromium.js';
import { startCliMock } from './support/client-mocks.js';
import { serveDirectory, type StaticSite } from './support/static-site.js';

test.use({ launchOptions: withPopupBlocker, viewport: { width: 1280, height: 900 } });

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let server: ViteDevServer;
let url: string;
let cacheDir: string;

test.beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'e2e-demo-'));
  server = await createServer({
    configFile: join(ROOT, 'vite.config.ts'),
    cacheDir,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false, watch: null },
  });
  await server.listen();
  url = (server.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
});

test.afterAll(async () => {
  await server?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

/** Opens the demo at `at` (default: the dev server) and waits until it is ready. */
async function openDemo(page: Page, at = `${url}/`): Promise<void> {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught error in the demo: ${error.message}`);
  });
  await page.goto(at);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
}

/** Approves on the mock's consent page in the next popup. */
async function approveInPopup(page: Page, trigger: () => Promise<void>): Promise<void> {
  const popupOpened = page.waitForEvent('popup');
  await trigger();
  const popup = await popupOpened;
  await popup.waitForURL(/\/consent\?/, { timeout: 15_000 });
  await popup.click('button[value="approve"]');
}

const panel = (page: Page, step: string) => page.locator(`details[data-step="${step}"]`);

/** Switches the mock to a variant: the dev server's mock is shared by the tests, so each one sets its own. */
async function useVariant(page: Page, preset: string): Promise<void> {
  await page.selectOption('#preset', preset);
  await page.click('#apply-preset');
  await expect(page.locator('#status')).toContainText(`“${preset}”`);
}

/** The value a panel lists for `name` (its facts are a `<dl>`). */
const fact = (page: Page, step: string, name: string) =>
  panel(page, step).locator(`dt:text-is("${name}") + dd`);

/** A masked secret as the page shows it: the first four and last three characters. */
const MASKED = /^[^…]{4}…[^…]{3}$/;

/**
 * Step by step: presses "Next step" until it names `step` (or, for `complete`, until the walkthrough ended),
 * approving in the popup whenever the press opens the sign-in window. Returns the steps it went through.
 */
async function stepUntil(page: Page, step: string): Promise<string[]> {
  const next = page.locator('#next');
  const named: string[] = [];
  for (;;) {
    await expect(next.or(page.locator('body[data-outcome]')).first()).toBeVisible();
    if ((await page.locator('body').getAttribute('data-outcome')) !== null) {
      if (step === 'complete') return named;
      throw new Error(`the walkthrough ended before "${step}", after ${named.join(', ')}`);
    }
    if (!(await next.isEnabled())) {
      await page.waitForTimeout(50);
      continue;
    }
    const waiting = (await next.getAttribute('data-step')) ?? '';
    if (waiting === step) return named;
    named.push(waiting);
    expect(named.length, named.join(', ')).toBeLessThan(40);
    if ((await next.textContent())?.includes('opens the sign-in window'))
      await approveInPopup(page, () => next.click());
    else await next.click();
  }
}

/** Where the page's main controls and views are, in page coordinates (rounded to the pixel). */
async function layoutOf(page: Page): Promise<Record<string, number[]>> {
  return page.evaluate(() => {
    const selectors = [
      '#url',
      '#preset',
      '#apply-preset',
      '#preset-description',
      '#clock',
      '#fault',
      '#reset-mock',
      'input[name="identity"][value="metadata-document"]',
      '#step-mode',
      '#run',
      '#next',
      '#restart',
      '#status',
      '#sequence',
      '#timeline',
      '#panels',
    ];
    return Object.fromEntries(
      selectors.map((selector) => {
        const box = document.querySelector(selector)?.getBoundingClientRect();
        const place = box ? [box.x + scrollX, box.y + scrollY, box.width, box.height] : [];
        // The panels grow when one opens to show what the walkthrough waits for: only their place counts.
        if (selector === '#panels') place.pop();
        return [selector, place.map((value) => Math.round(value))];
      }),
    );
  });
}

test('the walkthrough runs to the end: sign-in, tool call, step-up, refresh, sign-out', async ({ page }) => {
  await openDemo(page);
  await page.selectOption('#preset', 'latest');
  await page.click('#apply-preset');
  await approveInPopup(page, () => page.click('#run'));
  // Step-up needs more scope: the page waits for a click, which opens the sign-in window again.
  await expect(page.locator('#next')).toBeEnabled({ timeout: 20_000 });
  await expect(page.locator('#next')).toContainText('Step-up');
  await approveInPopup(page, () => page.click('#next'));
  await expect(page.locator('body')).toHaveAttribute('data-outcome', 'complete', { timeout: 20_000 });

  for (const step of [
    'probe',
    'resource-metadata',
    'as-metadata',
    'identity',
    'auth-request',
    'consent',
    'callback',
    'token',
    'session',
    'tool',
    'step-up',
    'refresh',
    'sign-out',
  ]) {
    await expect(panel(page, step), step).toHaveClass(/passed/);
  }
  // The panels show the real exchanges, secrets masked.
  await panel(page, 'probe').locator('summary').first().click();
  await expect(panel(page, 'probe')).toContainText('www-authenticate: Bearer');
  await panel(page, 'token').locator('summary').first().click();
  await panel(page, 'token').locator('details.exchange summary').first().click();
  await expect(panel(page, 'token').locator('.wire')).toContainText('grant_type=authorization_code');
  await expect(panel(page, 'token').locator('.wire')).toContainText('code_verifier=');
  expect(await panel(page, 'token').locator('.wire').textContent()).toMatch(
    /"access_token": "[^"]{4}…[^"]{3}"/,
  );
  // The latest server offers DPoP: the tokens are bound to the page's key, and the MCP requests prove it.
  await expect(panel(page, 'token')).toContainText('DPoP: bound to a key of this page');
  await panel(page, 'tool').locator('summary').first().click();
  await panel(page, 'tool').locator('details.exchange summary').first().click();
  await expect(panel(page, 'tool').locator('.wire').first()).toContainText('authorization: DPoP');
  await panel(page, 'step-up').locator('summary').first().click();
  await expect(panel(page, 'step-up')).toContainText('scope demanded');

  // Every exchange is shown once, in the panel of the step that sent it.
  const keys = await page
    .locator('details.exchange')
    .evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset['key'] ?? ''));
  const ids = keys.map((key) => key.split(':')[1]);
  expect(ids.length).toBeGreaterThan(15);
  expect(new Set(ids).size).toBe(ids.length);
  expect(keys.filter((key) => key.startsWith('step-up:')).length).toBeGreaterThan(0);
  await expect(panel(page, 'tool')).toContainText('whoami');
  await expect(panel(page, 'callback')).toContainText('advertised by the server');

  // The diagram drew the conversation, and its arrows lead to the panels.
  const arrows = page.locator('#sequence .arrow');
  expect(await arrows.count()).toBeGreaterThan(20);
  await expect(page.locator('#sequence')).toContainText('POST /token');
  await expect(page.locator('#sequence')).toContainText('POST /revoke');
  await expect(page.locator('#sequence')).toContainText('POST /mcp tools/call whoami');
  await expect(page.locator('#sequence .arrow.navigation').first()).toContainText('popup: GET /authorize');
  await page.locator('#sequence .arrow', { hasText: 'POST /register' }).first().click();
  await expect(panel(page, 'identity')).toHaveAttribute('open', '');
  await expect(page.locator('#timeline')).toContainText('access token refreshed');
  await expect(page.locator('#timeline')).toContainText('tokens revoked');

  // No row left highlighted under the pointer in the picture.
  await page.mouse.move(0, 0);
  const shot = join(ROOT, 'test-results/demo/walkthrough.png');
  await mkdir(dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  if (process.env['UPDATE_DEMO_SCREENSHOT'] === '1') await copyFile(shot, join(ROOT, 'demo/walkthrough.png'));
});

for (const [preset, step, code] of [
  ['resource-mismatch', 'resource-metadata', 'resource_mismatch'],
  ['no-s256', 'as-metadata', 'pkce_not_supported'],
  ['metadata-issuer-mismatch', 'as-metadata', 'issuer_mismatch'],
] as const) {
  test(`an unsafe server (${preset}) is refused at "${step}", with the reason`, async ({ page }) => {
    await openDemo(page);
    await page.selectOption('#preset', preset);
    await page.click('#apply-preset');
    await expect(page.locator('#status')).toContainText(preset);
    await page.click('#run');
    await expect(page.locator('body')).toHaveAttribute('data-outcome', 'stopped', { timeout: 20_000 });
    await expect(panel(page, step)).toHaveClass(/failed/);
    await expect(panel(page, step).locator('.error')).toContainText(`Refused (${code})`);
    await expect(panel(page, 'token')).toHaveClass(/pending/);
    await expect(page.locator('details.panel.failed')).toHaveCount(1);
    // The sign-in window opened in the click is closed again: nothing to sign in to.
    await expect.poll(() => page.context().pages().length).toBe(1);
  });
}

test('plain FastMCP (no step-up challenge): the walkthrough completes, step-up skipped with the reason', async ({
  page,
}) => {
  await openDemo(page);
  await page.selectOption('#preset', 'fastmcp');
  await page.click('#apply-preset');
  await expect(page.locator('#status')).toContainText('fastmcp');
  await approveInPopup(page, () => page.click('#run'));
  await expect(page.locator('#next')).toBeEnabled({ timeout: 20_000 });
  await page.click('#next');
  await expect(page.locator('body')).toHaveAttribute('data-outcome', 'complete', { timeout: 20_000 });
  await expect(panel(page, 'step-up')).toHaveClass(/skipped/);
  await expect(panel(page, 'step-up')).toContainText('not 403 insufficient_scope');
  await expect(panel(page, 'sign-out')).toHaveClass(/passed/);
  await expect(panel(page, 'callback')).toContainText('not advertised by the server');
});

test('a wrong iss in the callback is refused after consent (RFC 9207)', async ({ page }) => {
  await openDemo(page);
  await page.selectOption('#preset', 'iss-wrong');
  await page.click('#apply-preset');
  await expect(page.locator('#status')).toContainText('iss-wrong');
  await approveInPopup(page, () => page.click('#run'));
  await expect(page.locator('body')).toHaveAttribute('data-outcome', 'stopped', { timeout: 20_000 });
  await expect(panel(page, 'callback')).toHaveClass(/failed/);
  await expect(panel(page, 'callback').locator('.error')).toContainText('Refused (iss_mismatch)');
  await expect(panel(page, 'token')).toHaveClass(/pending/);
  // The user did approve: consent passed, only the response was refused.
  await expect(panel(page, 'consent')).toHaveClass(/passed/);
});

test('pre-registration-only: dynamic registration stops at client identity; a pre-registered confidential client gets through', async ({
  page,
}) => {
  await openDemo(page);
  await useVariant(page, 'pre-registration-only');
  await page.click('#run');
  await expect(page.locator('body')).toHaveAttribute('data-outcome', 'stopped', { timeout: 20_000 });
  await expect(panel(page, 'identity')).toHaveClass(/failed/);
  await expect(panel(page, 'identity').locator('.error')).toContainText('client_id_required');
  await expect.poll(() => page.context().pages().length).toBe(1);

  await page.check('input[name="identity"][value="pre-registered"]');
  await expect(page.locator('#client-id')).toHaveValue('demo-public-client');
  await page.fill('#client-id', 'demo-confidential-client');
  await page.fill('#client-secret', 'demo-client-secret');
  await page.selectOption('#auth-method', 'client_secret_basic');
  await approveInPopup(page, () => page.click('#run'));
  await expect(page.locator('#next')).toBeEnabled({ timeout: 20_000 });
  await approveInPopup(page, () => page.click('#next'));
  await expect(page.locator('body')).toHaveAttribute('data-outcome', 'complete', { timeout: 20_000 });

  await expect(fact(page, 'identity', 'source')).toHaveText('pre-registered');
  await expect(fact(page, 'identity', 'client id')).toHaveText('demo-confidential-client');
  await expect(fact(page, 'identity', 'token endpoint auth')).toHaveText('client_secret_basic');
  await expect(panel(page, 'identity').locator('details.exchange')).toHaveCount(0);
  await expect(fact(page, 'auth-request', 'client_id')).toHaveText('demo-confidential-client');
  for (const step of ['token', 'step-up', 'refresh', 'sign-out']) {
    await expect(panel(page, step), step).toHaveClass(/passed/);
  }
  // The client authenticated with HTTP Basic, and the page shows the credential masked.
  const wire = (await panel(page, 'token').locator('.wire').first().textContent()) ?? '';
  expect(wire).toMatch(/authorization: Basic [^…\s]{4}…[^…\s]{3}\n/);
  expect(wire).not.toContain(btoa('demo-confidential-client:demo-client-secret'));
  expect(wire).not.toContain('demo-client-secret');
});

test('cimd-only: the client uses its Client ID Metadata Document URL as client_id and gets through', async ({
  page,
}) => {
  await openDemo(page);
  await useVariant(page, 'cimd-only');
  await page.check('input[name="identity"][value="metadata-document"]');
  const documentUrl = await page.locator('#cimd-url').inputValue();
  expect(documentUrl).toMatch(/^https:\/\/[^/]+\/.+/);
  await approveInPopup(page, () => page.click('#run'));
  await expect(page.locator('#next')).toBeEnabled({ timeout: 20_000 });
  await approveInPopup(page, () => page.click('#next'));
  await expect(page.locator('body')).toHaveAttribute('data-outcome', 'complete', { timeout: 20_000 });

  await expect(fact(page, 'identity', 'source')).toHaveText('metadata-document');
  await expect(fact(page, 'identity', 'client id')).toHaveText(documentUrl);
  await expect(fact(page, 'identity', 'document')).toContainText(`"client_id": "${documentUrl}"`);
  await expect(fact(page, 'identity', 'document')).toContainText('/callback.html');
  await expect(fact(page, 'auth-request', 'client_id')).toHaveText(documentUrl);
  await expect(page.locator('#sequence')).not.toContainText('POST /register');
  for (const step of ['token', 'step-up', 'refresh', 'sign-out']) {
    await expect(panel(page, step), step).toHaveClass(/passed/);
  }
});

test('step by step: it pauses before consent with the request listed (the click that goes on opens the popup) and before the callback checks', async ({
  page,
}) => {
  await openDemo(page);
  await useVariant(page, 'latest');
  await page.check('#step-mode');
  await page.click('#run');
  const named = await stepUntil(page, 'consent');
  expect(named).toEqual(['probe', 'resource-metadata', 'as-metadata', 'identity']);
  // Nothing is open yet: the window opens from the next click.
  expect(page.context().pages()).toHaveLength(1);
  await expect(page.locator('#next')).toContainText('opens the sign-in window');
  await expect(page.locator('#status')).toContainText('Paused before consent');
  await expect(panel(page, 'auth-request')).toHaveAttribute('open', '');
  await expect(panel(page, 'consent')).toHaveClass(/pending/);
  await expect(fact(page, 'auth-request', 'response_type')).toHaveText('code');
  await expect(fact(page, 'auth-request', 'client_id')).toHaveText(/^[\w-]{8,}$/);
  await expect(fact(page, 'auth-request', 'redirect_uri')).toHaveText(`${url}/callback.html`);
  await expect(fact(page, 'auth-request', 'scope')).toHaveText('read');
  await expect(fact(page, 'auth-request', 'state')).toHaveText(MASKED);
  await expect(fact(page, 'auth-request', 'code_challenge')).toHaveText(/^[\w-]{43}$/);
  await expect(fact(page, 'auth-request', 'code_challenge_method')).toHaveText('S256');
  await expect(fact(page, 'auth-request', 'resource')).toHaveText(`${url}/mcp`);

  // With the popup blocker on, only a window opened inside the click gets through.
  await approveInPopup(page, () => page.click('#next'));
  await expect(page.locator('#next')).toHaveAttribute('data-step', 'callback', { timeout: 20_000 });
  await expect(page.locator('#status')).toContainText('the callback is listed');
  await expect(panel(page, 'consent')).toHaveClass(/passed/);
  await expect(panel(page, 'callback')).toHaveAttribute('open', '');
  await expect(fact(page, 'callback', 'code')).toHaveText(MASKED);
  await expect(fact(page, 'callback', 'state')).toHaveText(MASKED);
  await expect(fact(page, 'callback', 'iss')).toHaveText(`${url}/`);
  await expect(panel(page, 'token')).toHaveClass(/pending/);
  await expect(panel(page, 'token').locator('details.exchange')).toHaveCount(0);

  const rest = await stepUntil(page, 'complete');
  expect(rest).toEqual(
    expect.arrayContaining(['callback', 'token', 'session', 'tool', 'step-up', 'refresh']),
  );
  // The step-up signs in again, through the same two pauses.
  expect(rest.filter((step) => step === 'consent')).toHaveLength(1);
  expect(rest.filter((step) => step === 'callback')).toHaveLength(2);
  await expect(page.locator('body')).toHaveAttribute('data-outcome', 'complete');
  await expect(panel(page, 'callback')).toHaveClass(/passed/);
  await expect(fact(page, 'callback', 'state check')).toHaveText('matches the request');
  await expect(panel(page, 'step-up')).toHaveClass(/passed/);
});

test('start over during a pause ends that run: the request it held back is never sent', async ({ page }) => {
  await openDemo(page);
  await useVariant(page, 'latest');
  await page.check('#step-mode');
  // The dev server's mock logs every test's requests: only this run's count.
  const requestsSince = async (since: number) =>
    (await (await page.request.get(`${url}/__mock/requests?since=${since}`)).json()) as {
      next: number;
      entries: Array<{ path: string }>;
    };
  const { next: first } = await requestsSince(0);
  await page.click('#run');
  await stepUntil(page, 'as-metadata');
  await page.click('#restart');
  await expect(page.locator('#status')).toHaveText('Ready.');
  await expect(page.locator('#next')).toBeDisabled();
  await expect(panel(page, 'probe')).toHaveClass(/pending/);
  // Give a request that was let go the time to arrive, then read what the mock saw.
  await page.waitForTimeout(500);
  const paths = (await requestsSince(first)).entries.map((entry) => entry.path);
  expect(paths).toContain('/.well-known/oauth-protected-resource/mcp');
  expect(paths.filter((path) => path.includes('oauth-authorization-server'))).toEqual([]);
});

for (const width of [390, 1280]) {
  test(`no layout jumps at ${width}px: controls and views keep their place and size while the walkthrough steps`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height: 844 });
    await openDemo(page);
    await useVariant(page, 'latest');
    await page.check('#step-mode');
    const before = await layoutOf(page);
    await page.click('#run');
    const next = page.locator('#next');
    for (const step of ['probe', 'resource-metadata', 'as-metadata', 'identity']) {
      await expect(next).toHaveAttribute('data-step', step, { timeout: 20_000 });
      expect(await layoutOf(page), `paused before ${step}`).toEqual(before);
      await next.click();
    }
    await expect(next).toHaveAttribute('data-step', 'consent', { timeout: 20_000 });
    expect(await layoutOf(page), 'paused before consent').toEqual(before);
    expect(await page.locator('#sequence .arrow').count()).toBeGreaterThan(6);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
}

test('each server variant says what it does differently and what the client should do, as the select’s description', async ({
  page,
}) => {
  await openDemo(page);
  const description = page.locator('#preset-description');
  const names = await page
    .locator('#preset option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
  expect(names.length).toBeGreaterThan(10);
  const seen = new Set<string>();
  for (const name of names) {
    await page.selectOption('#preset', name);
    await expect(description).toBeVisible();
    const text = (await description.textContent()) ?? '';
    expect(text, name).toMatch(/ the client (must|should|copes|may)\b/);
    expect(seen.has(text), `${name} has a sentence of its own`).toBe(false);
    seen.add(text);
    await expect(page.locator('#preset')).toHaveAccessibleDescription(text);
  }
  await page.selectOption('#preset', 'iss-wrong');
  await expect(description).toContainText('refuse at the callback checks (iss_mismatch)');
  await page.selectOption('#preset', 'no-s256');
  await expect(description).toContainText('refuse at authorization-server metadata (pkce_not_supported)');
  await page.selectOption('#preset', 'cimd-only');
  await expect(description).toContainText('Metadata document');
});

for (const theme of ['light', 'dark'] as const) {
  test(`axe finds no serious or critical violation (${theme} theme, before and after a run)`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: theme });
    await openDemo(page);
    const check = async () => {
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    };
    await check();
    await page.check('input[name="identity"][value="pre-registered"]');
    await expect(page.locator('#client-id')).toBeVisible();
    await check();
    await page.check('input[name="identity"][value="dynamic"]');
    await page.selectOption('#preset', 'no-s256');
    await page.click('#apply-preset');
    await page.click('#run');
    await expect(page.locator('body')).toHaveAttribute('data-outcome', 'stopped', { timeout: 20_000 });
    await panel(page, 'probe').locator('summary').first().click();
    await check();
  });
}

test('any MCP server: against a server without CORS, the failing step says so in plain words', async ({
  page,
}) => {
  const cli = await startCliMock([]);
  try {
    await openDemo(page, `${url}/?server=${encodeURIComponent(cli.mcpUrl)}`);
    await expect(page.locator('#variants')).toBeHidden();
    await expect(page.locator('#server-note')).toContainText('must allow this origin (CORS)');
    await page.click('#run');
    await expect(page.locator('body')).toHaveAttribute('data-outcome', 'stopped', { timeout: 20_000 });
    const failed = page.locator('details.panel.failed');
    await expect(failed).toHaveCount(1);
    await expect(failed.locator('.error')).toContainText('Refused (cors_refused)');
    await expect(failed.locator('.error')).toContainText('In plain words');
    await expect(failed.locator('.error')).toContainText('Access-Control-Expose-Headers');
  } finally {
    await cli.stop();
  }
});

test('readable at phone width: nothing overflows sideways', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openDemo(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test.describe('the static build (npm run build:demo): the mock runs in the page behind a service worker', () => {
  let site: StaticSite;
  let outDir: string;

  test.beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'e2e-demo-static-'));
    await build({
      configFile: join(ROOT, 'vite.config.ts'),
      mode: 'static',
      logLevel: 'warn',
      build: { outDir },
    });
    site = await serveDirectory(outDir, () => rm(outDir, { recursive: true, force: true }));
  });

  test.afterAll(async () => {
    await site?.close();
  });

  async function openStatic(page: Page): Promise<void> {
    await openDemo(page, `${site.url}/`);
    await expect(page.locator('#server-note')).toContainText('service worker');
  }

  test('the walkthrough runs to the end with no server but a static file host', async ({ page }) => {
    await openStatic(page);
    await page.click('#run');
    await expect(page.locator('#next')).toBeEnabled({ timeout: 20_000 });
    await page.click('#next');
    await expect(page.locator('body')).toHaveAttribute('data-outcome', 'complete', { timeout: 20_000 });
    for (const step of [
      'probe',
      'resource-metadata',
      'as-metadata',
      'identity',
      'token',
      'step-up',
      'refresh',
      'sign-out',
    ]) {
      await expect(panel(page, step), step).toHaveClass(/passed/);
    }
    await expect(page.locator('#sequence')).toContainText('POST /token');
    expect(page.context().pages()).toHaveLength(1);
  });

  test('step by step: every step waits for "Next step", in flow order', async ({ page }) => {
    await openStatic(page);
    await page.check('#step-mode');
    await page.click('#run');
    const named: string[] = [];
    while ((await page.locator('body').getAttribute('data-outcome')) !== 'complete') {
      const next = page.locator('#next');
      await expect(next.or(page.locator('body[data-outcome="complete"]')).first()).toBeVisible();
      if (!(await next.isEnabled())) {
        await page.waitForTimeout(50);
        continue;
      }
      named.push((await next.getAttribute('data-step')) ?? '');
      const passedBefore = await page.locator('details.panel.passed').count();
      await next.click();
      expect(await page.locator('details.panel.passed').count()).toBeGreaterThanOrEqual(passedBefore);
      expect(named.length).toBeLessThan(40);
    }
    expect(named).toEqual(
      expect.arrayContaining([
        'probe',
        'resource-metadata',
        'as-metadata',
        'identity',
        'token',
        'step-up',
        'refresh',
        'sign-out',
      ]),
    );
    const order = [
      'probe',
      'resource-metadata',
      'as-metadata',
      'identity',
      'token',
      'session',
      'tool',
      'step-up',
      'refresh',
      'sign-out',
    ];
    const positions = named.map((step) => order.indexOf(step)).filter((index) => index >= 0);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  test('the sequence diagram is one tab stop: arrow keys, Home and End move between messages, Enter opens the step', async ({
    page,
  }) => {
    await openStatic(page);
    await page.click('#run');
    await expect(page.locator('#next')).toBeEnabled({ timeout: 20_000 });
    await page.click('#next');
    await expect(page.locator('body')).toHaveAttribute('data-outcome', 'complete', { timeout: 20_000 });
    const arrows = page.locator('#sequence .arrow');
    const count = await arrows.count();
    expect(count).toBeGreaterThan(10);
    await expect(page.locator('#sequence [tabindex="0"]')).toHaveCount(1);
    await expect(page.locator('#sequence .arrow[tabindex="-1"]')).toHaveCount(count - 1);

    // Tab from the last panel lands on the diagram once, at its first message.
    await page.locator('details[data-step="sign-out"] > summary').focus();
    await page.keyboard.press('Tab');
    await expect(arrows.first()).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(arrows.nth(1)).toBeFocused();
    await page.keyboard.press('End');
    await expect(arrows.last()).toBeFocused();
    await page.keyboard.press('Home');
    await expect(arrows.first()).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(arrows.first()).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(arrows.nth(2)).toBeFocused();
    // The next Tab leaves the diagram; coming back lands where the person was.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#sequence') === null)).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await expect(arrows.nth(2)).toBeFocused();
    await expect(page.locator('#sequence [tabindex="0"]')).toHaveCount(1);

    const step = (await arrows.nth(2).getAttribute('data-step')) ?? '';
    await expect(panel(page, step)).not.toHaveAttribute('open', '');
    await page.keyboard.press('Enter');
    await expect(panel(page, step)).toHaveAttribute('open', '');
    await expect(page.locator(`details[data-step="${step}"] > summary`)).toBeFocused();
  });

  test('advancing the mock’s clock shows on the token timeline: expired at the server, then refreshed', async ({
    page,
  }) => {
    await openStatic(page);
    await page.check('#step-mode');
    await page.click('#run');
    // The token is issued; the MCP session's first request waits.
    await stepUntil(page, 'session');
    const countdown = page.locator('#timeline .countdown');
    const meter = page.locator('#timeline [role="meter"]');
    await expect(countdown).toHaveText(/^Access token expires in (1 h|59 min \d\d s)\.$/);
    expect(Number(await meter.getAttribute('aria-valuenow'))).toBeGreaterThan(3500);

    await page.click('#clock');
    await expect(countdown).toContainText('expired at the server');
    await expect(countdown).toContainText('1 h ahead');
    await expect(meter).toHaveAttribute('aria-valuenow', '0');
    await expect(page.locator('#timeline .marks')).toContainText('clock jumped 1 h ahead');

    // The server refuses the old token; the client refreshes it, and the countdown starts again.
    const named = await stepUntil(page, 'tool');
    expect(named).toContain('refresh');
    await expect(page.locator('#timeline .marks')).toContainText('access token refreshed');
    await expect(countdown).toHaveText(/^Access token expires in (1 h|59 min \d\d s)\.$/);
    expect(Number(await meter.getAttribute('aria-valuenow'))).toBeGreaterThan(3500);
  });

  test('an unsafe variant (iss-wrong) is refused there too', async ({ page }) => {
    await openStatic(page);
    await page.selectOption('#preset', 'iss-wrong');
    await page.click('#apply-preset');
    await expect(page.locator('#status')).toContainText('iss-wrong');
    await page.click('#run');
    await expect(page.locator('body')).toHaveAttribute('data-outcome', 'stopped', { timeout: 20_000 });
    await expect(panel(page, 'callback').locator('.error')).toContainText('Refused (iss_mismatch)');
  });
});
