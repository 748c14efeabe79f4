/**
 * Signing in from a page, in real Chromium with its popup blocker on (as users run it): a popup opened inside the
 * click, a blocked popup (typed error, or a full-page redirect when asked), a popup the user closes, the full-page
 * redirect with its callback page — and callbacks that are forged, replayed, reloaded or late, which must change
 * nothing. Nothing secret may be left in an address bar, a console message or localStorage.
 */
import type { Page, Request } from '@playwright/test';
import { expect, test } from './support/test.js';
import type { Harness } from './client-page/main.js';
import { withPopupBlocker } from './support/chromium.js';
import { MOCK_SETUPS, type MockHandle } from './support/mock-handle.js';
import {
  authorizations,
  clickConnect,
  connect,
  expectNoSecrets,
  failure,
  localStorageEntries,
  ok,
  openHarness,
  sessionStorageEntries,
  waitForHarness,
  whoami,
} from './support/harness-page.js';

test.use({ launchOptions: withPopupBlocker });

for (const setup of MOCK_SETUPS) {
  test.describe(setup.name, () => {
    let site: MockHandle;
    let mcpUrl: string;

    test.beforeAll(async () => {
      site = await setup.start();
      mcpUrl = site.mcpUrl;
    });

    test.afterAll(async () => {
      await site?.close();
    });

    test.beforeEach(async ({ page }) => {
      await openHarness(page, site.pageUrl);
      await site.setApproval('auto');
      await site.clearRequests();
    });

    const SESSION = { kind: 'session' } as const;
    const tokenRequests = async () => (await site.requests()).filter((entry) => entry.endpoint === 'token');
    const authServerRequests = async () =>
      (await site.requests()).filter((entry) => entry.endpoint !== 'mcp');

    /** The authorization codes in the callback URLs the browser was sent to. */
    function collectCodes(page: Page): string[] {
      const codes: string[] = [];
      page.context().on('request', (request: Request) => {
        const code = new URL(request.url()).searchParams.get('code');
        if (code) codes.push(code);
      });
      return codes;
    }

    /** Every console message of every page of the context. */
    function collectConsole(page: Page): string[] {
      const lines: string[] = [];
      const listen = (target: Page) => target.on('console', (message) => lines.push(message.text()));
      listen(page);
      page.context().on('page', listen);
      return lines;
    }

    /** The stored grant's tokens, read from sessionStorage. */
    async function storedTokens(page: Page): Promise<{ accessToken: string; refreshToken?: string }> {
      const entries = await sessionStorageEntries(page);
      const grant = Object.entries(entries).find(([key]) => key.startsWith('mcp-authed-client/v1/grant/'));
      if (!grant) throw new Error('no grant in sessionStorage');
      return (JSON.parse(grant[1]) as { tokens: { accessToken: string; refreshToken?: string } }).tokens;
    }

    /** Waits until the page is back on the harness's start page after a full-page redirect sign-in. */
    async function backOnStartPage(page: Page): Promise<void> {
      await expect.poll(async () => (await tokenRequests()).length, { timeout: 15_000 }).toBeGreaterThan(0);
      await page.waitForURL(`${site.pageUrl}/`);
      await waitForHarness(page);
    }

    /**
     * Connects from code that runs without a user gesture (after a fetch, say). Playwright runs every evaluation as a
     * user gesture, so the page first spends it on a throwaway window: the browser then blocks the next popup.
     */
    const connectWithoutGesture = (page: Page, spec: Parameters<Harness['connect']>[0]) =>
      page.evaluate((s) => {
        window.open('', '_blank')?.close();
        if (navigator.userActivation.isActive) throw new Error('the user gesture was not used up');
        return (window.harness as Harness).connect(s);
      }, spec);

    /** Starts a full-page redirect sign-in (the page navigates away, so the evaluation is cut short). */
    async function startRedirect(page: Page, spec: Parameters<Harness['connect']>[0]): Promise<void> {
      await page.evaluate((s) => void (window.harness as Harness).connect(s), spec);
    }

    test.describe('popup', () => {
      test('opened inside the click, it shows a connecting page, signs in, closes, and leaks nothing', async ({
        page,
      }) => {
        const codes = collectCodes(page);
        const consoleLines = collectConsole(page);
        // Discovery takes a while: the popup, opened at once, says so until the authorization URL is known.
        await site.delayNext('resource-metadata', 1_500);
        const popupOpened = page.waitForEvent('popup');
        const connected = clickConnect(page, { mcpUrl, storage: SESSION });
        const popup = await popupOpened;
        await expect(popup.locator('body')).toHaveText('Connecting to the sign-in page…');
        const id = ok(await connected);

        expect(await authorizations(page, id)).toBe(1);
        expect((await whoami(page, id))['client_id']).toEqual(expect.any(String));
        await expect.poll(() => popup.isClosed()).toBe(true);
        expect((await tokenRequests()).map((entry) => entry.form['grant_type'])).toEqual([
          'authorization_code',
        ]);

        const tokens = await storedTokens(page);
        expect(codes).toHaveLength(1);
        const secrets = [tokens.accessToken, ...(tokens.refreshToken ? [tokens.refreshToken] : []), ...codes];
        expectNoSecrets(
          {
            'the address bar': page.url(),
            'a console message': consoleLines.join('\n'),
            localStorage: JSON.stringify(await localStorageEntries(page)),
          },
          secrets,
        );
        // The code was redeemed: no pending request (which holds the verifier) is left in storage either.
        expect(Object.keys(await sessionStorageEntries(page)).some((key) => key.includes('/pending/'))).toBe(
          false,
        );
      });

      test('with localStorage: neither the code nor the refresh token is ever written there', async ({
        page,
      }) => {
        const codes = collectCodes(page);
        const consoleLines = collectConsole(page);
        const id = ok(await clickConnect(page, { mcpUrl, storage: { kind: 'local' } }));
        expect((await whoami(page, id))['client_id']).toEqual(expect.any(String));
        const local = await localStorageEntries(page);
        const grant = Object.entries(local).find(([key]) => key.includes('/grant/'));
        expect(grant).toBeDefined();
        const held = Object.entries(await sessionStorageEntries(page)).find(([key]) =>
          key.includes('/held-refresh/'),
        );
        const refreshToken = (JSON.parse(held?.[1] ?? '{}') as { refreshToken?: string }).refreshToken ?? '';
        expect(codes).toHaveLength(1);
        expectNoSecrets(
          {
            localStorage: JSON.stringify(local),
            'a console message': consoleLines.join('\n'),
            'the address bar': page.url(),
          },
          [refreshToken, ...codes],
        );
      });

      test('blocked (no user gesture): a typed popup_blocked error, and nothing is stored', async ({
        page,
      }) => {
        const error = failure(
          await connectWithoutGesture(page, { mcpUrl, storage: SESSION, authorize: { kind: 'popup' } }),
        );
        expect(error).toMatchObject({ isMcpAuthError: true, code: 'popup_blocked', step: 'authorization' });
        expect(error.message).toContain('inside the click handler');
        await expect.poll(() => page.context().pages().length).toBe(1);
        expect(await tokenRequests()).toHaveLength(0);
        expect(
          Object.keys(await sessionStorageEntries(page)).filter((key) => !key.includes('/client/')),
        ).toEqual([]);
      });

      test("blocked with fallback: 'redirect': signs in by full-page redirect, then connects from storage", async ({
        page,
      }) => {
        let popups = 0;
        page.on('popup', () => (popups += 1));
        void connectWithoutGesture(page, {
          mcpUrl,
          storage: SESSION,
          authorize: { kind: 'popup', fallback: 'redirect' },
        }).catch(() => undefined);
        await backOnStartPage(page);
        expect(popups).toBe(1); // the throwaway window only: the sign-in itself opened none
        expect(page.url()).toBe(`${site.pageUrl}/`);

        await site.clearRequests();
        const id = ok(await connect(page, { mcpUrl, storage: SESSION, authorize: { kind: 'none' } }));
        expect((await whoami(page, id))['client_id']).toEqual(expect.any(String));
        expect(await authServerRequests()).toEqual([]);
      });

      test('closed by the user before signing in: a prompt popup_closed error, and nothing is stored', async ({
        page,
      }) => {
        await site.setApproval('consent');
        const popupOpened = page.waitForEvent('popup');
        await page.evaluate((s) => (window.harness as Harness).arm(s), {
          mcpUrl,
          storage: SESSION,
        } as Parameters<Harness['arm']>[0]);
        await page.click('#connect');
        const popup = await popupOpened;
        await popup.waitForURL(/\/consent\?/);
        const closedAt = Date.now();
        await popup.close();
        const error = failure(await page.evaluate(() => (window.harness as Harness).clicked()));
        expect(Date.now() - closedAt).toBeLessThan(5_000);
        expect(error).toMatchObject({ isMcpAuthError: true, code: 'popup_closed', step: 'authorization' });
        expect(await tokenRequests()).toHaveLength(0);
        expect(Object.keys(await sessionStorageEntries(page)).some((key) => key.includes('/grant/'))).toBe(
          false,
        );
      });
    });

    for (const [route, initScript] of [
      [
        'postMessage to the opener (no BroadcastChannel)',
        () => Reflect.deleteProperty(window, 'BroadcastChannel'),
      ],
      [
        'a storage event (no BroadcastChannel, no opener)',
        () => {
          Reflect.deleteProperty(window, 'BroadcastChannel');
          if (location.pathname === '/callback.html') window.opener = null;
        },
      ],
    ] as const) {
      test(`the popup's callback reaches the page by ${route}, and leaves no code behind`, async ({
        page,
      }) => {
        await page.context().addInitScript(initScript);
        await page.reload();
        await waitForHarness(page);
        expect(await page.evaluate(() => typeof BroadcastChannel)).toBe('undefined');
        await page.evaluate(() => {
          const seen: string[] = [];
          Object.assign(window, { storageKeys: seen });
          addEventListener('storage', (event) => seen.push(event.key ?? ''));
        });
        const codes = collectCodes(page);
        const popupOpened = page.waitForEvent('popup');
        const connected = clickConnect(page, { mcpUrl, storage: SESSION });
        const popup = await popupOpened;
        const id = ok(await connected);
        expect((await whoami(page, id))['client_id']).toEqual(expect.any(String));
        await expect.poll(() => popup.isClosed()).toBe(true);
        expect(codes).toHaveLength(1);
        expectNoSecrets({ localStorage: JSON.stringify(await localStorageEntries(page)) }, codes);
        const handOffs = await page.evaluate(() =>
          (window as unknown as { storageKeys: string[] }).storageKeys.filter((key) =>
            key.includes('/hand-off/'),
          ),
        );
        expect(handOffs.length > 0).toBe(route.startsWith('a storage event'));
      });
    }

    test('popup closed while it still says "Connecting…": popup_closed, no sign-in request, no second window', async ({
      page,
    }) => {
      await site.delayNext('resource-metadata', 1_500);
      let popups = 0;
      page.on('popup', () => (popups += 1));
      const popupOpened = page.waitForEvent('popup');
      await page.evaluate((s) => (window.harness as Harness).arm(s), {
        mcpUrl,
        storage: SESSION,
        authorize: { kind: 'popup', fallback: 'redirect' },
      } as Parameters<Harness['arm']>[0]);
      await page.click('#connect');
      const popup = await popupOpened;
      await popup.close();
      const error = failure(await page.evaluate(() => (window.harness as Harness).clicked()));
      expect(error).toMatchObject({ isMcpAuthError: true, code: 'popup_closed' });
      expect(popups).toBe(1);
      expect(page.url()).toBe(`${site.pageUrl}/`);
      expect((await authServerRequests()).filter((entry) => entry.endpoint === 'authorize')).toEqual([]);
    });

    test.describe('full-page redirect', () => {
      test('signs in through the callback page, connects from storage, and refuses the replayed, reloaded and forged callbacks', async ({
        page,
      }) => {
        const codes = collectCodes(page);
        const callbacks: string[] = [];
        page.on('request', (request) => {
          if (request.isNavigationRequest() && new URL(request.url()).pathname === '/callback.html') {
            callbacks.push(request.url());
          }
        });
        await startRedirect(page, { mcpUrl, storage: SESSION, authorize: { kind: 'redirect' } });
        await backOnStartPage(page);
        expect(page.url()).toBe(`${site.pageUrl}/`);
        expect(codes).toHaveLength(1);
        const firstCallback = callbacks[0] ?? '';
        expect(new URL(firstCallback).searchParams.get('code')).toBe(codes[0]);

        await site.clearRequests();
        const id = ok(await connect(page, { mcpUrl, storage: SESSION, authorize: { kind: 'none' } }));
        const identity = await whoami(page, id);
        expect(await authServerRequests()).toEqual([]);
        const before = await sessionStorageEntries(page);

        const refused = async (url: string) => {
          await page.goto(url);
          await page.waitForFunction(() => window.callbackResult !== undefined);
          const result = await page.evaluate(() => window.callbackResult);
          // The response is gone from the address bar even when it is refused.
          const left = new URL(page.url());
          expect(left.pathname).toBe('/callback.html');
          expect(left.searchParams.has('code') || left.searchParams.has('state')).toBe(false);
          return result?.ok === false ? result.error : undefined;
        };
        // The same callback again (back button, bookmark, a leaked URL).
        expect(await refused(firstCallback)).toMatchObject({ code: 'state_mismatch', step: 'authorization' });
        // A reload of the callback page as it was left.
        expect(await refused(page.url())).toMatchObject({ code: 'state_mismatch' });
        // A callback nobody asked for.
        const forged = new URL(firstCallback);
        forged.searchParams.set('code', 'forged-code-1234567890');
        forged.searchParams.set('state', 'forged-state-1234567890');
        expect(await refused(forged.href)).toMatchObject({ code: 'state_mismatch' });

        expect(await tokenRequests()).toHaveLength(0);
        expect(await sessionStorageEntries(page)).toEqual(before);
        await page.goto(`${site.pageUrl}/`);
        await waitForHarness(page);
        const again = ok(await connect(page, { mcpUrl, storage: SESSION, authorize: { kind: 'none' } }));
        expect(await whoami(page, again)).toEqual(identity);
      });

      test('a callback later than the limit is refused, redeems nothing and stores nothing', async ({
        page,
      }) => {
        await site.setApproval('consent');
        await startRedirect(page, {
          mcpUrl,
          storage: SESSION,
          authorize: { kind: 'redirect' },
          callbackMaxAgeMs: 1_000,
        });
        await page.waitForURL(/\/consent\?/);
        await page.waitForTimeout(1_500);
        await page.click('button[value="approve"]');
        await page.waitForURL(/\/callback\.html/);
        await page.waitForFunction(() => window.callbackResult !== undefined);
        const result = await page.evaluate(() => window.callbackResult);
        expect(result).toMatchObject({
          ok: false,
          error: { code: 'authorization_expired', step: 'authorization' },
        });
        expect(await tokenRequests()).toHaveLength(0);
        const entries = Object.keys(await sessionStorageEntries(page));
        expect(entries.some((key) => key.includes('/grant/') || key.includes('/pending/'))).toBe(false);
        expect(await page.locator('#status').textContent()).toContain('sign-in failed');
      });
    });
  });
}
