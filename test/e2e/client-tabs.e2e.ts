/**
 * Two tabs of one origin sharing their storage, in real Chromium: an expired token is refreshed once for both
 * (Web Locks, storage re-read under the lock), a sign-out in one tab signs the other out without a request of its
 * own, and refresh tokens stay out of localStorage unless the application opts in. The mock's request log is the
 * witness.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/test.js';
import type { StorageSpec } from './client-page/main.js';
import { MOCK_SETUPS, type MockHandle } from './support/mock-handle.js';
import {
  authorizations,
  connect,
  events,
  failure,
  localStorageEntries,
  ok,
  openHarness,
  sessionStorageEntries,
  waitForHarness,
  whoami,
} from './support/harness-page.js';
import type { Harness } from './client-page/main.js';

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

    const requests = () => site.requests();

    /** Tab A signs in (popup); tab B, opened next to it, connects from the shared storage alone. */
    async function twoTabs(page: Page, storage: StorageSpec): Promise<{ a: string; b: string; tabB: Page }> {
      await openHarness(page, site.pageUrl);
      const a = ok(await connect(page, { mcpUrl, storage }));
      const tabB = await page.context().newPage();
      await openHarness(tabB, site.pageUrl);
      const b = ok(await connect(tabB, { mcpUrl, storage, authorize: { kind: 'none' } }));
      expect(await authorizations(page, a)).toBe(1);
      expect(await authorizations(tabB, b)).toBe(0);
      expect((await whoami(tabB, b))['client_id']).toBe((await whoami(page, a))['client_id']);
      return { a, b, tabB };
    }

    const SHARED_STORAGES: ReadonlyArray<[string, StorageSpec]> = [
      ['localStorage (refresh tokens opted in)', { kind: 'local', refreshTokens: true }],
      ['IndexedDB', { kind: 'indexeddb', databaseName: 'tabs' }],
    ];

    for (const [name, storage] of SHARED_STORAGES) {
      test.describe(name, () => {
        test('two tabs with an expired token make exactly one token request between them', async ({
          page,
        }) => {
          const { a, b, tabB } = await twoTabs(page, storage);
          await site.expireAccessTokens();
          await site.clearRequests();

          const [inA, inB] = await Promise.all([
            page.evaluate((id) => (window.harness as Harness).whoami(id), a),
            tabB.evaluate((id) => (window.harness as Harness).whoami(id), b),
          ]);
          expect(ok(inA)['client_id']).toEqual(ok(inB)['client_id']);
          const tokenRequests = (await requests()).filter((entry) => entry.endpoint === 'token');
          expect(tokenRequests.map((entry) => `${entry.form['grant_type']} ${entry.status}`)).toEqual([
            'refresh_token 200',
          ]);
          expect((await requests()).filter((entry) => entry.endpoint === 'authorize')).toEqual([]);
          // Whichever tab did not refresh heard about the new tokens from the storage.
          const heard = [...(await events(page, a)), ...(await events(tabB, b))];
          expect(heard).toContain('refresh:succeeded:tokens updated by another tab');
          // As session events: one tab refreshed, the other was told by the storage.
          expect(heard.filter((event) => event.startsWith('session:refreshed'))).toEqual(
            expect.arrayContaining(['session:refreshed:this-client', 'session:refreshed:other-context']),
          );
        });

        test('a sign-out in one tab signs the other out, without a request of its own', async ({ page }) => {
          const { a, b, tabB } = await twoTabs(page, storage);
          await site.clearRequests();

          expect(await page.evaluate((id) => (window.harness as Harness).signOut(id), a)).toEqual({
            ok: true,
            value: null,
          });
          await expect
            .poll(() => events(tabB, b))
            .toContain('revocation:succeeded:signed out in another tab');
          expect((await requests()).map((entry) => entry.endpoint)).toEqual(['revoke', 'revoke']);
          // Told once in each tab, with who did it and why.
          expect((await events(page, a)).filter((event) => event.startsWith('session:signed-out'))).toEqual([
            'session:signed-out:this-client:signed-out',
          ]);
          await expect
            .poll(async () =>
              (await events(tabB, b)).filter((event) => event.startsWith('session:signed-out')),
            )
            .toEqual(['session:signed-out:other-context:signed-out']);

          await site.clearRequests();
          const after = await tabB.evaluate((id) => (window.harness as Harness).whoami(id), b);
          expect(failure(after).message).toMatch(/not connected/i);
          expect(await requests()).toEqual([]);
        });
      });
    }

    test.describe('localStorage by default', () => {
      test('holds the access token but not the refresh token, which stays in the signing-in tab, across a reload', async ({
        page,
      }) => {
        const storage: StorageSpec = { kind: 'local' };
        await openHarness(page, site.pageUrl);
        ok(await connect(page, { mcpUrl, storage }));
        const entries = await localStorageEntries(page);
        const grant = Object.entries(entries).find(([key]) => key.startsWith('mcp-authed-client/v1/grant/'));
        const stored = JSON.parse(grant?.[1] ?? '{}') as { tokens?: Record<string, unknown> };
        expect(typeof stored.tokens?.['accessToken']).toBe('string');
        expect(stored.tokens).not.toHaveProperty('refreshToken');
        expect(JSON.stringify(entries)).not.toMatch(/refresh/i);
        expect(Object.keys(await sessionStorageEntries(page))).toEqual(
          expect.arrayContaining([expect.stringContaining('mcp-authed-client/v1/held-refresh/')]),
        );

        // After a reload (a new client, the same tab) the refresh token is still there to use.
        await page.reload();
        await waitForHarness(page);
        const id = ok(await connect(page, { mcpUrl, storage, authorize: { kind: 'none' } }));
        await site.expireAccessTokens();
        await site.clearRequests();
        expect((await whoami(page, id))['client_id']).toEqual(expect.any(String));
        expect(
          (await requests())
            .filter((entry) => entry.endpoint === 'token')
            .map((entry) => entry.form['grant_type']),
        ).toEqual(['refresh_token']);
        expect(JSON.stringify(await localStorageEntries(page))).not.toMatch(/refresh/i);
      });

      test('a sign-out in a tab without the refresh token: the tab that holds it revokes it', async ({
        page,
      }) => {
        const storage: StorageSpec = { kind: 'local' };
        const { a, b, tabB } = await twoTabs(page, storage);
        await site.clearRequests();
        expect(await tabB.evaluate((id) => (window.harness as Harness).signOut(id), b)).toEqual({
          ok: true,
          value: null,
        });
        await expect.poll(() => events(page, a)).toContain('revocation:succeeded:signed out in another tab');
        await expect
          .poll(async () =>
            (await requests()).map((entry) =>
              `${entry.endpoint} ${entry.form['token_type_hint'] ?? ''}`.trim(),
            ),
          )
          .toEqual(['revoke access_token', 'revoke refresh_token']);
        expect(
          Object.keys(await sessionStorageEntries(page)).some((key) => key.includes('held-refresh')),
        ).toBe(false);
      });
    });
  });
}
