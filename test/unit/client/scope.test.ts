import { describe, expect, it } from 'vitest';
import { selectScopes, union } from '../../../src/flow/scope.js';

describe('selectScopes', () => {
  it("uses the challenge's scope first", () => {
    expect(selectScopes({ challengeScope: 'mcp:basic', resourceScopesSupported: ['a', 'b'] })).toEqual([
      'mcp:basic',
    ]);
  });

  it('falls back to every scopes_supported of the resource, then to nothing (scope omitted)', () => {
    expect(selectScopes({ resourceScopesSupported: ['mcp:basic', 'mcp:read'] })).toEqual([
      'mcp:basic',
      'mcp:read',
    ]);
    expect(selectScopes({})).toEqual([]);
    expect(selectScopes({ resourceScopesSupported: [] })).toEqual([]);
  });

  it('adds offline_access only when the authorization server lists it', () => {
    expect(
      selectScopes({ challengeScope: 'a', authorizationServerScopesSupported: ['a', 'offline_access'] }),
    ).toEqual(['a', 'offline_access']);
    expect(
      selectScopes({ challengeScope: 'a offline_access', authorizationServerScopesSupported: ['a'] }),
    ).toEqual(['a']);
  });

  it('never turns an omitted scope into a bare offline_access request', () => {
    expect(selectScopes({ authorizationServerScopesSupported: ['offline_access'] })).toEqual([]);
  });

  it('asks for the union of held and demanded scopes on step-up, plus application extras', () => {
    expect(
      selectScopes({ challengeScope: 'mcp:write', heldScopes: ['mcp:basic'], extraScopes: ['profile'] }),
    ).toEqual(['mcp:basic', 'mcp:write', 'profile']);
  });
});

describe('union', () => {
  it('preserves first-seen order and drops duplicates and empty strings', () => {
    expect(union(['a', 'b'], ['b', '', 'c'], ['a'])).toEqual(['a', 'b', 'c']);
  });
});
