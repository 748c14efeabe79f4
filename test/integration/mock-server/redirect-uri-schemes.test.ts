/**
 * Redirect URI schemes: FastMCP (pydantic `AnyUrl`) takes any absolute URL and redirects to it; with
 * `beyondFastMcp.restrictRedirectUriSchemes` (on in `spec: 'latest'`) only https, http and RFC 8252 reverse-domain
 * private-use schemes are registered or redirected to.
 */
import { describe, expect, it } from 'vitest';
import {
  createMockAuthServer,
  InMemoryProvider,
  type ClientInformation,
  type MockAuthServer,
  type MockAuthServerSettings,
} from '../../../mock-server/index.js';
import { authorize, expectJsonError, pkcePair, type CaseContext } from './helpers.js';
import { BASE, caseContext } from './mcp-helpers.js';

/** Schemes the browser acts on itself, or that no authorization response belongs to; [uri, scheme reported]. */
const REFUSED: ReadonlyArray<readonly [string, string]> = [
  ['javascript:alert(document.domain)', 'javascript'],
  ['JavaScript:alert(1)', 'javascript'],
  ['java\tscript:alert(1)', 'javascript'],
  ['data:text/html,<script>alert(1)</script>', 'data'],
  ['file:///etc/passwd', 'file'],
  ['vbscript:msgbox(1)', 'vbscript'],
  ['blob:https://app.example/0b9c1d2e', 'blob'],
  ['about:blank', 'about'],
  ['mailto:someone@app.example', 'mailto'],
  ['ws://localhost:3000/cb', 'ws'],
  ['myapp://callback', 'myapp'],
];

/** Web and RFC 8252 §7.1 redirect URIs, allowed in every mode. */
const ALLOWED = [
  'https://app.example/callback',
  'http://localhost:3000/callback',
  'http://127.0.0.1:43123/cb',
  'com.example.app:/oauth2redirect',
  'com.example.app://oauth/callback',
  'io.github.some-org.app:/cb',
];

const MODES: ReadonlyArray<readonly [string, Partial<MockAuthServerSettings>]> = [
  ["spec: 'latest'", { spec: 'latest' }],
  ['the restrictRedirectUriSchemes switch alone', { beyondFastMcp: { restrictRedirectUriSchemes: true } }],
];

const FASTMCP_MODES: ReadonlyArray<readonly [string, Partial<MockAuthServerSettings>]> = [
  ['FastMCP (the default)', {}],
  [
    "spec: 'latest' with the switch off",
    { spec: 'latest', beyondFastMcp: { restrictRedirectUriSchemes: false } },
  ],
];

function mockWith(settings: Partial<MockAuthServerSettings> = {}): MockAuthServer {
  return createMockAuthServer({
    issuerUrl: BASE,
    clientRegistrationOptions: { enabled: true },
    ...settings,
  });
}

function registeredCount(mock: MockAuthServer): number {
  if (!(mock.provider instanceof InMemoryProvider)) throw new Error('expected the default provider');
  return mock.provider.stats().registeredClients;
}

