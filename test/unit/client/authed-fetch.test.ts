import { describe, expect, it } from 'vitest';
import { DpopBindings } from '../../../src/dpop/binding.js';
import { createEventStream } from '../../../src/events.js';
import type { FetchLike } from '../../../src/http.js';
import { createAuthedFetch } from '../../../src/session/authed-fetch.js';
import { Authorizer } from '../../../src/session/authorizer.js';
import { AuthStateStore } from '../../../src/storage/auth-state.js';
import { memoryStorage } from '../../../src/storage/storage.js';
import { inProcessLocks } from '../../../src/tokens/single-flight.js';

const MCP_URL = new URL('https://mcp.example/mcp');

/** An authorizer over `store` that sends with `fetch` and never authorizes (the grant is already there). */
function authorizerOver(store: AuthStateStore, fetch: FetchLike): Authorizer {
  return new Authorizer({
    mcpUrl: MCP_URL,
    ctx: { fetch, timeoutMs: 1_000, allowInsecureHttp: false, maxResponseBytes: 1024 * 1024 },
    events: createEventStream(),
    store,
    locks: inProcessLocks(),
    handler: undefined,
    identity: { redirectUri: 'http://127.0.0.1/callback', clientName: 'unit' },
    extraScopes: [],
    interactive: true,
    authorizationTimeoutMs: 1_000,
    refreshSkewMs: 0,
  });
}

/** An authed fetch over a store that already holds a grant, recording what goes out. */
async function setup() {
  const store = new AuthStateStore(memoryStorage());
  await store.saveGrant(MCP_URL.href, {
    issuer: 'https://as.example',
    clientId: 'c',
    resource: MCP_URL.href,
    tokens: { accessToken: 'the-access-token', scopes: [] },
    requestedScopes: [],
  });
  const sent: Array<{ url: string; authorization: string | null }> = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    sent.push({ url: request.url, authorization: request.headers.get('authorization') });
    return new Response('{}', { status: 200 });
  };
  const authorizer = authorizerOver(store, fetch);
  return {
    sent,
    authedFetch: createAuthedFetch({ authorizer, fetch, mcpUrl: MCP_URL, maxMessageBytes: 1024 * 1024 }),
  };
}

describe('createAuthedFetch', () => {
  it('sends the access token to the MCP server only, in the Authorization header', async () => {
    const { sent, authedFetch } = await setup();
    await authedFetch('https://mcp.example/mcp', { method: 'POST', body: '{}' });
    await authedFetch('https://elsewhere.example/mcp', { method: 'POST', body: '{}' });
    await authedFetch('http://mcp.example/mcp', { method: 'POST', body: '{}' });
    expect(sent).toEqual([
      { url: 'https://mcp.example/mcp', authorization: 'Bearer the-access-token' },
      { url: 'https://elsewhere.example/mcp', authorization: null },
      { url: 'http://mcp.example/mcp', authorization: null },
    ]);
    expect(sent.some((request) => request.url.includes('the-access-token'))).toBe(false);
  });

  it('refuses to send a request whose signal already fired, as fetch would', async () => {
    const { sent, authedFetch } = await setup();
    const error = await authedFetch(MCP_URL, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(sent).toEqual([]);
  });
});

describe('createAuthedFetch with a DPoP-bound grant', () => {
  it('signs a fresh proof for each hop of a same-origin redirect, naming the URL that hop goes to', async () => {
    const store = new AuthStateStore(memoryStorage());
    const binding = await new DpopBindings(store.dpopKeys).create();
    await store.saveGrant(MCP_URL.href, {
      issuer: 'https://as.example',
      clientId: 'c',
      resource: MCP_URL.href,
      tokens: { accessToken: 'the-access-token', scopes: [], tokenType: 'DPoP', dpopJkt: binding.jkt },
      requestedScopes: [],
    });
    const sent: Array<{
      url: string;
      authorization: string | null;
      htu: unknown;
      htm: unknown;
      jti: unknown;
    }> = [];
    const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      const proof = request.headers.get('dpop') ?? '';
      const claims = JSON.parse(
        Buffer.from(proof.split('.')[1] ?? '', 'base64url').toString('utf8'),
      ) as Record<string, unknown>;
      sent.push({
        url: request.url,
        authorization: request.headers.get('authorization'),
        htu: claims['htu'],
        htm: claims['htm'],
        jti: claims['jti'],
      });
      return sent.length === 1
        ? new Response(null, { status: 307, headers: { location: '/mcp/next?x=1' } })
        : new Response('{}', { status: 200 });
    };
    const authorizer = authorizerOver(store, fetch);
    const authedFetch = createAuthedFetch({ authorizer, fetch, mcpUrl: MCP_URL });
    expect((await authedFetch(MCP_URL.href, { method: 'POST', body: '{}' })).status).toBe(200);
    expect(sent.map(({ url, authorization, htu, htm }) => ({ url, authorization, htu, htm }))).toEqual([
      { url: MCP_URL.href, authorization: 'DPoP the-access-token', htu: MCP_URL.href, htm: 'POST' },
      {
        url: 'https://mcp.example/mcp/next?x=1',
        authorization: 'DPoP the-access-token',
        // RFC 9449 §4.2: the target URI without query and fragment.
        htu: 'https://mcp.example/mcp/next',
        htm: 'POST',
      },
    ]);
    expect(sent[0]?.jti).not.toBe(sent[1]?.jti);
  });
});
