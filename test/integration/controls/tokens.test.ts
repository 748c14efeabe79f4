/** Expire or revoke every token at once; a custom provider without the capability fails clearly. */
import { describe, expect, it } from 'vitest';
import { ControlUnsupportedError, createMockAuthServer } from '../../../mock-server/index.js';
import {
  POST_CLIENT,
  PUBLIC_CLIENT,
  expectJsonError,
  obtainTokens,
  refresh,
} from '../mock-server/helpers.js';
import { BASE_URL, bareProvider, inProcess } from './support.js';

describe('control.expireAllTokens / revokeAllTokens', () => {
  it('expiring access tokens leaves refresh tokens working', async () => {
    const { mock, t } = inProcess();
    const first = await obtainTokens(t, PUBLIC_CLIENT);
    const second = await obtainTokens(t, POST_CLIENT);
    expect(mock.control.expireAllTokens('access')).toBe(2);
    expect(await mock.provider.loadAccessToken(first.access_token)).toBeUndefined();
    expect(await mock.provider.loadAccessToken(second.access_token)).toBeUndefined();
    const refreshed = await refresh(t, PUBLIC_CLIENT, first.refresh_token);
    expect(refreshed.status).toBe(200);
    const fresh = (await refreshed.json()) as { access_token: string };
    expect(await mock.provider.loadAccessToken(fresh.access_token)).toBeDefined();
  });

  it('expiring everything (the default) makes refresh fail with "has expired"', async () => {
    const { mock, t } = inProcess();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect(mock.control.expireAllTokens()).toBe(2);
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, tokens.refresh_token), 400, {
      error: 'invalid_grant',
      error_description: 'refresh token has expired',
    });
  });

  it('revoking refresh tokens only keeps access tokens alive', async () => {
    const { mock, t } = inProcess();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect(mock.control.revokeAllTokens('refresh')).toBe(1);
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeDefined();
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, tokens.refresh_token), 400, {
      error: 'invalid_grant',
      error_description: 'refresh token does not exist',
    });
  });

  it('revoking everything forgets both kinds; new flows still work', async () => {
    const { mock, t } = inProcess();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect(mock.control.revokeAllTokens()).toBe(2);
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeUndefined();
    expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(400);
    expect(mock.control.revokeAllTokens()).toBe(0);
    await obtainTokens(t, PUBLIC_CLIENT);
  });
});

describe('controls with a custom provider', () => {
  it('name the missing provider method instead of silently doing nothing', () => {
    const mock = createMockAuthServer({ issuerUrl: BASE_URL }, { provider: bareProvider() });
    expect(() => mock.control.expireAllTokens()).toThrow(ControlUnsupportedError);
    expect(() => mock.control.revokeAllTokens()).toThrow(
      /revokeAllTokens\(\) needs a provider with revokeTokens\(\)/,
    );
    expect(() => mock.control.reset()).toThrow(/reset\(\) needs a provider with resetState\(\)/);
  });

  it('still reconfigure and reset everything the mock itself owns', async () => {
    const mock = createMockAuthServer({ issuerUrl: BASE_URL }, { provider: bareProvider() });
    mock.control.reconfigure({ revocationOptions: { enabled: true } });
    expect(mock.routes.map((route) => route.path)).toContain('/revoke');
    mock.control.failNext('metadata');
    mock.control.reset({ keepProviderState: true });
    expect(mock.routes.map((route) => route.path)).not.toContain('/revoke');
    expect(mock.control.pendingFaults()).toEqual([]);
    const response = await mock.fetch(new Request(`${BASE_URL}/.well-known/oauth-authorization-server`));
    expect(response.status).toBe(200);
  });
});
