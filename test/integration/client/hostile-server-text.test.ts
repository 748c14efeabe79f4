/**
 * A server's words never carry the client's secrets, control characters or megabytes into an error or an event. For
 * every path server text takes (token, refresh and revocation errors, an unsupported token type, a malformed token
 * answer, the authorization response's error and `iss`, registration errors and a server-chosen client id, the MCP
 * server's challenge and its error body), a hostile server reflects every secret it has seen (code, verifier, client
 * secret, Basic credentials, access and refresh tokens), CRLF, escapes and about a megabyte of text; the error the
 * application gets — its fields, `String()`, JSON and whole cause chain — and every event stay clean.
 */
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../../src/index.js';
import {
  createHostileServer,
  expectSafeError,
  expectSafeEvents,
  json,
  path,
  rejectionOf,
  tokenGrant,
} from './support/hostile-server.js';

describe('token endpoint errors', () => {
  it('a refused code exchange that quotes the code, the verifier and the client secret', async () => {
    const server = createHostileServer();
    server.answer(tokenGrant('authorization_code'), async () =>
      json(
        {
          error: `invalid_grant\r\n${server.reflection().slice(0, 2_000)}`,
          error_description: server.reflection(),
        },
        400,
      ),
    );
    const error = await rejectionOf(server.connect());
    expect(error).toMatchObject({ code: 'token_request_failed', step: 'token', status: 400 });
    // The code, the verifier and the client secret were all on the wire, so all were reflected.
    expect(server.seen.size).toBeGreaterThanOrEqual(3);
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
  });

  it('a refused refresh that quotes the refresh and access tokens, reported in events before signing in again', async () => {
    const server = createHostileServer();
    const client = await server.connect();
    server.world.mock.control.expireAllTokens('access');
    server.answer(
      tokenGrant('refresh_token'),
      async () =>
        json(
          {
            error: `invalid_request ${server.reflection().slice(0, 2_000)}`,
            error_description: server.reflection(),
          },
          400,
        ),
      1,
    );
    await client.listTools();
    const failed = server.events.filter((event) => event.step === 'refresh' && event.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.message).toContain('[redacted]');
    expectSafeEvents(server.events, server.seen);
    await client.close();
  });

  it('a failing refresh (HTTP 503) that quotes the refresh and access tokens, seen by the application', async () => {
    const server = createHostileServer();
    const client = await server.connect();
    server.world.mock.control.expireAllTokens('access');
    // A 503 keeps the grant and fails the call, so the application sees the refresh error itself.
    server.answer(tokenGrant('refresh_token'), async () =>
      json({ error: 'temporarily_unavailable', error_description: server.reflection() }, 503),
    );
    const error = await rejectionOf(client.listTools());
    expect(error).toMatchObject({ code: 'refresh_failed', step: 'refresh', status: 503 });
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
    await client.close();
  });

  it('a refused revocation that quotes the token being revoked', async () => {
    const server = createHostileServer();
    const client = await server.connect();
    server.answer(path('/revoke'), async () =>
      json(
        {
          error: `invalid_request${server.reflection().slice(0, 2_000)}`,
          error_description: server.reflection(),
        },
        400,
      ),
    );
    const error = await rejectionOf(client.signOut());
    expect(error).toMatchObject({ code: 'revocation_failed', step: 'revocation' });
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
  });

  it('an unsupported token type that is the access token itself, and a malformed answer: no cause keeps the answer', async () => {
    for (const rewrite of [
      (body: Record<string, unknown>) => ({ ...body, token_type: `${String(body['access_token'])}\r\n` }),
      (body: Record<string, unknown>) => ({ ...body, token_type: 42, scope: ['not', 'a', 'string'] }),
    ]) {
      const server = createHostileServer();
      server.answer(tokenGrant('authorization_code'), async (_facts, real) => {
        const body = (await (await real()).json()) as Record<string, unknown>;
        return json(rewrite(body), 200);
      });
      const error = await rejectionOf(server.connect());
      expect(error).toMatchObject({ code: 'token_request_failed', step: 'token' });
      expect(server.seen.size).toBeGreaterThanOrEqual(4); // code, verifier, client secret, the answer's tokens
      expectSafeError(error, server.seen);
      expectSafeEvents(server.events, server.seen);
    }
  });
});

