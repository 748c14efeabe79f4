/** Client ID Metadata Documents (`beyondFastMcp.clientIdMetadataDocuments`) with an injected document fetch. */
import { describe, expect, it } from 'vitest';
import { createMockAuthServer, type MockAuthServerSettings } from '../../../mock-server/index.js';
import { authorize, CALLBACK, expectJsonError, location, obtainTokens, pkcePair } from './helpers.js';
import { BASE, caseContext, connectClient, firstText } from './mcp-helpers.js';

const CLIENT_URL = 'https://app.example.com/oauth/client.json';

const DOCUMENT = {
  client_id: CLIENT_URL,
  client_name: 'Example App',
  redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

interface FakeWeb {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  calls: Array<{ url: string; redirect: RequestRedirect | undefined }>;
}

function fakeWeb(answer: (url: string) => Response | Promise<Response>): FakeWeb {
  const calls: FakeWeb['calls'] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, redirect: init.redirect });
      return answer(url);
    },
  };
}

function json(body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json', ...headers } });
}

function mockWith(web: FakeWeb, settings: Partial<MockAuthServerSettings> = {}) {
  return createMockAuthServer(
    { issuerUrl: BASE, beyondFastMcp: { clientIdMetadataDocuments: true }, ...settings },
    { fetchClientIdMetadataDocument: web.fetch },
  );
}

async function authorizeAs(mock: ReturnType<typeof mockWith>, clientId: string): Promise<Response> {
  const { challenge } = await pkcePair();
  return authorize(caseContext(mock), {
    client_id: clientId,
    response_type: 'code',
    code_challenge: challenge,
    redirect_uri: CALLBACK,
  });
}

