/**
 * Cases: expiries (codes, refresh tokens, registered secrets, consent pages). Time is moved with
 * `mock.control.clock.advance` on a manual clock, never waited for, so they run in process and over HTTP alike.
 */
import { expect } from 'vitest';
import {
  CALLBACK,
  PUBLIC_CLIENT,
  baseSettings,
  expectJsonError,
  obtainCode,
  obtainTokens,
  postForm,
  refresh,
  requireControl,
  type AuthServerCase,
  type CaseContext,
} from './helpers.js';

function exchange(t: CaseContext, code: string, verifier: string): Promise<Response> {
  return postForm(t, '/token', {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: CALLBACK,
    client_id: PUBLIC_CLIENT.client_id,
  });
}

export const expiryCases: AuthServerCase[] = [
  {
    name: 'expiry: authorization codes live 300 s, then "authorization code has expired"',
    usesControl: true,
    settings: (baseUrl) => baseSettings(baseUrl),
    async run(t) {
      const control = requireControl(t);
      const fresh = await obtainCode(t, PUBLIC_CLIENT);
      control.clock.advance(300);
      expect((await exchange(t, fresh.code, fresh.verifier)).status).toBe(200);
      const stale = await obtainCode(t, PUBLIC_CLIENT);
      control.clock.advance(301);
      await expectJsonError(await exchange(t, stale.code, stale.verifier), 400, {
        error: 'invalid_grant',
        error_description: 'authorization code has expired',
      });
    },
  },
  {
    name: 'expiry: refresh tokens last their configured lifetime, then "refresh token has expired"',
    usesControl: true,
    settings: (baseUrl) => baseSettings(baseUrl, { tokenLifetimes: { refreshTokenSeconds: 7200 } }),
    async run(t) {
      const control = requireControl(t);
      const tokens = await obtainTokens(t, PUBLIC_CLIENT);
      expect(tokens.expires_in).toBe(3600);
      control.clock.advance(7199);
      const rotated = await refresh(t, PUBLIC_CLIENT, tokens.refresh_token);
      expect(rotated.status).toBe(200);
      const next = (await rotated.json()) as { refresh_token: string };
      control.clock.advance(7201);
      await expectJsonError(await refresh(t, PUBLIC_CLIENT, next.refresh_token), 400, {
        error: 'invalid_grant',
        error_description: 'refresh token has expired',
      });
    },
  },
  {
    name: 'expiry: refresh tokens never expire when configured with null',
    usesControl: true,
    settings: (baseUrl) => baseSettings(baseUrl, { tokenLifetimes: { refreshTokenSeconds: null } }),
    async run(t) {
      const tokens = await obtainTokens(t, PUBLIC_CLIENT);
      requireControl(t).clock.advance(10 * 365 * 24 * 3600);
      expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(200);
    },
  },
  {
    name: 'expiry: registered secrets expire after client_secret_expiry_seconds; issued_at follows the clock',
    usesControl: true,
    settings: (baseUrl) =>
      baseSettings(baseUrl, { clientRegistrationOptions: { enabled: true, clientSecretExpirySeconds: 60 } }),
    async run(t) {
      const control = requireControl(t);
      const response = await t.fetch(`${t.baseUrl}/register`, {
        method: 'POST',
        body: JSON.stringify({ redirect_uris: [CALLBACK] }),
      });
      const client = (await response.json()) as {
        client_id: string;
        client_secret: string;
        client_id_issued_at: number;
        client_secret_expires_at: number;
      };
      expect(client.client_id_issued_at).toBe(Math.floor(control.clock.now() / 1000));
      expect(client.client_secret_expires_at).toBe(client.client_id_issued_at + 60);
      const attempt = () =>
        postForm(t, '/token', {
          grant_type: 'refresh_token',
          refresh_token: 'x',
          client_id: client.client_id,
          client_secret: client.client_secret,
        });
      control.clock.advance(60);
      expect((await attempt()).status).toBe(400);
      control.clock.advance(1);
      await expectJsonError(await attempt(), 401, {
        error: 'unauthorized_client',
        error_description: 'Client secret has expired',
      });
    },
  },
  {
    name: 'expiry: consent pages expire after consentSeconds',
    usesControl: true,
    settings: (baseUrl) =>
      baseSettings(baseUrl, { approval: 'consent', tokenLifetimes: { consentSeconds: 30 } }),
    async run(t) {
      const response = await t.fetch(
        `${t.baseUrl}/authorize?client_id=${PUBLIC_CLIENT.client_id}&response_type=code&code_challenge=abc`,
        { redirect: 'manual' },
      );
      const consentUrl = response.headers.get('location') ?? '';
      expect(new URL(consentUrl).pathname).toBe('/consent');
      expect((await t.fetch(consentUrl)).status).toBe(200);
      requireControl(t).clock.advance(31);
      expect((await t.fetch(consentUrl)).status).toBe(400);
    },
  },
];
