/**
 * Driving the harness page (test/e2e/client-page) from a test: open it, connect clients by script or by a real
 * click, and read what the page saw. Every page opened here fails the test on an uncaught page error.
 */
import { expect, type Page } from '@playwright/test';
import type { ClientSpec, ErrorReport, Harness, Outcome } from '../client-page/main.js';

export async function openHarness(page: Page, url: string): Promise<void> {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught error in the page: ${error.message}`);
  });
  await page.goto(`${url}/`);
  await waitForHarness(page);
}

export async function waitForHarness(page: Page): Promise<void> {
  await page.waitForFunction(() => window.harness !== undefined, undefined, { timeout: 15_000 });
}

/** Connects from a script (no user gesture). */
export const connect = (page: Page, spec: ClientSpec): Promise<Outcome<string>> =>
  page.evaluate((s) => (window.harness as Harness).connect(s), spec);

/** Connects from a real click on the page's button, as an application's "Connect" would. */
export async function clickConnect(page: Page, spec: ClientSpec): Promise<Outcome<string>> {
  await page.evaluate((s) => (window.harness as Harness).arm(s), spec);
  await page.click('#connect');
  return page.evaluate(() => (window.harness as Harness).clicked());
}

export function ok<T>(result: Outcome<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

export function failure<T>(result: Outcome<T>): ErrorReport {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

export const whoami = async (page: Page, id: string): Promise<Record<string, unknown>> =>
  ok(await page.evaluate((i) => (window.harness as Harness).whoami(i), id));

export const events = (page: Page, id: string): Promise<string[]> =>
  page.evaluate((i) => (window.harness as Harness).events(i), id);

export const authorizations = (page: Page, id: string): Promise<number> =>
  page.evaluate((i) => (window.harness as Harness).authorizations(i), id);

/** Everything in the page's localStorage, as key → value. */
export const localStorageEntries = (page: Page): Promise<Record<string, string>> =>
  page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));

/** Everything in the page's sessionStorage, as key → value. */
export const sessionStorageEntries = (page: Page): Promise<Record<string, string>> =>
  page.evaluate(() => Object.fromEntries(Object.entries(sessionStorage)));

/** Asserts that none of `secrets` appears in any of `places`. */
export function expectNoSecrets(places: Record<string, string>, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    for (const [where, text] of Object.entries(places)) {
      expect(text.includes(secret), `a secret appears in ${where}`).toBe(false);
    }
  }
}
