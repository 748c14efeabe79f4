/** Cases: bad input of every kind gets a 4xx (never a 5xx) and leaves state intact. */
import { expect } from 'vitest';
import { PUBLIC_CLIENT, baseSettings, obtainTokens, refresh, type AuthServerCase } from './helpers.js';

const PATHS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-protected-resource/mcp',
  '/authorize',
  '/token',
  '/register',
  '/revoke',
  '/consent',
  '/token/',
  '/%E2%9C%93',
];

const BODIES = [
  '',
  'garbage',
  '%%%&&==',
  '{}',
  '[1,"x"]',
  'client_id=%ZZ&grant_type=%C3%28&code=\u2713\u0000',
];
const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/json',
  'multipart/form-data',
  'text/plain; charset=utf-8',
];

export const robustnessCases: AuthServerCase[] = [
  {
    name: 'robustness: every route answers garbage with a 2xx-4xx, never a 5xx, and state survives',
    settings: (baseUrl) =>
      baseSettings(baseUrl, {
        approval: 'consent',
        clientRegistrationOptions: { enabled: true },
        revocationOptions: { enabled: true },
      }),
    async run(t) {
      const seen = new Set<number>();
      for (const path of PATHS) {
        for (const method of ['GET', 'HEAD', 'DELETE']) {
          const response = await t.fetch(`${t.baseUrl}${path}?client_id=%FF&state=%&scope=\u2713`, {
            method,
            redirect: 'manual',
          });
          seen.add(response.status);
          expect(response.status, `${method} ${path}`).toBeLessThan(500);
          await response.body?.cancel();
        }
        for (const method of ['POST', 'PUT', 'OPTIONS']) {
          for (const body of BODIES) {
            for (const contentType of CONTENT_TYPES) {
              const response = await t.fetch(`${t.baseUrl}${path}`, {
                method,
                body,
                headers: { 'content-type': contentType, authorization: 'Basic ###', origin: 'null' },
                redirect: 'manual',
              });
              seen.add(response.status);
              expect(
                response.status,
                `${method} ${path} ${contentType} ${JSON.stringify(body)}`,
              ).toBeLessThan(500);
              await response.body?.cancel();
            }
          }
        }
      }
      expect([...seen].sort()).toEqual(expect.arrayContaining([200, 307, 400, 401, 404, 405]));
    },
  },
  {
    name: 'robustness: tokens issued before a storm of bad requests still work after it',
    settings: (baseUrl) => baseSettings(baseUrl, { revocationOptions: { enabled: true } }),
    async run(t) {
      const tokens = await obtainTokens(t, PUBLIC_CLIENT);
      for (const body of BODIES) {
        for (const path of ['/token', '/revoke', '/authorize']) {
          const response = await t.fetch(`${t.baseUrl}${path}`, {
            method: 'POST',
            body: `${body}&token=${tokens.refresh_token.slice(0, 10)}&refresh_token=${tokens.refresh_token}x`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            redirect: 'manual',
          });
          expect(response.status).toBeLessThan(500);
          await response.body?.cancel();
        }
      }
      expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(200);
    },
  },
];