describe('Client ID Metadata Documents', () => {
  it('is advertised only when switched on, and off by default (no fetch at all)', async () => {
    const web = fakeWeb(() => json(DOCUMENT));
    const off = createMockAuthServer({ issuerUrl: BASE }, { fetchClientIdMetadataDocument: web.fetch });
    const metadata = (await (
      await off.fetch(new Request(`${BASE}/.well-known/oauth-authorization-server`))
    ).json()) as Record<string, unknown>;
    expect(metadata).not.toHaveProperty('client_id_metadata_document_supported');
    expect((await authorizeAs(off, CLIENT_URL)).status).toBe(400);
    expect(web.calls).toHaveLength(0);
    const on = mockWith(web);
    const onMetadata = (await (
      await on.fetch(new Request(`${BASE}/.well-known/oauth-authorization-server`))
    ).json()) as Record<string, unknown>;
    expect(onMetadata['client_id_metadata_document_supported']).toBe(true);
  });

  it('runs a full flow with the URL as client_id, fetching the document once (cached, no redirects)', async () => {
    const web = fakeWeb(() => json(DOCUMENT));
    const mock = mockWith(web);
    const client = {
      client_id: CLIENT_URL,
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none' as const,
    };
    const tokens = await obtainTokens(caseContext(mock), client);
    await obtainTokens(caseContext(mock), client);
    expect(web.calls).toStrictEqual([{ url: CLIENT_URL, redirect: 'error' }]);
    const { client: mcp } = await connectClient(mock, tokens.access_token);
    const who = JSON.parse(firstText(await mcp.callTool({ name: 'whoami', arguments: {} }))) as {
      client_id: string;
    };
    expect(who.client_id).toBe(CLIENT_URL);
    await mcp.close();
  });

  it('fetches again once the cache time is over', async () => {
    const web = fakeWeb(() => json(DOCUMENT));
    const mock = mockWith(web, { clientIdMetadataDocumentLimits: { cacheSeconds: 60 } });
    await authorizeAs(mock, CLIENT_URL);
    mock.control.clock.advance(61);
    await authorizeAs(mock, CLIENT_URL);
    expect(web.calls).toHaveLength(2);
  });

  it.each([
    [
      'a client_id other than the URL',
      () => json({ ...DOCUMENT, client_id: 'https://evil.example.com/c.json' }),
      'client metadata document has a client_id other than its own URL',
    ],
    [
      'a client secret',
      () => json({ ...DOCUMENT, client_secret: 's' }),
      'client metadata document must not contain a client secret',
    ],
    [
      'client_secret_basic',
      () => json({ ...DOCUMENT, token_endpoint_auth_method: 'client_secret_basic' }),
      'client metadata document must not use client_secret_basic (a document cannot hold a shared secret)',
    ],
    [
      'no redirect_uris',
      () => json({ ...DOCUMENT, redirect_uris: [] }),
      'client metadata document is invalid: redirect_uris: List should have at least 1 item after validation, not 0',
    ],
    ['a 404', () => new Response('nope', { status: 404 }), 'client metadata document answered 404'],
    [
      'HTML',
      () => new Response('<html>', { headers: { 'content-type': 'text/html' } }),
      'client metadata document is not JSON (content-type "text/html")',
    ],
    [
      'broken JSON',
      () => new Response('{', { headers: { 'content-type': 'application/json' } }),
      'client metadata document is not valid JSON',
    ],
    [
      'deeply nested JSON',
      () =>
        new Response(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`, {
          headers: { 'content-type': 'application/json' },
        }),
      'client metadata document nests JSON deeper than 64 levels',
    ],
    [
      'a body over the size limit',
      () => json({ ...DOCUMENT, client_name: 'x'.repeat(6000) }),
      'client metadata document is larger than 5120 bytes',
    ],
    [
      'a network failure',
      () => Promise.reject(new TypeError('fetch failed')),
      'client metadata document could not be fetched',
    ],
  ])(
    'refuses a document with %s: unknown client, direct 400 that says why',
    async (_name, answer, reason) => {
      const mock = mockWith(fakeWeb(answer));
      await expectJsonError(await authorizeAs(mock, CLIENT_URL), 400, {
        error: 'invalid_request',
        error_description: `Client ID '${CLIENT_URL}' not found: ${reason}`,
      });
    },
  );

  it('says at the token endpoint too why the document was refused', async () => {
    const mock = mockWith(fakeWeb(() => new Response('nope', { status: 404 })));
    const response = await mock.fetch(
      new Request(`${BASE}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: CLIENT_URL }),
      }),
    );
    await expectJsonError(response, 401, {
      error: 'unauthorized_client',
      error_description: 'Invalid client_id: client metadata document answered 404',
    });
  });

  it('gives up on a document that takes longer than the time limit', async () => {
    const web = fakeWeb(() => new Promise<Response>(() => undefined));
    const slow = {
      calls: web.calls,
      fetch: (url: string, init: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          web.calls.push({ url, redirect: init.redirect });
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    };
    const mock = mockWith(slow, { clientIdMetadataDocumentLimits: { timeoutMs: 20 } });
    expect((await authorizeAs(mock, CLIENT_URL)).status).toBe(400);
  });

  it('never fetches URLs that break the SSRF rules', async () => {
    const web = fakeWeb(() => json(DOCUMENT));
    const mock = mockWith(web);
    for (const url of [
      'http://app.example.com/c.json',
      'https://127.0.0.1/c.json',
      'https://169.254.169.254/c.json',
    ]) {
      expect((await authorizeAs(mock, url)).status).toBe(400);
    }
    expect(web.calls).toHaveLength(0);
  });

  it('lets a pre-registered client with a URL id win over its document', async () => {
    const web = fakeWeb(() => json(DOCUMENT));
    const mock = mockWith(web, { clients: [{ client_id: CLIENT_URL, redirect_uris: [CALLBACK] }] });
    expect(location(await authorizeAs(mock, CLIENT_URL)).searchParams.get('code')).toBeTruthy();
    expect(web.calls).toHaveLength(0);
  });
});
