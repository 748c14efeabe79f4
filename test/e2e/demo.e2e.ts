/**
 * The demo page (demo/), served as `npm start` serves it (the repository's vite.config.ts: Vite with the mock and
 * its control API), in Chromium with the popup blocker on: the walkthrough runs to the end through the mock's real
 * consent page in popups, three unsafe server variants are refused at the right step, and axe finds no serious or
 * critical accessibility violation. The finished walkthrough's screenshot is written to test-results/ (and to
 * demo/walkthrough.png with UPDATE_DEMO_SCREENSHOT=1, for the README).
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
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
