/**
 * The external-client proof: `@modelcontextprotocol/sdk`'s own `auth()` and `StreamableHTTPClientTransport`, with an
 * `OAuthClientProvider` that approves headlessly, against the mock over loopback HTTP — register, authorize,
 * exchange, call `whoami`, refresh, revoke.
 */
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMockAuthServer,
  type MockAuthServer,
  type MockAuthServerSettings,
} from '../../../mock-server/index.js';
import { listen } from '../../../mock-server/runtimes/node.js';

const REDIRECT = 'http://127.0.0.1:1/callback';

/** Keeps everything in memory, exactly as the SDK hands it over; "opens" the authorization URL without a browser. */
class HeadlessProvider implements OAuthClientProvider {
  client: OAuthClientInformationMixed | undefined;
  stored: OAuthTokens | undefined;
  verifier = '';
  code: string | undefined;
  readonly redirectUrl = REDIRECT;
  readonly clientMetadata: OAuthClientMetadata = {
    client_name: 'SDK headless client',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  };

  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens) {
    this.stored = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  async redirectToAuthorization(url: URL): Promise<void> {
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    this.code = location.searchParams.get('code') ?? undefined;
  }
}

async function whoami(url: string, provider: HeadlessProvider): Promise<Record<string, unknown>> {
  const client = new Client({ name: 'sdk-proof', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  await client.connect(transport);
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  // DELETE: the session must not outlive the client.
  await transport.terminateSession();
  await client.close();
  const content = result.content as Array<{ type: string; text: string }>;
  return JSON.parse(content[0]?.text ?? '{}') as Record<string, unknown>;
}

for (const spec of ['fastmcp', 'latest'] as const) {
  describe(`the SDK's own OAuth client against the mock over HTTP (spec: ${spec})`, () => {
    let mock: MockAuthServer | undefined;
    let server: Awaited<ReturnType<typeof listen>>;
    let mcpUrl = '';

    beforeAll(async () => {
      server = await listen(async (request) =>
        mock ? mock.fetch(request) : new Response('starting', { status: 503 }),
      );
      const settings: MockAuthServerSettings = {
        issuerUrl: server.url,
        spec,
        requiredScopes: ['read'],
        clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write'], defaultScopes: ['read'] },
        revocationOptions: { enabled: true },
      };
      mock = createMockAuthServer(settings);
      mcpUrl = `${server.url}/mcp`;
    });
    afterAll(async () => {
      await server.close();
    });

    it('registers, authorizes headlessly, exchanges, calls whoami, refreshes and revokes', async () => {
      const provider = new HeadlessProvider();

      // 1. The first connection meets a 401; the SDK discovers, registers and "redirects".
      const first = new Client({ name: 'sdk-proof', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
      await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
      expect(provider.client?.client_id).toBeTruthy();
      expect(provider.code).toBeTruthy();

      // 2. The code comes back; the SDK exchanges it.
      await transport.finishAuth(provider.code ?? '');
      const initial = provider.stored;
      expect(initial?.access_token).toBeTruthy();
      expect(initial?.refresh_token).toBeTruthy();

      // 3. An authorized session: whoami names the registered client, never the token.
      const who = await whoami(mcpUrl, provider);
      expect(who['client_id']).toBe(provider.client?.client_id);
      expect(who['scopes']).toStrictEqual(['read']);
      expect(JSON.stringify(who)).not.toContain(initial?.access_token ?? '-');

      // 4. Refresh through auth(): new tokens, and they work.
      expect(await auth(provider, { serverUrl: mcpUrl })).toBe('AUTHORIZED');
      const refreshed = provider.stored;
      expect(refreshed?.access_token).not.toBe(initial?.access_token);
      expect(refreshed?.refresh_token).not.toBe(initial?.refresh_token);
      expect((await whoami(mcpUrl, provider))['client_id']).toBe(provider.client?.client_id);

      // 5. Revocation (RFC 7009, the endpoint the metadata names): the access token stops working.
      const metadata = (await (
        await fetch(`${server.url}/.well-known/oauth-authorization-server`)
      ).json()) as {
        revocation_endpoint: string;
      };
      const revoke = await fetch(metadata.revocation_endpoint, {
        method: 'POST',
        body: new URLSearchParams({
          token: refreshed?.refresh_token ?? '',
          token_type_hint: 'refresh_token',
          client_id: provider.client?.client_id ?? '',
          client_secret: provider.client?.client_secret ?? '',
        }),
      });
      expect(revoke.status).toBe(200);
      const afterRevoke = await fetch(mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${refreshed?.access_token ?? ''}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      expect(afterRevoke.status).toBe(401);
      expect(afterRevoke.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(mock?.mcp.sessions.size).toBe(0);
    });

    it('answers a browser-style preflight and a 401 with the CORS headers of its mode', async () => {
      const preflight = await fetch(mcpUrl, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, mcp-protocol-version',
        },
      });
      // FastMCP answers a preflight to /mcp with the bearer challenge: it has no CORS there.
      expect(preflight.status).toBe(spec === 'latest' ? 204 : 401);
      const challenge = await fetch(mcpUrl, { method: 'POST', headers: { origin: 'http://app.example' } });
      expect(challenge.status).toBe(401);
      expect(challenge.headers.get('access-control-expose-headers')).toBe(
        spec === 'latest' ? 'WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version, DPoP-Nonce' : null,
      );
      const parameters =
        `error="invalid_token", error_description="Authentication required", ` +
        `resource_metadata="${server.url}/.well-known/oauth-protected-resource/mcp"` +
        (spec === 'latest' ? ', scope="read"' : '');
      // With spec latest (DPoP on), a DPoP challenge with the same parameters follows the Bearer one (RFC 9449 §7.1).
      expect(challenge.headers.get('www-authenticate')).toBe(
        `Bearer ${parameters}` +
          (spec === 'latest' ? `, DPoP ${parameters}, algs="ES256 ES384 ES512 RS256 PS256"` : ''),
      );
    });
  });
}