function register(t: CaseContext, redirectUris: readonly string[]): Promise<Response> {
  return t.fetch(`${t.baseUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: redirectUris, token_endpoint_auth_method: 'none' }),
  });
}

async function authorizeTo(
  t: CaseContext,
  clientId: string,
  redirectUri: string | undefined,
): Promise<Response> {
  const { challenge } = await pkcePair();
  return authorize(t, {
    client_id: clientId,
    response_type: 'code',
    code_challenge: challenge,
    state: 'st',
    ...(redirectUri === undefined ? {} : { redirect_uri: redirectUri }),
  });
}

function refusal(scheme: string): string {
  return `scheme '${scheme}' is not allowed; use https, http or a private-use scheme named after a reverse domain, e.g. com.example.app (RFC 8252 §7.1)`;
}

describe.each(MODES)('redirect URI schemes with %s', (_mode, settings) => {
  it.each(REFUSED)('refuses to register %j (invalid_redirect_uri), storing nothing', async (uri, scheme) => {
    const mock = mockWith(settings);
    const response = await register(caseContext(mock), [uri]);
    await expectJsonError(response, 400, {
      error: 'invalid_redirect_uri',
      error_description: `redirect_uris.0: ${refusal(scheme)}`,
    });
    expect(registeredCount(mock)).toBe(0);
  });

  it('names the first refused URI of several by its index', async () => {
    const mock = mockWith(settings);
    const response = await register(caseContext(mock), [
      'https://app.example/cb',
      'data:text/html,x',
      'javascript:x',
    ]);
    await expectJsonError(response, 400, {
      error: 'invalid_redirect_uri',
      error_description: `redirect_uris.1: ${refusal('data')}`,
    });
  });

  it("reports FastMCP's metadata errors first (a URI that is no URL at all)", async () => {
    const mock = mockWith(settings);
    await expectJsonError(await register(caseContext(mock), ['javascript:x', '/relative']), 400, {
      error: 'invalid_client_metadata',
      error_description: 'redirect_uris.1: Input should be a valid URL, relative URL without a base',
    });
  });

  it.each(ALLOWED)('registers %j and sends the code there', async (uri) => {
    const mock = mockWith(settings);
    const t = caseContext(mock);
    const response = await register(t, [uri]);
    expect(response.status).toBe(201);
    const client = (await response.json()) as ClientInformation;
    const answer = await authorizeTo(t, client.client_id, uri);
    expect(answer.status).toBe(302);
    const target = new URL(answer.headers.get('location') ?? '');
    expect(target.protocol).toBe(new URL(uri).protocol);
    expect(target.searchParams.get('code')).toBeTruthy();
  });

  it.each(REFUSED)(
    'never redirects a pre-registered client to %j: a direct 400, even for another error',
    async (uri, scheme) => {
      const client: ClientInformation = {
        client_id: 'listed',
        redirect_uris: [uri],
        token_endpoint_auth_method: 'none',
      };
      const mock = mockWith({ ...settings, clients: [client] });
      const t = caseContext(mock);
      const expected = {
        error: 'invalid_request',
        error_description: `Redirect URI ${refusal(scheme)}`,
        state: 'st',
      };
      // Named explicitly, and taken as the only registered one when omitted.
      await expectJsonError(await authorizeTo(t, 'listed', new URL(uri).href), 400, expected);
      await expectJsonError(await authorizeTo(t, 'listed', undefined), 400, expected);
      // A request that fails earlier (no code_challenge) is answered directly too, not redirected there.
      const early = await authorize(t, { client_id: 'listed', response_type: 'code', state: 'st' });
      expect(early.status).toBe(400);
      expect(early.headers.get('location')).toBeNull();
    },
  );

  it('never sends an injected authorization error to a refused redirect URI', async () => {
    const client: ClientInformation = {
      client_id: 'listed',
      redirect_uris: ['javascript:alert(1)'],
      token_endpoint_auth_method: 'none',
    };
    const mock = mockWith({ ...settings, clients: [client] });
    mock.control.failNext('authorize', { error: 'temporarily_unavailable', status: 503, redirect: true });
    const response = await authorizeTo(caseContext(mock), 'listed', undefined);
    expect(response.status).toBe(503);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses a Client ID Metadata Document client at /authorize when its redirect URI has a refused scheme', async () => {
    const clientId = 'https://app.example/client.json';
    const document = {
      client_id: clientId,
      redirect_uris: ['data:text/html,<script>alert(1)</script>'],
      token_endpoint_auth_method: 'none',
    };
    const mock = createMockAuthServer(
      {
        issuerUrl: BASE,
        ...settings,
        beyondFastMcp: { ...settings.beyondFastMcp, clientIdMetadataDocuments: true },
      },
      {
        fetchClientIdMetadataDocument: async () =>
          new Response(JSON.stringify(document), { headers: { 'content-type': 'application/json' } }),
      },
    );
    await expectJsonError(await authorizeTo(caseContext(mock), clientId, undefined), 400, {
      error: 'invalid_request',
      error_description: `Redirect URI ${refusal('data')}`,
      state: 'st',
    });
  });
});

describe.each(FASTMCP_MODES)('redirect URI schemes in %s', (_mode, settings) => {
  it.each(REFUSED)('registers %j and redirects to it, as FastMCP does', async (uri) => {
    const mock = mockWith(settings);
    const t = caseContext(mock);
    const response = await register(t, [uri]);
    expect(response.status).toBe(201);
    const client = (await response.json()) as ClientInformation;
    expect(client.redirect_uris).toStrictEqual([new URL(uri).href]);
    const answer = await authorizeTo(t, client.client_id, undefined);
    expect(answer.status).toBe(302);
    const target = new URL(answer.headers.get('location') ?? '');
    expect(target.protocol).toBe(new URL(uri).protocol);
    expect(target.searchParams.get('code')).toBeTruthy();
  });
});
