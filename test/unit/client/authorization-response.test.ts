import { describe, expect, it } from 'vitest';
import { checkIssuerParameter, validateCallback } from '../../../src/flow/authorization-response.js';
import { AuthorizationError } from '../../../src/errors.js';

const issuer = 'https://as.example/tenant';
const callback = (query: string) => new URL(`http://127.0.0.1/callback?${query}`);
const codeOf = (query: string, supported: boolean) =>
  validateCallback(callback(query), 'st', { issuer, issParameterSupported: supported });
const errorOf = (fn: () => unknown): AuthorizationError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AuthorizationError) return error;
    throw error;
  }
  throw new Error('expected an AuthorizationError');
};

describe('RFC 9207 iss validation', () => {
  it('accepts an exact iss when advertised, and no iss when not advertised', () => {
    expect(codeOf(`code=c&state=st&iss=${encodeURIComponent(issuer)}`, true)).toBe('c');
    expect(codeOf('code=c&state=st', false)).toBe('c');
  });

  it('rejects a missing iss when advertised', () => {
    expect(errorOf(() => codeOf('code=c&state=st', true)).code).toBe('iss_missing');
  });

  it('compares a present iss even when not advertised', () => {
    expect(errorOf(() => codeOf('code=c&state=st&iss=https%3A%2F%2Fevil.example', false)).code).toBe(
      'iss_mismatch',
    );
  });

  it('does not normalise: a trailing slash or case change is a mismatch', () => {
    expect(errorOf(() => codeOf(`code=c&state=st&iss=${encodeURIComponent(`${issuer}/`)}`, true)).code).toBe(
      'iss_mismatch',
    );
    expect(
      errorOf(() => codeOf(`code=c&state=st&iss=${encodeURIComponent(issuer.toUpperCase())}`, true)).code,
    ).toBe('iss_mismatch');
  });

  it('rejects duplicated iss parameters', () => {
    const params = new URLSearchParams([
      ['iss', issuer],
      ['iss', issuer],
    ]);
    expect(errorOf(() => checkIssuerParameter(params, { issuer, issParameterSupported: true })).code).toBe(
      'iss_mismatch',
    );
  });

  it("never surfaces an impostor's error: iss is checked before error", () => {
    const error = errorOf(() =>
      codeOf('error=access_denied&error_description=pwned&state=st&iss=https%3A%2F%2Fevil', false),
    );
    expect(error.code).toBe('iss_mismatch');
    expect(error.serverError).toBeUndefined();
    expect(error.message).not.toContain('pwned');
  });
});

describe('state and response validation', () => {
  it('rejects another state, a missing state and duplicated states', () => {
    expect(errorOf(() => codeOf('code=c&state=other', false)).code).toBe('state_mismatch');
    expect(errorOf(() => codeOf('code=c', false)).code).toBe('state_mismatch');
    expect(errorOf(() => codeOf('code=c&state=st&state=st', false)).code).toBe('state_mismatch');
  });

  it("turns an error response into a typed error carrying the server's code", () => {
    const error = errorOf(() => codeOf('error=access_denied&error_description=user+said+no&state=st', false));
    expect(error.code).toBe('authorization_error');
    expect(error.step).toBe('authorization');
    expect(error.serverError).toBe('access_denied');
    expect(error.serverErrorDescription).toBe('user said no');
  });

  it('requires exactly one code, and never puts the code in a message', () => {
    expect(errorOf(() => codeOf('state=st', false)).code).toBe('missing_code');
    const error = errorOf(() => codeOf('code=secret-code&code=other&state=st', false));
    expect(error.code).toBe('missing_code');
    expect(error.message).not.toContain('secret-code');
  });
});
