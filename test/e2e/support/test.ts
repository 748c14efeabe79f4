/**
 * `test` and `expect` for every browser test: Playwright's own, plus a check that no page of the test's browser
 * context — popups, callback and consent pages included — had an uncaught error or an unhandled promise rejection.
 * (Playwright already fails a test on an unhandled rejection in its own Node worker; a page's goes only to the page's
 * console unless someone listens.)
 */
import { test as base, expect } from '@playwright/test';

export { expect };

export const test = base.extend<{ noUncaughtPageErrors: undefined }>({
  noUncaughtPageErrors: [
    async ({ context }, use) => {
      const errors: string[] = [];
      context.on('weberror', (webError) => {
        const where = webError.page()?.url() ?? 'a page';
        errors.push(`${where}: ${webError.error().message}`);
      });
      await use(undefined);
      expect(errors, 'uncaught errors or unhandled promise rejections in the pages').toEqual([]);
    },
    { auto: true },
  ],
});