describe('the authorization response', () => {
  /** Rewrites the authorization redirect: the mock's callback URL, with `change` applied to its query. */
  function rewriteCallback(
    server: ReturnType<typeof createHostileServer>,
    change: (query: URLSearchParams) => void,
  ) {
    server.answer(path('/authorize'), async (_facts, real) => {
      const response = await real();
      const location = new URL(response.headers.get('location') ?? '');
      change(location.searchParams);
      return new Response(null, { status: 302, headers: { location: location.href } });
    });
  }

  it('an error next to the code that quotes the code, the client secret and a megabyte', async () => {
    const server = createHostileServer();
    rewriteCallback(server, (query) => {
      query.set('error', `server_error\r\n${server.reflection().slice(0, 2_000)}`);
      query.set('error_description', server.reflection());
    });
    const error = await rejectionOf(server.connect());
    expect(error).toMatchObject({ code: 'authorization_error', step: 'authorization' });
    expect(server.seen.size).toBeGreaterThanOrEqual(2); // the client secret and the code
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
  });

  it('an iss that quotes the code and a megabyte', async () => {
    const server = createHostileServer();
    rewriteCallback(server, (query) => query.set('iss', `https://evil.example/?${server.reflection()}`));
    const error = await rejectionOf(server.connect());
    expect(error).toMatchObject({ code: 'iss_mismatch' });
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
  });
});

describe('discovery during a new sign-in', () => {
  it.each([
    ['/.well-known/oauth-authorization-server', 'issuer', 'issuer_mismatch'],
    ['/.well-known/oauth-protected-resource', 'resource', 'resource_mismatch'],
  ])('metadata at %s whose %s quotes the tokens it issued', async (prefix, field, code) => {
    const server = createHostileServer();
    const client = await server.connect();
    // Every token is revoked, so the next call signs in again, and discovery reads the (now hostile) metadata.
    server.world.mock.control.revokeAllTokens();
    server.answer(
      ({ path: wanted }) => wanted.startsWith(prefix),
      async (_facts, real) => {
        const body = (await (await real()).json()) as Record<string, unknown>;
        return json({ ...body, [field]: `https://evil.example/?${server.reflection()}` }, 200);
      },
    );
    const error = await rejectionOf(client.listTools());
    expect(error).toMatchObject({ code, step: 'discovery' });
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
    await client.close();
  });
});

describe('registration', () => {
  it('a refusal that quotes the tokens of the grant in storage and a secret of its own answer', async () => {
    const server = createHostileServer();
    const storage = memoryStorage();
    await (await server.connect({ storage })).close();
    const grant: Record<string, unknown> = server.world.tokenResponses.at(-1)?.body ?? {};
    const secrets = new Set([
      String(grant['access_token']),
      String(grant['refresh_token']),
      'registration-secret-0123',
    ]);
    // The next client holds the grant but not the registration, so an expired token leads to a new registration.
    await storage.delete(`mcp-authed-client/v1/client/${server.world.mock.settings.issuerUrl}`);
    server.world.mock.control.expireAllTokens();
    server.events.length = 0;
    server.answer(path('/register'), async () =>
      json(
        {
          error: `invalid_client_metadata\r\n${server.reflection(secrets).slice(0, 1_000)}`,
          error_description: server.reflection(secrets),
          client_secret: 'registration-secret-0123',
        },
        400,
      ),
    );
    const error = await rejectionOf(server.connect({ storage }));
    expect(error).toMatchObject({ code: 'registration_failed', step: 'registration' });
    expectSafeError(error, secrets);
    expectSafeEvents(server.events, secrets);
  });

  it('a client id with CRLF, escapes and a megabyte never reaches an event as it is', async () => {
    const server = createHostileServer();
    server.answer(path('/register'), async (_facts, real) => {
      const body = (await (await real()).json()) as Record<string, unknown>;
      return json(
        {
          ...body,
          client_id: `${String(body['client_id'])}\r\nSet-Cookie: a=b\u001b[2J${server.reflection()}`,
        },
        201,
      );
    });
    // The mock does not know that client id, so the sign-in fails later; the events up to there are what matter.
    const error = await rejectionOf(server.connect());
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
    expect(
      server.events.some((event) => String(event.detail?.['client_id'] ?? '').includes('Set-Cookie: a=b[2J')),
    ).toBe(true);
  });
});

