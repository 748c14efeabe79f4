import { calculatePKCECodeChallenge } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { assertPkceS256, buildAuthorizationRequest } from '../../../src/flow/authorization-request.js';
import { AuthorizationError } from '../../../src/errors.js';

const as = {
  issuer: 'https://as.example',
  authorization_endpoint: 'https://as.example/authorize?tenant=t1',
  code_challenge_methods_supported: ['S256'],
};

describe('assertPkceS256', () => {
  it('accepts S256 and refuses plain-only or absent advertisement', () => {
    expect(() => assertPkceS256(as, false)).not.toThrow();
    expect(() => assertPkceS256({ ...as, code_challenge_methods_supported: ['plain'] }, false)).toThrow(
      AuthorizationError,
    );
    expect(() => assertPkceS256({ issuer: 'https://as.example' }, false)).toThrow(/PKCE S256/);
  });

  it('exempts the 2025-03-26 default-endpoint fallback', () => {
    expect(() => assertPkceS256({ issuer: 'https://as.example' }, true)).not.toThrow();
  });
});

describe('buildAuthorizationRequest', () => {
  const build = (scopes: string[], resource = 'https://mcp.example') =>
    buildAuthorizationRequest({
      as,
      clientId: 'client-1',
      client: { source: 'dynamic-registration', confidential: false },
      redirectUri: 'http://127.0.0.1/callback',
      resource,
      scopes,
      issuer: as.issuer,
      mcpUrl: 'https://mcp.example/',
      now: 1,
    });

  it('sends PKCE S256, a random state, the resource exactly as published and the scopes', async () => {
    const { url, pending } = await build(['a', 'b']);
    const params = url.searchParams;
    expect(params.get('tenant')).toBe('t1');
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe('client-1');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toBe(await calculatePKCECodeChallenge(pending.codeVerifier));
    expect(params.get('state')).toBe(pending.state);
    expect(params.get('resource')).toBe('https://mcp.example');
    expect(params.get('scope')).toBe('a b');
    expect(pending.state.length).toBeGreaterThanOrEqual(32);
  });

  it('omits scope when none is selected and uses a fresh state and verifier each time', async () => {
    const first = await build([]);
    const second = await build([]);
    expect(first.url.searchParams.has('scope')).toBe(false);
    expect(first.pending.state).not.toBe(second.pending.state);
    expect(first.pending.codeVerifier).not.toBe(second.pending.codeVerifier);
  });
});
