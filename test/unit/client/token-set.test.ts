import { describe, expect, it } from 'vitest';
import { splitScope } from '../../../src/flow/scope.js';
import { isExpiring, tokenSetFromResponse } from '../../../src/tokens/token-set.js';

describe('tokenSetFromResponse', () => {
  it('stores an absolute expiry and the granted scope', () => {
    const tokens = tokenSetFromResponse(
      { access_token: 'at', token_type: 'bearer', expires_in: 60, scope: 'a b', refresh_token: 'rt' },
      1_000,
      ['x'],
    );
    expect(tokens).toEqual({
      accessToken: 'at',
      expiresAt: 61_000,
      issuedAt: 1_000,
      scopes: ['a', 'b'],
      refreshToken: 'rt',
    });
  });

  it('never assumes a refresh token, keeps the old one when none is returned, and falls back to requested scopes', () => {
    expect(
      tokenSetFromResponse({ access_token: 'at', token_type: 'bearer' }, 0, ['x']).refreshToken,
    ).toBeUndefined();
    const refreshed = tokenSetFromResponse({ access_token: 'at2', token_type: 'bearer' }, 0, ['x'], 'old-rt');
    expect(refreshed.refreshToken).toBe('old-rt');
    expect(refreshed.scopes).toEqual(['x']);
    expect(refreshed.expiresAt).toBeUndefined();
  });
});

describe('isExpiring', () => {
  it('is true within the skew margin and false for tokens without expiry', () => {
    const tokens = { accessToken: 'a', scopes: [], expiresAt: 10_000 };
    expect(isExpiring(tokens, 5_000, 1_000)).toBe(false);
    expect(isExpiring(tokens, 9_000, 1_000)).toBe(true);
    expect(isExpiring({ accessToken: 'a', scopes: [] }, 1e15, 1_000)).toBe(false);
  });
});

describe('isExpiring with short-lived tokens', () => {
  it('caps the margin at half the lifetime so a 30 s token is not refreshed on every request', () => {
    const tokens = { accessToken: 'a', scopes: [], issuedAt: 0, expiresAt: 30_000 };
    expect(isExpiring(tokens, 10_000, 60_000)).toBe(false);
    expect(isExpiring(tokens, 15_000, 60_000)).toBe(true);
  });
});

describe('splitScope', () => {
  it('splits on any whitespace', () => {
    expect(splitScope(' a  b\tc ')).toEqual(['a', 'b', 'c']);
    expect(splitScope(undefined)).toEqual([]);
  });
});
