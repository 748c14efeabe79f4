/** A custom provider plugged into the routes, and the guarantees of `mock.fetch` itself (in-process only). */
import { describe, expect, it } from 'vitest';
import {
  AuthorizeError,
  InMemoryProvider,
  RegistrationError,
  TokenEndpointError,
  createMockAuthServer,
  type AuthorizationCode,
  type AuthorizationParams,
  type ClientInformation,
  type OAuthToken,
} from '../../../mock-server/index.js';
import {
  CALLBACK,
  PUBLIC_CLIENT,
  expectErrorRedirect,
  expectJsonError,
  obtainCode,
  postForm,
  type CaseContext,
} from './helpers.js';

const BASE_URL = 'http://localhost:8000';

class ScriptedProvider extends InMemoryProvider {
  authorizeFailure: Error | undefined;
  exchangeFailure: Error | undefined;
  registerFailure: Error | undefined;

  override async authorize(client: ClientInformation, params: AuthorizationParams): Promise<string> {
    if (this.authorizeFailure) throw this.authorizeFailure;
    return super.authorize(client, params);
  }

  override async exchangeAuthorizationCode(
    client: ClientInformation,
    code: AuthorizationCode,
  ): Promise<OAuthToken> {
    if (this.exchangeFailure) throw this.exchangeFailure;
    return super.exchangeAuthorizationCode(client, code);
  }

  override async registerClient(client: ClientInformation): Promise<void> {
    if (this.registerFailure) throw this.registerFailure;
    return super.registerClient(client);
  }
}

function setup() {
  const provider = new ScriptedProvider({ clients: [PUBLIC_CLIENT] });
  const mock = createMockAuthServer(
    { issuerUrl: BASE_URL, clientRegistrationOptions: { enabled: true } },
    { provider },
  );
  const t: CaseContext = {
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      mock.fetch(new Request(input, init))) as typeof fetch,
    baseUrl: BASE_URL,
  };
  return { provider, mock, t };
}

const query = `client_id=${PUBLIC_CLIENT.client_id}&response_type=code&code_challenge=abc&state=s1`;

describe('custom provider', () => {
  it('AuthorizeError becomes an error redirect with its code and description', async () => {
    const { provider, t } = setup();
    provider.authorizeFailure = new AuthorizeError('access_denied', 'nope');
    const response = await t.fetch(`${BASE_URL}/authorize?${query}`, { redirect: 'manual' });
    expectErrorRedirect(response, CALLBACK, {
      error: 'access_denied',
      error_description: 'nope',
      state: 's1',
    });
  });

  it('any other failure in authorize() is server_error, redirected', async () => {
    const { provider, t } = setup();
    provider.authorizeFailure = new Error('database on fire: secret-detail');
    const response = await t.fetch(`${BASE_URL}/authorize?${query}`, { redirect: 'manual' });
    const target = expectErrorRedirect(response, CALLBACK, {
      error: 'server_error',
      error_description: 'An unexpected error occurred',
      state: 's1',
    });
    expect(target.href).not.toContain('secret-detail');
  });

  it('TokenEndpointError from an exchange becomes a 400 with its code', async () => {
    const { provider, t } = setup();
    const { code, verifier } = await obtainCode(t, PUBLIC_CLIENT);
    provider.exchangeFailure = new TokenEndpointError('invalid_grant', 'custom reason');
    const response = await postForm(t, '/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
      client_id: PUBLIC_CLIENT.client_id,
    });
    await expectJsonError(response, 400, { error: 'invalid_grant', error_description: 'custom reason' });
  });

  it('RegistrationError becomes a 400 with its code', async () => {
    const { provider, t } = setup();
    provider.registerFailure = new RegistrationError('invalid_redirect_uri', 'not on my watch');
    const response = await t.fetch(`${BASE_URL}/register`, {
      method: 'POST',
      body: JSON.stringify({ redirect_uris: [CALLBACK] }),
    });
    await expectJsonError(response, 400, {
      error: 'invalid_redirect_uri',
      error_description: 'not on my watch',
    });
  });

  it('an unexpected provider failure outside /authorize is a bare 500 that leaks nothing and never throws', async () => {
    const { provider, t } = setup();
    const { code, verifier } = await obtainCode(t, PUBLIC_CLIENT);
    provider.exchangeFailure = new Error('secret-detail');
    const response = await postForm(t, '/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
      client_id: PUBLIC_CLIENT.client_id,
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal Server Error');
  });
});

describe('request bodies', () => {
  it('a streamed body without Content-Length is cut off just past 4 MiB, not read to the end', async () => {
    const { t } = setup();
    const chunk = new Uint8Array(64 * 1024).fill(97);
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await t.fetch(`${BASE_URL}/token`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('Request body too large');
    expect(cancelled).toBe(true);
    // 4 MiB is 64 chunks; a few more may be buffered by the stream, but not the unbounded rest.
    expect(pulled).toBeLessThan(80);
  });

  it('a declared Content-Length over the limit is refused before reading', async () => {
    const { mock } = setup();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const request = new Request(`${BASE_URL}/token`, {
      method: 'POST',
      body,
      headers: { 'content-length': String(5 * 1024 * 1024) },
      duplex: 'half',
    } as RequestInit);
    const response = await mock.fetch(request);
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('a malformed multipart body is a 400, not a crash', async () => {
    const { t } = setup();
    const response = await t.fetch(`${BASE_URL}/token`, {
      method: 'POST',
      body: '--x\r\nContent-Disposition: form-data; name="client_id"\r\n\r\nabc',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('There was an error parsing the body');
  });

  it('invalid UTF-8 and odd percent-escapes in forms are read, not thrown', async () => {
    const { t } = setup();
    const response = await t.fetch(`${BASE_URL}/token`, {
      method: 'POST',
      body: new Uint8Array([...new TextEncoder().encode('client_id=%ff%fe%&grant_type='), 0xc3, 0x28]),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await expectJsonError(response, 401, {
      error: 'unauthorized_client',
      error_description: 'Invalid client_id',
    });
  });
});

describe('extra routes', () => {
  it('are served after the authorization server routes, with the same context', async () => {
    const mock = createMockAuthServer(
      { issuerUrl: BASE_URL, requiredScopes: ['read'] },
      {
        extraRoutes: [
          {
            path: '/custom',
            methods: ['GET'],
            handler: async (_request, context) =>
              new Response(context.settings.requiredScopes?.join(' ') ?? ''),
          },
        ],
      },
    );
    expect(mock.routes.map((route) => route.path)).toContain('/custom');
    const response = await mock.fetch(new Request(`${BASE_URL}/custom`));
    expect(await response.text()).toBe('read');
    expect((await mock.fetch(new Request(`${BASE_URL}/custom/`))).status).toBe(307);
  });
});
