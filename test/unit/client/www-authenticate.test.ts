import { describe, expect, it } from 'vitest';
import { bearerChallenge, parseWwwAuthenticate } from '../../../src/discovery/www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('keeps commas and spaces inside quoted values', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer realm="a, b", scope="read write", error="insufficient_scope"',
    );
    expect(challenge).toEqual({
      scheme: 'bearer',
      params: { realm: 'a, b', scope: 'read write', error: 'insufficient_scope' },
    });
  });

  it('splits several challenges in one header', () => {
    const challenges = parseWwwAuthenticate(
      'Basic realm="legacy, old", Bearer resource_metadata="https://x.example/.well-known/oauth-protected-resource", scope="a b", DPoP algs="ES256"',
    );
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'bearer', 'dpop']);
    expect(challenges[0]?.params).toEqual({ realm: 'legacy, old' });
    expect(challenges[1]?.params).toEqual({
      resource_metadata: 'https://x.example/.well-known/oauth-protected-resource',
      scope: 'a b',
    });
    expect(challenges[2]?.params).toEqual({ algs: 'ES256' });
  });

  it('unescapes quoted-pairs and lower-cases scheme and parameter names', () => {
    const [challenge] = parseWwwAuthenticate('BEARER Error_Description="say \\"hi\\", twice"');
    expect(challenge).toEqual({ scheme: 'bearer', params: { error_description: 'say "hi", twice' } });
  });

  it('reads a token68 after the scheme and a scheme without parameters', () => {
    expect(parseWwwAuthenticate('Negotiate abc123==, Bearer')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc123==' },
      { scheme: 'bearer', params: {} },
    ]);
  });

  it('accepts unquoted URL values and spaces around "="', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer resource_metadata = https://x.example/prm , error=invalid_token',
    );
    expect(challenge?.params).toEqual({ resource_metadata: 'https://x.example/prm', error: 'invalid_token' });
  });

  it('returns what it could parse from malformed input without throwing', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer scope="unterminated')).toEqual([
      { scheme: 'bearer', params: { scope: 'unterminated' } },
    ]);
    expect(parseWwwAuthenticate('"quoted" Bearer')).toEqual([]);
  });
});

describe('bearerChallenge', () => {
  it('picks the Bearer challenge among others', () => {
    expect(
      bearerChallenge(
        'Basic realm="x", Bearer error="insufficient_scope", scope="files:write", resource_metadata="https://r/prm"',
      ),
    ).toEqual({
      scheme: 'bearer',
      error: 'insufficient_scope',
      scope: 'files:write',
      resourceMetadata: 'https://r/prm',
    });
  });

  it('treats an empty scope as absent and a missing header or Bearer challenge as undefined', () => {
    expect(bearerChallenge('Bearer scope=""')).toEqual({ scheme: 'bearer' });
    expect(bearerChallenge(null)).toBeUndefined();
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
  });

  it('accepts DPoP challenges', () => {
    expect(bearerChallenge('DPoP error="invalid_token", algs="ES256"')).toEqual({
      scheme: 'dpop',
      error: 'invalid_token',
    });
  });
});
