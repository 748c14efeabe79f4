/**
 * A real authorization server for the client to meet: panva's `oidc-provider` (a certified OpenID Provider),
 * configured as its documentation recommends for an API behind it — dynamic registration, PKCE, resource indicators
 * with a resource server for the MCP endpoint, refresh tokens, revocation and introspection — on a loopback port.
 *
 * What a test harness adds, and nothing else: the sign-in itself. oidc-provider leaves login and consent pages to the
 * application (`interactions.url`); here that page is a route that signs in one test user and consents to what was
 * asked, then answers with the redirect oidc-provider gives (`interactionFinished`), as a test deployment would.
 * `headlessAuthorize()` follows that chain with its cookies.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import Provider, { errors } from 'oidc-provider';
import type { AdapterPayload, Configuration, KoaContextWithOIDC } from 'oidc-provider';

/** How this deployment differs from the documented one. */
export interface ProviderVariant {
  /** The MCP resource's scopes are also listed in the provider's `scopes` (so registration accepts them). */
  resourceScopesListed: boolean;
  /** `issueRefreshToken` left at its default (only with `offline_access`), or refresh tokens for every client that may. */
  refreshTokenRule: 'default' | 'always';
  /**
   * RFC 8414 metadata at `/.well-known/oauth-authorization-server` (oidc-provider serves it next to OpenID discovery;
   * off, that path answers 404, as at providers that publish OpenID discovery only).
   */
  rfc8414Metadata: boolean;
  /** The issuer ends with a slash (`http://127.0.0.1:port/`). */
  issuerTrailingSlash: boolean;
  /** RFC 9207 `iss` in authorization responses (oidc-provider always sends it; off strips it and the metadata flag). */
  issInResponses: boolean;
  /** Access tokens for the MCP resource: JWTs (verified with the JWKS) or opaque (introspected). */
  accessTokenFormat: 'jwt' | 'opaque';
}

/** The documented deployment: resource scopes not in `scopes`, default refresh rule, JWT access tokens. */
export const DOCUMENTED: ProviderVariant = {
  resourceScopesListed: false,
  refreshTokenRule: 'default',
  rfc8414Metadata: true,
  issuerTrailingSlash: false,
  issInResponses: true,
  accessTokenFormat: 'jwt',
};

/** The resource server's scopes: `mcp:read` for every call, `mcp:admin` for the elevated tool (step-up). */
export const RESOURCE_SCOPES = ['mcp:read', 'mcp:admin'] as const;

/** The confidential client the MCP server introspects opaque tokens with. */
export const RESOURCE_SERVER_CLIENT = { id: 'mcp-resource-server', secret: 'resource-server-secret' };

/** Lifetime of access tokens (seconds): tests move the clock past it rather than wait. */
export const ACCESS_TOKEN_TTL = 600;

export interface RunningProvider {
  issuer: string;
  provider: Provider;
  /** The account every sign-in signs in as. */
  accountId: string;
  /** How many logins and consents the test harness gave (each one an interaction a user would have had). */
  interactions: { login: number; consent: number };
  close(): Promise<void>;
}

let signingKey: Promise<JWK> | undefined;

/** One RSA signing key for the whole file (generating one costs tens of milliseconds). */
function privateSigningKey(): Promise<JWK> {
  signingKey ??= generateKeyPair('RS256', { extractable: true }).then(async ({ privateKey }) => ({
    ...(await exportJWK(privateKey)),
    kid: 'test-key',
    alg: 'RS256',
    use: 'sig',
  }));
  return signingKey;
}

