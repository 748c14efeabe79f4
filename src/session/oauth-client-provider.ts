/**
 * The MCP SDK's `OAuthClientProvider`, answered by this package's authorization: for a transport or library that
 * takes only a provider. The SDK's `auth()` runs its own flow from what a provider returns; this one gives it no
 * refresh token and no way to finish a flow of its own, so every token comes from this package's flow (with its
 * checks, storage, refresh coordination and events), and the SDK's part is reduced to asking for one.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { McpAuthError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { Authorizer } from './authorizer.js';
import type { GrantInfo } from './grant-info.js';

/**
 * How long a token this provider just obtained is taken for one no refused request carried (a request refused
 * with it inside that window costs the application one more `UnauthorizedError` and retry).
 */
const FRESH_MS = 3_000;

/** Why the SDK's own flow cannot finish through this provider. */
function sdkFlowRefused(): McpAuthError {
  return new McpAuthError({
    code: 'invalid_option',
    step: 'authorization',
    message:
      "this OAuthClientProvider runs mcp-authed-client's own authorization: the SDK's flow (finishAuth, its code exchange) is not used; retry the request instead",
  });
}

/** The provider for `authorizer`. */
export function oauthClientProviderFor(
  authorizer: Authorizer,
  options: ResolvedOptions,
  grant: () => Promise<GrantInfo | undefined>,
): OAuthClientProvider {
  const clientMetadata: OAuthClientMetadata = {
    redirect_uris: [options.redirectUri],
    client_name: options.clientName,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  /** Access tokens that were current when one of the SDK's `auth()` calls began (see `discoveryState`). */
  const possiblyRefused = new Set<string>();
  /** The token the last re-authorization through this provider obtained, and when. */
  const obtainedAt = new Map<string, number>();
  return {
    get redirectUrl() {
      return options.redirectUri;
    },
    get clientMetadata() {
      return clientMetadata;
    },
    ...(options.clientMetadataUrl !== undefined ? { clientMetadataUrl: options.clientMetadataUrl } : {}),

    /**
     * The client the grant was issued to, from storage (no request). Without its secret, which only the SDK's own
     * token requests would use, and never stamped with an issuer: the SDK compares a stamp with the URL it
     * discovered, which may be spelt differently, and would then try to register a client of its own.
     */
    async clientInformation(): Promise<OAuthClientInformationMixed> {
      const clientId = await authorizer.grantClientId();
      if (clientId === undefined) {
        // The SDK asks only after a token was sent; the grant went since (signed out meanwhile).
        throw new McpAuthError({
          code: 'unauthorized',
          step: 'authorization',
          message: 'not signed in any more (the grant was removed): retry the request to sign in again',
        });
      }
      return { client_id: clientId };
    },

    async tokens(): Promise<OAuthTokens> {
      const accessToken = await authorizer.accessTokenForApplication();
      const info = await grant();
      if (info?.tokenType === 'DPoP') {
        // The SDK would send it as a bearer token, which the server must refuse (RFC 9449 §7.2).
        throw new McpAuthError({
          code: 'dpop_unsupported',
          step: 'connection',
          message:
            "the tokens are DPoP-bound, and the MCP SDK's OAuthClientProvider sends bearer tokens only: give the transport this authorization's fetch instead (it proves the key on every request)",
        });
      }
      const expiresIn =
        info?.expiresAt === undefined
          ? undefined
          : Math.max(0, Math.floor((info.expiresAt - Date.now()) / 1000));
      // No refresh token: refreshing is this package's job (coordinated across requests and tabs), never the SDK's.
      return {
        access_token: accessToken,
        token_type: 'Bearer',
        ...(expiresIn !== undefined ? { expires_in: expiresIn } : {}),
        ...(info && info.scopes.length > 0 ? { scope: info.scopes.join(' ') } : {}),
      };
    },

    saveTokens(): never {
      throw sdkFlowRefused();
    },

    /**
     * The SDK's `auth()` asks this first, each time it starts: the access token current at that moment is the one
     * the server may have refused. Nothing is cached for the SDK, so it discovers on its own.
     */
    async discoveryState(): Promise<undefined> {
      const current = await authorizer.currentAccessToken();
      // A token this provider obtained moments ago was not what a request refused just now carried: that request
      // went out before it (a POST and the event stream refused together, one of them answered late).
      const fresh = current !== undefined && (obtainedAt.get(current) ?? -Infinity) > Date.now() - FRESH_MS;
      if (current !== undefined && !fresh) possiblyRefused.add(current);
      return undefined;
    },

    /**
     * The SDK got here because the server refused the token it was given (a 401, or a 403 demanding more scope, whose
     * scope the SDK put in the URL): authorize again with this package's flow, unless the token already changed since
     * that `auth()` started (requests refused together share one refresh). The SDK then fails the one request.
     */
    async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
      const current = await authorizer.currentAccessToken();
      if (current !== undefined && !possiblyRefused.has(current)) return;
      possiblyRefused.clear();
      await authorizer.reauthorize(authorizationUrl.searchParams.get('scope') ?? undefined);
      const next = await authorizer.currentAccessToken();
      obtainedAt.clear();
      if (next !== undefined) obtainedAt.set(next, Date.now());
    },

    saveCodeVerifier(): void {
      // The SDK's verifier belongs to a flow that is never finished: nothing to keep.
    },

    codeVerifier(): never {
      throw sdkFlowRefused();
    },
  };
}
