import { describe, expect, it } from 'vitest';
import { resourceMatchesServer } from '../../../src/discovery/resource-check.js';
import {
  authorizationServerMetadataUrls,
  canonicalResourceUri,
  resourceMetadataUrls,
} from '../../../src/discovery/urls.js';

const hrefs = (urls: URL[]) => urls.map((u) => u.href);

describe('resourceMetadataUrls', () => {
  it('tries the challenge URL, then the path-aware well-known URL, then the root', () => {
    expect(
      hrefs(
        resourceMetadataUrls(new URL('https://api.example/v1/mcp'), 'https://api.example/custom/prm.json'),
      ),
    ).toEqual([
      'https://api.example/custom/prm.json',
      'https://api.example/.well-known/oauth-protected-resource/v1/mcp',
      'https://api.example/.well-known/oauth-protected-resource',
    ]);
  });

  it('never tries the root before the path, and only the root for a pathless server', () => {
    expect(hrefs(resourceMetadataUrls(new URL('https://api.example/mcp/')))).toEqual([
      'https://api.example/.well-known/oauth-protected-resource/mcp',
      'https://api.example/.well-known/oauth-protected-resource',
    ]);
    expect(hrefs(resourceMetadataUrls(new URL('https://api.example')))).toEqual([
      'https://api.example/.well-known/oauth-protected-resource',
    ]);
  });

  it('resolves a relative challenge URL and ignores an unparseable one', () => {
    expect(hrefs(resourceMetadataUrls(new URL('https://api.example/'), '/prm'))[0]).toBe(
      'https://api.example/prm',
    );
    expect(hrefs(resourceMetadataUrls(new URL('https://api.example/'), 'http://[bad'))).toEqual([
      'https://api.example/.well-known/oauth-protected-resource',
    ]);
  });
});

describe('authorizationServerMetadataUrls', () => {
  it('uses the three path-aware locations for an issuer with a path (never the root)', () => {
    expect(hrefs(authorizationServerMetadataUrls(new URL('https://as.example/tenant1')))).toEqual([
      'https://as.example/.well-known/oauth-authorization-server/tenant1',
      'https://as.example/.well-known/openid-configuration/tenant1',
      'https://as.example/tenant1/.well-known/openid-configuration',
    ]);
  });

  it('uses OAuth then OIDC for an issuer without a path', () => {
    expect(hrefs(authorizationServerMetadataUrls(new URL('https://as.example')))).toEqual([
      'https://as.example/.well-known/oauth-authorization-server',
      'https://as.example/.well-known/openid-configuration',
    ]);
  });
});

describe('canonicalResourceUri', () => {
  it('adds no trailing slash to a bare origin and drops the fragment', () => {
    expect(canonicalResourceUri(new URL('HTTPS://API.Example'))).toBe('https://api.example');
    expect(canonicalResourceUri(new URL('https://api.example/mcp#x'))).toBe('https://api.example/mcp');
  });
});

describe('resourceMatchesServer', () => {
  const server = new URL('https://api.example/v1/mcp');

  it('accepts the exact URL, a path prefix on a segment boundary and the bare origin', () => {
    expect(resourceMatchesServer('https://api.example/v1/mcp', server)).toBe(true);
    expect(resourceMatchesServer('https://api.example/v1', server)).toBe(true);
    expect(resourceMatchesServer('https://api.example', server)).toBe(true);
    expect(resourceMatchesServer('https://api.example/', server)).toBe(true);
  });

  it('rejects another origin, a sibling path, a longer path and garbage', () => {
    expect(resourceMatchesServer('https://evil.example/v1/mcp', server)).toBe(false);
    expect(resourceMatchesServer('http://api.example/v1/mcp', server)).toBe(false);
    expect(resourceMatchesServer('https://api.example:8443/v1/mcp', server)).toBe(false);
    expect(resourceMatchesServer('https://api.example/v1/mc', server)).toBe(false);
    expect(resourceMatchesServer('https://api.example/v1/mcp/extra', server)).toBe(false);
    expect(resourceMatchesServer('not a url', server)).toBe(false);
  });
});
