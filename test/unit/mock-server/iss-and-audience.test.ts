import { describe, expect, it } from 'vitest';
import { validateSettings } from '../../../mock-server/index.js';
import { isOwnResource } from '../../../mock-server/routes/audience.js';
import {
  issParameterAdvertised,
  issParameterValue,
  withIssParameter,
} from '../../../mock-server/routes/iss.js';
import { authorizationServerMetadataPaths, issuerPathPrefix } from '../../../mock-server/routes/metadata.js';

const ON = validateSettings({
  issuerUrl: 'http://localhost:8000',
  beyondFastMcp: { authorizationResponseIss: true },
});
const CALLBACK = 'http://localhost:3000/cb?tenant=a';

describe('withIssParameter', () => {
  it('appends iss to redirects that go to the redirect URI, keeping the query and the fragment', () => {
    expect(withIssParameter(`${CALLBACK}&code=x`, CALLBACK, ON)).toBe(
      'http://localhost:3000/cb?tenant=a&code=x&iss=http%3A%2F%2Flocalhost%3A8000%2F',
    );
    expect(withIssParameter('http://localhost:3000/cb#frag', 'http://localhost:3000/cb', ON)).toBe(
      'http://localhost:3000/cb?iss=http%3A%2F%2Flocalhost%3A8000%2F#frag',
    );
  });

  it('leaves other locations (a consent page) and FastMCP mode alone', () => {
    expect(withIssParameter('http://localhost:8000/consent?request=r', CALLBACK, ON)).toBe(
      'http://localhost:8000/consent?request=r',
    );
    const off = validateSettings({ issuerUrl: 'http://localhost:8000' });
    expect(withIssParameter(`${CALLBACK}&code=x`, CALLBACK, off)).toBe(`${CALLBACK}&code=x`);
  });

  it('follows the iss quirks', () => {
    const quirk = (iss: 'wrong' | 'missing' | 'unadvertised') =>
      validateSettings({ issuerUrl: 'http://localhost:8000', quirks: { iss } });
    expect([issParameterAdvertised(quirk('wrong')), issParameterValue(quirk('wrong'))]).toStrictEqual([
      true,
      'https://wrong-issuer.invalid/',
    ]);
    expect([issParameterAdvertised(quirk('missing')), issParameterValue(quirk('missing'))]).toStrictEqual([
      true,
      undefined,
    ]);
    expect([
      issParameterAdvertised(quirk('unadvertised')),
      issParameterValue(quirk('unadvertised')),
    ]).toStrictEqual([false, 'http://localhost:8000/']);
  });
});

describe('isOwnResource', () => {
  it('compares after URL normalisation and refuses fragments and other resources', () => {
    expect(isOwnResource('HTTP://LOCALHOST:8000/mcp', ON)).toBe(true);
    expect(isOwnResource('http://localhost:8000/mcp#x', ON)).toBe(false);
    expect(isOwnResource('http://localhost:8000/mcp/', ON)).toBe(false);
    expect(isOwnResource('not a url', ON)).toBe(false);
  });
});

describe('metadata paths', () => {
  it('FastMCP: the root only; path-aware: RFC 8414 insertion and the OpenID variants', () => {
    const path = (issuerUrl: string, pathAwareMetadata: boolean) =>
      validateSettings({ issuerUrl, beyondFastMcp: { pathAwareMetadata } });
    expect(authorizationServerMetadataPaths(path('http://localhost:8000/t', false))).toStrictEqual([
      '/.well-known/oauth-authorization-server',
    ]);
    expect(issuerPathPrefix(path('http://localhost:8000/t', false))).toBe('');
    expect(authorizationServerMetadataPaths(path('http://localhost:8000/a/b/', true))).toStrictEqual([
      '/.well-known/oauth-authorization-server/a/b',
      '/.well-known/openid-configuration/a/b',
      '/a/b/.well-known/openid-configuration',
    ]);
    expect(issuerPathPrefix(path('http://localhost:8000/a/b/', true))).toBe('/a/b');
  });
});
