import { describe, expect, it } from 'vitest';
import { decodeBase64Utf8, s256, timingSafeEqual } from '../../../mock-server/http/crypto.js';
import { escapeHtml } from '../../../mock-server/http/html.js';
import { constructRedirectUri, pythonUnquote, urlError } from '../../../mock-server/http/url.js';

describe('url helpers', () => {
  it.each([
    ['', 'input is empty'],
    ['/cb', 'relative URL without a base'],
    ['http://exa mple.com/', 'invalid domain character'],
    ['http://', 'empty host'],
    ['http://host:99999/', 'invalid port number'],
    ['http://[::1/', 'invalid IPv6 address'],
    ['http://localhost:3000/cb', undefined],
    ['myapp:/callback', undefined],
  ])('urlError(%j) = %j', (input, expected) => {
    expect(urlError(input)).toBe(expected);
  });

  it('constructRedirectUri keeps the own query (grouped, blanks dropped), appends in order, keeps the fragment', () => {
    expect(
      constructRedirectUri('http://localhost/cb?a=1&b=&c=2&a=3#frag', {
        error: 'invalid_scope',
        error_description: "x y!*'()~",
        state: undefined,
      }),
    ).toBe('http://localhost/cb?a=1&a=3&c=2&error=invalid_scope&error_description=x+y%21%2A%27%28%29~#frag');
  });

  it('pythonUnquote decodes UTF-8 escapes and keeps broken ones', () => {
    expect(pythonUnquote('a%20b%C3%BC%zz%')).toBe('a bü%zz%');
    expect(pythonUnquote('%ff')).toBe('\ufffd');
  });
});

describe('crypto helpers', () => {
  it('computes the RFC 7636 appendix B example', async () => {
    expect(await s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('decodes base64 leniently but refuses bad padding and invalid UTF-8', () => {
    expect(decodeBase64Utf8('YTpi')).toBe('a:b');
    expect(decodeBase64Utf8('YT pi\n')).toBe('a:b');
    expect(decodeBase64Utf8('YTo=')).toBe('a:');
    expect(decodeBase64Utf8('YTo')).toBeUndefined();
    expect(decodeBase64Utf8('Y')).toBeUndefined();
    expect(decodeBase64Utf8('//79')).toBeUndefined();
  });

  it('compares secrets exactly', () => {
    expect(timingSafeEqual('sécret', 'sécret')).toBe(true);
    expect(timingSafeEqual('secret', 'secreT')).toBe(false);
    expect(timingSafeEqual('secret', 'secret2')).toBe(false);
  });
});

describe('escapeHtml', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
