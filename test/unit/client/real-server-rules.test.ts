/**
 * The pure rules behind meeting real authorization servers: which registration refusals are about scope, what
 * scope to register, when to add `prompt=consent`, whether a callback is at the redirect URI, which revocation
 * refusals end a sign-out anyway, what a stuck page looks like, and the headless cookie jar.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { CookieJar, parseSetCookie } from '../../../src/authorize/cookie-jar.js';
import { describePage } from '../../../src/authorize/headless.js';
import { AuthorizationError, TokenError } from '../../../src/errors.js';
import { isOpenIdProvider, needsConsentPrompt } from '../../../src/flow/authorization-request.js';
import { checkCallbackIsRedirectUri } from '../../../src/flow/authorization-response.js';
import { isScopeRefusal, registrationScope } from '../../../src/identity/resolve.js';
import { isUnrevocableAccessToken } from '../../../src/tokens/revoke-grant.js';

const as = (extra: Partial<AuthorizationServer>): AuthorizationServer => ({
  issuer: 'https://as.example',
  ...extra,
});

describe('isScopeRefusal', () => {
  it.each([
    [
      400,
      {
        error: 'invalid_client_metadata',
        error_description: 'scope must only contain supported scope values',
      },
      true,
    ],
    [400, { error: 'invalid_client_metadata', error_description: 'Scopes not allowed' }, true],
    [400, { error: 'invalid_scope' }, true],
    [400, { error: 'invalid_client_metadata', error_description: 'grant_types not allowed' }, false],
    [400, { error: 'invalid_client_metadata' }, false],
    [400, { error: 'invalid_redirect_uri', error_description: 'bad scope of redirect' }, false],
    [500, { error: 'invalid_scope' }, false],
    [201, { client_id: 'x' }, false],
  ])('HTTP %i %j → %s', (status, body, expected) => {
    expect(isScopeRefusal(body, status)).toBe(expected);
  });

  it('is false without a body', () => {
    expect(isScopeRefusal(undefined, 400)).toBe(false);
  });
});

describe('registrationScope', () => {
  it('registers OpenID identity scopes only when the authorization asks for them', () => {
    const all = ['openid', 'offline_access', 'profile', 'mcp:read'];
    expect(registrationScope(all, ['mcp:read', 'offline_access'])).toBe('offline_access mcp:read');
    expect(registrationScope(all, ['openid', 'mcp:read'])).toBe('openid offline_access mcp:read');
  });

  it('registers everything when nothing says what is requested, and nothing for no scopes', () => {
    expect(registrationScope(['openid', 'read'])).toBe('openid read');
    expect(registrationScope([], ['read'])).toBeUndefined();
    expect(registrationScope(undefined)).toBeUndefined();
    expect(registrationScope(['openid'], [])).toBeUndefined();
  });
});

describe('prompt=consent for offline_access (OpenID Connect Core §11)', () => {
  it('recognises an OpenID Provider by its scopes or its OpenID-only metadata', () => {
    expect(isOpenIdProvider(as({ scopes_supported: ['openid'] }))).toBe(true);
    expect(isOpenIdProvider(as({ id_token_signing_alg_values_supported: ['RS256'] }))).toBe(true);
    expect(isOpenIdProvider(as({ userinfo_endpoint: 'https://as.example/me' }))).toBe(true);
    expect(isOpenIdProvider(as({ scopes_supported: ['read', 'offline_access'] }))).toBe(false);
  });

  it('asks for consent only from an OpenID Provider, only with offline_access, unless it lists no consent prompt', () => {
    const op = as({ scopes_supported: ['openid', 'offline_access'] });
    expect(needsConsentPrompt(op, ['read', 'offline_access'])).toBe(true);
    expect(needsConsentPrompt(op, ['read'])).toBe(false);
    expect(needsConsentPrompt(as({ scopes_supported: ['offline_access'] }), ['offline_access'])).toBe(false);
    expect(
      needsConsentPrompt({ ...op, prompt_values_supported: ['none', 'login'] }, ['offline_access']),
    ).toBe(false);
    expect(needsConsentPrompt({ ...op, prompt_values_supported: ['consent'] }, ['offline_access'])).toBe(
      true,
    );
  });
});

describe('checkCallbackIsRedirectUri', () => {
  const redirectUri = 'http://127.0.0.1:3000/callback';

  it('accepts the redirect URI with the response in its query', () => {
    expect(() =>
      checkCallbackIsRedirectUri(new URL(`${redirectUri}?code=c&state=s`), redirectUri),
    ).not.toThrow();
  });

  it.each([
    'http://127.0.0.1:3000/callback/more?code=c',
    'http://127.0.0.1:3001/callback?code=c',
    'https://as.example/login?state=s',
  ])('refuses %s as authorization_incomplete, with the code redacted', (url) => {
    const error = (() => {
      try {
        checkCallbackIsRedirectUri(new URL(url), redirectUri);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AuthorizationError);
    expect((error as AuthorizationError).code).toBe('authorization_incomplete');
    expect((error as AuthorizationError).message).not.toContain('code=c');
  });
});

describe('isUnrevocableAccessToken', () => {
  const refusal = (serverError: string): TokenError =>
    new TokenError({ step: 'revocation', code: 'revocation_failed', message: 'refused', serverError });

  it('is true only for an access token refused with unsupported_token_type', () => {
    expect(isUnrevocableAccessToken('access_token', refusal('unsupported_token_type'))).toBe(true);
    expect(isUnrevocableAccessToken('refresh_token', refusal('unsupported_token_type'))).toBe(false);
    expect(isUnrevocableAccessToken('access_token', refusal('invalid_client'))).toBe(false);
    expect(isUnrevocableAccessToken('access_token', new Error('unsupported_token_type'))).toBe(false);
  });
});

describe('describePage', () => {
  it('tells a login form from another form and from a page without one', () => {
    expect(describePage('<FORM><input type="password"></FORM>')).toMatch(/login form/);
    expect(describePage('<form><button>Allow</button></form>')).toMatch(/login or consent/);
    expect(describePage('<p>hello</p>')).toBeUndefined();
  });
});

describe('the headless cookie jar', () => {
  const at = new URL('http://127.0.0.1:4000/interaction/1/login');
  const now = 1_700_000_000_000;

  it('sends a cookie on its path only, longest path first', () => {
    const jar = new CookieJar();
    jar.store(at, ['a=1; Path=/interaction/1', 'b=2; Path=/', 'c=3; Path=/other'], now);
    expect(jar.header(new URL('http://127.0.0.1:4000/interaction/1/consent'), now)).toBe('a=1; b=2');
    expect(jar.header(new URL('http://127.0.0.1:4000/interaction/10'), now)).toBe('b=2');
    expect(jar.header(new URL('http://other.example/interaction/1'), now)).toBeUndefined();
  });

  it('defaults the path to the directory of the request, and forgets expired cookies', () => {
    const jar = new CookieJar();
    jar.store(at, ['d=4', 'e=5; Max-Age=10', 'f=6; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], now);
    expect(jar.header(new URL('http://127.0.0.1:4000/interaction/1/x'), now)).toBe('d=4; e=5');
    expect(jar.header(new URL('http://127.0.0.1:4000/interaction/1/x'), now + 11_000)).toBe('d=4');
    jar.store(at, ['d=; Max-Age=0'], now);
    expect(jar.header(new URL('http://127.0.0.1:4000/interaction/1/x'), now)).toBe('e=5');
  });

  it('sends Secure cookies over https or loopback only', () => {
    const jar = new CookieJar();
    jar.store(new URL('http://as.example/'), ['s=1; Secure'], now);
    expect(jar.header(new URL('http://as.example/'), now)).toBeUndefined();
    expect(jar.header(new URL('https://as.example/'), now)).toBe('s=1');
  });

  it('refuses malformed and oversized cookies', () => {
    expect(parseSetCookie('novalue', at, now)).toBeUndefined();
    expect(parseSetCookie('=x', at, now)).toBeUndefined();
    expect(parseSetCookie(`big=${'x'.repeat(5000)}`, at, now)).toBeUndefined();
  });
});