/** Starts oidc-provider on a free loopback port, protecting the resource `resource` (the MCP server URL). */
export async function startAuthorizationServer(
  variant: ProviderVariant,
  resource: () => string,
): Promise<RunningProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = variant.issuerTrailingSlash ? `${origin}/` : origin;
  const accountId = 'test-user';

  const configuration: Configuration = {
    adapter: MemoryAdapter,
    jwks: { keys: [await privateSigningKey()] },
    // Resource scopes are the resource server's business (getResourceServerInfo); listing them here is the variant.
    scopes: ['openid', 'offline_access', ...(variant.resourceScopesListed ? RESOURCE_SCOPES : [])],
    clients: [
      {
        client_id: RESOURCE_SERVER_CLIENT.id,
        client_secret: RESOURCE_SERVER_CLIENT.secret,
        grant_types: [],
        redirect_uris: [],
        response_types: [],
      },
    ],
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      // A client revokes its own tokens; only the resource server introspects.
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client) => client.clientId === RESOURCE_SERVER_CLIENT.id,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource(),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource()) throw new errors.InvalidTarget();
          return {
            scope: RESOURCE_SCOPES.join(' '),
            audience: resource(),
            accessTokenTTL: ACCESS_TOKEN_TTL,
            accessTokenFormat: variant.accessTokenFormat,
            ...(variant.accessTokenFormat === 'jwt' ? { jwt: { sign: { alg: 'RS256' } } } : {}),
          };
        },
      },
    },
    ...(variant.refreshTokenRule === 'always'
      ? { issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token') }
      : {}),
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      Grant: 14 * 24 * 3600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
    },
    // Public clients registered by MCP clients make cross-origin calls from pages; in Node there is no CORS.
    clientBasedCORS: () => true,
  };
  const provider = new Provider(issuer, configuration);
  if (!variant.issInResponses) provider.use(withoutIssParameter);
  const interactions = { login: 0, consent: 0 };

  const callback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    if (path.startsWith('/interaction/')) {
      signInAndConsent(provider, req, res, accountId, interactions).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    if (!variant.rfc8414Metadata && path === '/.well-known/oauth-authorization-server') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found"}');
      return;
    }
    void callback(req, res);
  });

  return {
    issuer,
    provider,
    accountId,
    interactions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The test harness's login and consent page: signs the test user in, or grants what the request asked for (the
 * OpenID scopes such as `offline_access`, and the resource's scopes), then sends the browser back to oidc-provider.
 */
async function signInAndConsent(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  accountId: string,
  count: { login: number; consent: number },
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    count.login++;
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  count.consent++;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({
        accountId: session?.accountId ?? accountId,
        clientId: String(params['client_id']),
      });
  if (!grant) throw new Error('the interaction names a grant that does not exist');
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/**
 * A server without RFC 9207: no `iss` in authorization responses, and metadata that does not advertise it.
 * (oidc-provider always implements it; this strips it where a server that does not would leave it out.)
 */
async function withoutIssParameter(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  const location = ctx.response.get('location');
  if (location && URL.canParse(location)) {
    const target = new URL(location);
    if (target.searchParams.has('iss') && target.searchParams.has('state')) {
      target.searchParams.delete('iss');
      ctx.response.set('location', target.href);
    }
  }
  if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
    const body = ctx.body as Record<string, unknown>;
    delete body['authorization_response_iss_parameter_supported'];
  }
}

/** oidc-provider's storage, in memory: one instance per model (AccessToken, Grant, …) of one provider (its own default warns that it is for quick starts only). */
class MemoryAdapter {
  readonly #entries = new Map<string, { payload: AdapterPayload; expiresAt: number | undefined }>();

  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.#entries.set(id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    return Promise.resolve();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    const entry = this.#entries.get(id);
    if (!entry || (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()))
      return Promise.resolve(undefined);
    return Promise.resolve(entry.payload);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findBy((payload) => payload.userCode === userCode);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findBy((payload) => payload.uid === uid);
  }

  consume(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry) entry.payload = { ...entry.payload, consumed: Math.floor(Date.now() / 1000) };
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.#entries.delete(id);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, entry] of this.#entries) if (entry.payload.grantId === grantId) this.#entries.delete(id);
    return Promise.resolve();
  }

  #findBy(match: (payload: AdapterPayload) => boolean): Promise<AdapterPayload | undefined> {
    for (const [id] of this.#entries) {
      const entry = this.#entries.get(id);
      if (entry && match(entry.payload)) return this.find(id);
    }
    return Promise.resolve(undefined);
  }
}
