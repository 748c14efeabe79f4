import { describe, expect, it } from 'vitest';
import { discover } from '../../../src/discovery/discover.js';
import { DiscoveryError } from '../../../src/errors.js';
import { createEventStream } from '../../../src/events.js';
import type { HttpContext } from '../../../src/http.js';

/** A server made of a path → JSON table (404 elsewhere) that records every path asked for. */
function server(documents: Record<string, unknown>) {
  const asked: string[] = [];
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    asked.push(`${url.host}${url.pathname}`);
    const document = documents[`${url.host}${url.pathname}`];
    return document === undefined ? new Response('not found', { status: 404 }) : Response.json(document);
  };
  const ctx: HttpContext = {
    fetch,
    timeoutMs: 5_000,
    allowInsecureHttp: false,
    maxResponseBytes: 1024 * 1024,
  };
  return { asked, ctx };
}

/** A minimal valid authorization-server metadata document. */
function metadataOf(issuer: string) {
  const base = issuer.replace(/\/$/, '');
  return { issuer, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token` };
}

const run = (ctx: HttpContext, mcpUrl: string, challengeResourceMetadata?: string) =>
  discover(ctx, createEventStream(), { mcpUrl: new URL(mcpUrl), challengeResourceMetadata });

describe('discover', () => {
  it('walks path-based resource metadata then the three path-issuer locations in order', async () => {
    const { asked, ctx } = server({
      'mcp.example/.well-known/oauth-protected-resource/v1/mcp': {
        resource: 'https://mcp.example/v1/mcp',
        authorization_servers: ['https://as.example/tenant1'],
        scopes_supported: ['read'],
      },
      'as.example/tenant1/.well-known/openid-configuration': {
        issuer: 'https://as.example/tenant1',
        authorization_endpoint: 'https://as.example/tenant1/authorize',
        token_endpoint: 'https://as.example/tenant1/token',
      },
    });
    const result = await run(ctx, 'https://mcp.example/v1/mcp');
    expect(asked).toEqual([
      'mcp.example/.well-known/oauth-protected-resource/v1/mcp',
      'as.example/.well-known/oauth-authorization-server/tenant1',
      'as.example/.well-known/openid-configuration/tenant1',
      'as.example/tenant1/.well-known/openid-configuration',
    ]);
    expect(result.issuer).toBe('https://as.example/tenant1');
    expect(result.resource).toBe('https://mcp.example/v1/mcp');
    expect(result.legacy).toBe('none');
  });

  it("uses the challenge's resource_metadata first and keeps a pathless resource exactly as published", async () => {
    const { asked, ctx } = server({
      'mcp.example/custom/prm.json': {
        resource: 'https://mcp.example',
        authorization_servers: ['https://as.example'],
      },
      'as.example/.well-known/openid-configuration': metadataOf('https://as.example'),
    });
    const result = await run(ctx, 'https://mcp.example/mcp', 'https://mcp.example/custom/prm.json');
    expect(asked).toEqual([
      'mcp.example/custom/prm.json',
      'as.example/.well-known/oauth-authorization-server',
      'as.example/.well-known/openid-configuration',
    ]);
    expect(result.resource).toBe('https://mcp.example');
  });

  it('falls back to the root resource metadata only after the path-based one', async () => {
    const { asked, ctx } = server({
      'mcp.example/.well-known/oauth-protected-resource': {
        resource: 'https://mcp.example/',
        authorization_servers: ['https://as.example'],
      },
      'as.example/.well-known/oauth-authorization-server': metadataOf('https://as.example'),
    });
    await run(ctx, 'https://mcp.example/mcp');
    expect(asked.slice(0, 2)).toEqual([
      'mcp.example/.well-known/oauth-protected-resource/mcp',
      'mcp.example/.well-known/oauth-protected-resource',
    ]);
  });

  it('refuses metadata whose issuer differs, even by a trailing slash, without trying further URLs', async () => {
    const { asked, ctx } = server({
      'mcp.example/.well-known/oauth-protected-resource/mcp': {
        resource: 'https://mcp.example/mcp',
        authorization_servers: ['https://as.example'],
      },
      'as.example/.well-known/oauth-authorization-server': metadataOf('https://as.example/'),
      'as.example/.well-known/openid-configuration': metadataOf('https://as.example'),
    });
    const error = await run(ctx, 'https://mcp.example/mcp').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as DiscoveryError).code).toBe('issuer_mismatch');
    expect(asked).not.toContain('as.example/.well-known/openid-configuration');
  });

  it('rejects resource metadata for another server before touching the authorization server', async () => {
    const { asked, ctx } = server({
      'mcp.example/.well-known/oauth-protected-resource/mcp': {
        resource: 'https://evil.example/mcp',
        authorization_servers: ['https://as.example'],
      },
    });
    const error = await run(ctx, 'https://mcp.example/mcp').catch((e: unknown) => e);
    expect((error as DiscoveryError).code).toBe('resource_mismatch');
    expect(asked.some((path) => path.startsWith('as.example'))).toBe(false);
  });

  it('treats a server without resource metadata as 2025-03-26: its origin is the authorization server', async () => {
    const { ctx } = server({
      'mcp.example/.well-known/oauth-authorization-server': {
        issuer: 'https://mcp.example',
        authorization_endpoint: 'https://mcp.example/oauth/authorize',
        token_endpoint: 'https://mcp.example/oauth/token',
      },
    });
    const result = await run(ctx, 'https://mcp.example/mcp');
    expect(result.legacy).toBe('no-resource-metadata');
    expect(result.authorizationServer.authorization_endpoint).toBe('https://mcp.example/oauth/authorize');
    expect(result.resource).toBe('https://mcp.example/mcp');
  });

  it('takes the origin with or without a trailing slash as the 2025-03-26 issuer, and nothing else', async () => {
    const slash = server({
      'mcp.example/.well-known/oauth-authorization-server': {
        issuer: 'https://mcp.example/',
        authorization_endpoint: 'https://mcp.example/authorize',
        token_endpoint: 'https://mcp.example/token',
      },
    });
    const result = await run(slash.ctx, 'https://mcp.example/mcp');
    expect(result.issuer).toBe('https://mcp.example/');

    const other = server({
      'mcp.example/.well-known/oauth-authorization-server': {
        issuer: 'https://mcp.example/tenant',
        authorization_endpoint: 'https://mcp.example/authorize',
        token_endpoint: 'https://mcp.example/token',
      },
    });
    const error = await run(other.ctx, 'https://mcp.example/mcp').catch((e: unknown) => e);
    expect((error as DiscoveryError).code).toBe('issuer_mismatch');
  });

  it('says the challenge header may be hidden by CORS when it falls back without one', async () => {
    const { ctx } = server({});
    const events = createEventStream();
    const messages: string[] = [];
    events.subscribe((event) => messages.push(event.message));
    await discover(ctx, events, { mcpUrl: new URL('https://mcp.example/mcp'), challengeHeaderMissing: true });
    expect(messages.at(-1)).toContain('Access-Control-Expose-Headers');
  });

  it('uses /authorize, /token and /register at the origin when there is no metadata at all', async () => {
    const { ctx } = server({});
    const result = await run(ctx, 'https://mcp.example/mcp');
    expect(result.legacy).toBe('default-endpoints');
    expect(result.authorizationServer).toMatchObject({
      authorization_endpoint: 'https://mcp.example/authorize',
      token_endpoint: 'https://mcp.example/token',
      registration_endpoint: 'https://mcp.example/register',
    });
  });

  it('stops with a typed error when metadata is unreachable or failing, instead of falling back to 2025-03-26', async () => {
    const unreachable: HttpContext = {
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
      timeoutMs: 5_000,
      allowInsecureHttp: false,
      maxResponseBytes: 1024 * 1024,
    };
    const offline = await run(unreachable, 'https://mcp.example/mcp').catch((e: unknown) => e);
    expect(offline).toBeInstanceOf(DiscoveryError);
    expect((offline as DiscoveryError).code).toBe('network_error');
    expect((offline as DiscoveryError).message).toContain('CORS');

    const failing: HttpContext = {
      fetch: () => Promise.resolve(new Response('oops', { status: 503 })),
      timeoutMs: 5_000,
      allowInsecureHttp: false,
      maxResponseBytes: 1024 * 1024,
    };
    const broken = await run(failing, 'https://mcp.example/mcp').catch((e: unknown) => e);
    expect((broken as DiscoveryError).code).toBe('invalid_response');
    expect((broken as DiscoveryError).status).toBe(503);
  });

  it.each([
    ['authorization_endpoint', { authorization_endpoint: 'not a url' }],
    ['token_endpoint', { token_endpoint: undefined }],
    ['registration_endpoint', { registration_endpoint: 42 }],
    ['code_challenge_methods_supported', { code_challenge_methods_supported: 'S256' }],
  ])('refuses authorization-server metadata with an unusable %s at discovery', async (field, patch) => {
    const { ctx } = server({
      'mcp.example/.well-known/oauth-protected-resource/mcp': {
        resource: 'https://mcp.example/mcp',
        authorization_servers: ['https://as.example'],
      },
      'as.example/.well-known/oauth-authorization-server': { ...metadataOf('https://as.example'), ...patch },
    });
    const error = await run(ctx, 'https://mcp.example/mcp').catch((e: unknown) => e);
    expect((error as DiscoveryError).code).toBe('invalid_response');
    expect((error as DiscoveryError).message).toContain(`"${field}"`);
  });

  it('refuses a plain-http authorization server that is not on loopback', async () => {
    const { ctx } = server({
      'mcp.example/.well-known/oauth-protected-resource/mcp': {
        resource: 'https://mcp.example/mcp',
        authorization_servers: ['http://as.example'],
      },
    });
    const error = await run(ctx, 'https://mcp.example/mcp').catch((e: unknown) => e);
    expect((error as DiscoveryError).code).toBe('insecure_url');
  });
});
