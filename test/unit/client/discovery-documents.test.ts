import { describe, expect, it } from 'vitest';
import {
  defaultEndpoints,
  processAuthorizationServerMetadata,
} from '../../../src/discovery/authorization-server-metadata.js';
import { processResourceMetadata, selectIssuer } from '../../../src/discovery/resource-metadata.js';
import { DiscoveryError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/json.js';

const MCP = new URL('https://api.example/v1/mcp');
const PRM_URL = new URL('https://api.example/.well-known/oauth-protected-resource/v1/mcp');
const AS_URL = new URL('https://as.example/.well-known/oauth-authorization-server');

const codeOf = (run: () => unknown): string => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return error instanceof DiscoveryError ? error.code : `untyped: ${String(error)}`;
  }
};

describe('processResourceMetadata (RFC 9728 document checks)', () => {
  it('accepts a document for this server or a parent path of it, keeping the resource as published', () => {
    const exact = processResourceMetadata({ resource: 'https://api.example/v1/mcp' }, PRM_URL, MCP);
    expect(exact.resource).toBe('https://api.example/v1/mcp');
    const parent = processResourceMetadata({ resource: 'https://api.example/' }, PRM_URL, MCP);
    expect(parent.resource).toBe('https://api.example/');
  });

  it("refuses another server's resource, a missing resource and a malformed authorization_servers", () => {
    expect(
      codeOf(() => processResourceMetadata({ resource: 'https://evil.example/v1/mcp' }, PRM_URL, MCP)),
    ).toBe('resource_mismatch');
    expect(
      codeOf(() => processResourceMetadata({ resource: 'https://api.example/v1/mcpx' }, PRM_URL, MCP)),
    ).toBe('resource_mismatch');
    expect(codeOf(() => processResourceMetadata(undefined, PRM_URL, MCP))).toBe('invalid_response');
    expect(codeOf(() => processResourceMetadata({ resource: 42 }, PRM_URL, MCP))).toBe('invalid_response');
    expect(
      codeOf(() =>
        processResourceMetadata({ resource: MCP.href, authorization_servers: 'https://as' }, PRM_URL, MCP),
      ),
    ).toBe('invalid_response');
  });

  it('drops a malformed scopes_supported instead of failing, and leaves the input untouched', () => {
    const body = { resource: MCP.href, scopes_supported: 'read write' };
    expect(processResourceMetadata(body, PRM_URL, MCP).scopes_supported).toBeUndefined();
    expect(body.scopes_supported).toBe('read write');
  });
});

describe('selectIssuer', () => {
  const metadata = { resource: MCP.href, authorization_servers: ['https://a.example', 'https://b.example'] };

  it('takes the first listed issuer, or the preferred one when the resource lists it', () => {
    expect(selectIssuer(metadata, MCP, undefined).issuer).toBe('https://a.example');
    expect(selectIssuer(metadata, MCP, 'https://b.example').issuer).toBe('https://b.example');
    expect(selectIssuer(metadata, MCP, 'https://c.example').issuer).toBe('https://a.example');
  });

  it('fails typed when none is listed or the choice is not a URL', () => {
    expect(codeOf(() => selectIssuer({ resource: MCP.href }, MCP, undefined))).toBe(
      'no_authorization_server',
    );
    expect(
      codeOf(() =>
        selectIssuer({ resource: MCP.href, authorization_servers: ['not a url'] }, MCP, undefined),
      ),
    ).toBe('invalid_response');
  });
});

describe('processAuthorizationServerMetadata (RFC 8414 document checks)', () => {
  const good = {
    issuer: 'https://as.example',
    authorization_endpoint: 'https://as.example/authorize',
    token_endpoint: 'https://as.example/token',
  };

  it('accepts the issuer string for string, or one of the equivalent issuers given', () => {
    expect(processAuthorizationServerMetadata(good, AS_URL, 'https://as.example').issuer).toBe(
      'https://as.example',
    );
    const slashed = { ...good, issuer: 'https://as.example/' };
    expect(codeOf(() => processAuthorizationServerMetadata(slashed, AS_URL, 'https://as.example'))).toBe(
      'issuer_mismatch',
    );
    expect(
      processAuthorizationServerMetadata(slashed, AS_URL, 'https://as.example', ['https://as.example/'])
        .issuer,
    ).toBe('https://as.example/');
  });

  it('names the first unusable field instead of failing later as a TypeError', () => {
    const broken = (patch: Record<string, unknown>) => () =>
      processAuthorizationServerMetadata({ ...good, ...patch }, AS_URL, 'https://as.example');
    expect(codeOf(broken({ token_endpoint: 'not a url' }))).toBe('invalid_response');
    expect(() => broken({ token_endpoint: 'not a url' })()).toThrow(/"token_endpoint"/);
    expect(() => broken({ registration_endpoint: 7 })()).toThrow(/"registration_endpoint"/);
    expect(() => broken({ code_challenge_methods_supported: 'S256' })()).toThrow(
      /"code_challenge_methods_supported"/,
    );
    expect(codeOf(() => processAuthorizationServerMetadata(undefined, AS_URL, 'https://as.example'))).toBe(
      'invalid_response',
    );
  });

  it('has 2025-03-26 default endpoints at the origin', () => {
    expect(defaultEndpoints('https://mcp.example')).toEqual({
      issuer: 'https://mcp.example',
      authorization_endpoint: 'https://mcp.example/authorize',
      token_endpoint: 'https://mcp.example/token',
      registration_endpoint: 'https://mcp.example/register',
    });
  });
});

describe('a resource published under another name for this machine', () => {
  const published = (resource: string): JsonObject => ({
    resource,
    authorization_servers: ['http://127.0.0.1:8000'],
  });
  const url = new URL('http://localhost:8000/.well-known/oauth-protected-resource/mcp');

  it('is still refused, with the URL to connect to and the server settings to change', () => {
    const error = (() => {
      try {
        processResourceMetadata(
          published('http://127.0.0.1:8000/mcp'),
          url,
          new URL('http://localhost:8000/mcp'),
        );
      } catch (e) {
        return e as DiscoveryError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('resource_mismatch');
    expect(error?.message).toContain('connect to http://127.0.0.1:8000/mcp');
    expect(error?.message).toContain('--resource-server-url');
  });

  it('is not confused with a resource that differs in more than the name', () => {
    expect(() =>
      processResourceMetadata(
        published('http://127.0.0.1:9000/mcp'),
        url,
        new URL('http://localhost:8000/mcp'),
      ),
    ).toThrow(/misconfigured or someone is redirecting you/);
  });
});