describe('the MCP server', () => {
  it('a 401 challenge that quotes the access token it was sent, until the client gives up', async () => {
    const server = createHostileServer();
    const client = await server.connect();
    server.answer(path('/mcp'), async ({ request }) => {
      const token = request.headers.get('authorization') ?? '';
      // A header holds bytes only, and no CR, LF or NUL: those become escapes, the rest of the reflection stays.
      const quoted = [...`${token} ${server.reflection().slice(0, 50_000)}`]
        .map((char) =>
          char === '\r' || char === '\n' || char === '\0' || char === '"' || char === '\\' || char > '\xff'
            ? '\u001b'
            : char,
        )
        .join('');
      return new Response(null, {
        status: 401,
        headers: {
          'www-authenticate': `Bearer error="invalid_token\u0001", error_description="${quoted}"`,
        },
      });
    });
    const error = await rejectionOf(client.listTools());
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
    await client.close();
  });

  it('a 403 demanding a scope that is the access token, with a description quoting it', async () => {
    const server = createHostileServer();
    const client = await server.connect();
    server.answer(path('/mcp'), async ({ request }) => {
      const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
      return new Response(null, {
        status: 403,
        headers: {
          'www-authenticate': `Bearer error="insufficient_scope", scope="${token}", error_description="${token}\u001b${'x'.repeat(100_000)}"`,
        },
      });
    });
    // The demanded scope goes to the authorization server, which refuses it quoting it back: either way, nothing leaks.
    const error = await rejectionOf(client.listTools());
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
    await client.close();
  });

  it('an error answer to a tool call, quoting the access token: the SDK’s error quotes it scrubbed', async () => {
    for (const status of [500, 403, 400]) {
      const server = createHostileServer();
      const client = await server.connect();
      server.answer(
        ({ path: wanted, request }) => wanted === '/mcp' && request.method === 'POST',
        async ({ request }) =>
          new Response(
            `no, ${request.headers.get('authorization') ?? ''}\r\n\u001b[2J${server.reflection()}`,
            {
              status,
              statusText: `Nope ${(request.headers.get('authorization') ?? '').slice(7)}`,
              headers: { 'content-type': 'application/json' },
            },
          ),
        1,
      );
      const error = await rejectionOf(client.callTool({ name: 'whoami', arguments: {} }));
      expect(error).toBeInstanceOf(Error);
      const shown = error instanceof Error ? [error.message, String(error), JSON.stringify(error)] : [];
      expect(error).toMatchObject({ code: status }); // the SDK's StreamableHTTPError keeps the status
      expect(shown[0]).toContain('[redacted]');
      for (const text of shown) {
        expect(text.length).toBeLessThan(2_000);
        expect(/[\p{Cc}\p{Cf}]/u.test(text)).toBe(false);
        for (const secret of server.seen) expect(text).not.toContain(secret);
      }
      // The next call goes through: only the answer was scrubbed, nothing else changed.
      await client.listTools();
      await client.close();
    }
  });

  it('an error body at the handshake that quotes the access token', async () => {
    const server = createHostileServer();
    server.answer(
      ({ path: wanted, request }) => wanted === '/mcp' && request.headers.has('authorization'),
      async ({ request }) =>
        new Response(
          `bad request from ${request.headers.get('authorization') ?? ''}\r\n${server.reflection()}`,
          {
            status: 400,
            headers: { 'content-type': 'text/plain' },
          },
        ),
    );
    const error = await rejectionOf(server.connect());
    expect(error).toMatchObject({ code: 'invalid_response', step: 'connection', status: 400 });
    expectSafeError(error, server.seen);
    expectSafeEvents(server.events, server.seen);
  });
});
