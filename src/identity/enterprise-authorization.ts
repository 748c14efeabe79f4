/**
 * Enterprise-managed authorization (the MCP extension, SEP-990, after the IETF draft "Identity Assertion JWT
 * Authorization Grant"): the user signed in at the enterprise's identity provider, and the application holds the
 * ID token. It exchanges that at the identity provider (RFC 8693) for an identity assertion (ID-JAG) meant for the
 * MCP authorization server, then redeems the assertion there with the JWT bearer grant (RFC 7523), authenticated
 * as its client at that server. The user sees no consent page: the enterprise's policy at the IdP decides. The
 * option, its validation, and the machine client it makes.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { fetchAuthorizationServerMetadata } from '../discovery/discover.js';
import { McpAuthError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import type { HttpContext } from '../http.js';
import { jwtBearerGrant } from '../tokens/jwt-bearer-grant.js';
import { identityAssertionExchange } from '../tokens/token-exchange.js';
import type { ClientIdentity } from './client-identity.js';
import { freshValue, isFreshValue } from './machine-client.js';
import type { FreshValue, MachineClient } from './machine-client.js';

/** The enterprise identity provider, and the application's client there. */
export interface EnterpriseIdentityProvider {
  /**
   * The IdP's issuer. Its metadata (OpenID Connect discovery, else RFC 8414) names the token endpoint when
   * `tokenEndpoint` is not given.
   */
  issuer?: string | undefined;
  /** The IdP's token endpoint, where the ID token is exchanged (takes precedence over discovery). */
  tokenEndpoint?: string | undefined;
  /** The application's client id at the IdP. */
  clientId: string;
  /** Its secret at the IdP, for a confidential client (`client_secret_basic`, or `_post` when that alone is listed). */
  clientSecret?: string | undefined;
}

/** The application's client at the MCP authorization server. */
export interface EnterpriseMcpClient {
  /** The client id there: the one the identity provider names in the ID-JAG's `client_id`. */
  clientId: string;
  /** Its secret there (sent as the server's metadata allows, `client_secret_basic` first). */
  clientSecret?: string | undefined;
  /**
   * The MCP authorization server's issuer: the ID-JAG and the secret go to no other. Without it, the first
   * authorization server this client meets is the only one it talks to afterwards.
   */
  issuer?: string | undefined;
}

/** The `enterpriseAuthorization` option. */
export interface EnterpriseAuthorization {
  /**
   * The user's ID token from the identity provider: a string, or a callback that returns a current one. The callback
   * is called for every new identity assertion, renewals included.
   */
  idToken: FreshValue;
  /** The identity provider and the application's client there. */
  identityProvider: EnterpriseIdentityProvider;
  /** The application's client at the MCP authorization server. */
  client: EnterpriseMcpClient;
}

function invalid(message: string): McpAuthError {
  return new McpAuthError({ code: 'invalid_option', step: 'connection', message });
}

function isUrl(value: unknown): boolean {
  return typeof value === 'string' && URL.canParse(value);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

function optionalSecretProblem(value: unknown, name: string): McpAuthError | undefined {
  return value === undefined || nonEmpty(value) ? undefined : invalid(`${name} must be a non-empty string`);
}

/** What is wrong with an `enterpriseAuthorization` option, as the `invalid_option` error to throw; else undefined. */
export function enterpriseAuthorizationProblem(value: unknown): McpAuthError | undefined {
  if (typeof value !== 'object' || value === null) {
    return invalid('enterpriseAuthorization must be { idToken, identityProvider, client }');
  }
  const given = value as Record<string, unknown>;
  if (!isFreshValue(given['idToken'])) {
    return invalid('enterpriseAuthorization.idToken must be the ID token, or a function returning one');
  }
  const idp = given['identityProvider'];
  if (typeof idp !== 'object' || idp === null) {
    return invalid('enterpriseAuthorization.identityProvider must be { issuer or tokenEndpoint, clientId }');
  }
  const provider = idp as Record<string, unknown>;
  if (provider['issuer'] === undefined && provider['tokenEndpoint'] === undefined) {
    return invalid('enterpriseAuthorization.identityProvider needs its issuer or its tokenEndpoint');
  }
  for (const key of ['issuer', 'tokenEndpoint']) {
    if (provider[key] !== undefined && !isUrl(provider[key])) {
      return invalid(`enterpriseAuthorization.identityProvider.${key} must be an absolute URL`);
    }
  }
  if (!nonEmpty(provider['clientId'])) {
    return invalid('enterpriseAuthorization.identityProvider.clientId must be a non-empty string');
  }
  const idpSecret = optionalSecretProblem(
    provider['clientSecret'],
    'enterpriseAuthorization.identityProvider.clientSecret',
  );
  if (idpSecret) return idpSecret;
  const client = given['client'];
  if (typeof client !== 'object' || client === null) {
    return invalid('enterpriseAuthorization.client must be { clientId, clientSecret }');
  }
  const mcpClient = client as Record<string, unknown>;
  if (!nonEmpty(mcpClient['clientId'])) {
    return invalid('enterpriseAuthorization.client.clientId must be a non-empty string');
  }
  if (mcpClient['issuer'] !== undefined && !isUrl(mcpClient['issuer'])) {
    return invalid(
      'enterpriseAuthorization.client.issuer must be the absolute URL of the authorization server',
    );
  }
  return optionalSecretProblem(mcpClient['clientSecret'], 'enterpriseAuthorization.client.clientSecret');
}

/** The machine client of a validated `enterpriseAuthorization` option. */
export function enterpriseClient(option: EnterpriseAuthorization, redirectUri: string): MachineClient {
  const { client, identityProvider: idp } = option;
  const idpIssuer = idp.issuer ?? new URL(idp.tokenEndpoint as string).origin;
  const idpIdentity: ClientIdentity = {
    issuer: idpIssuer,
    clientId: idp.clientId,
    ...(idp.clientSecret === undefined ? {} : { clientSecret: idp.clientSecret }),
    redirectUri,
    source: 'pre-registered',
  };
  let idpMetadata: AuthorizationServer | undefined;
  const identityProvider = async (
    ctx: HttpContext,
    events: FlowEventEmitter,
  ): Promise<AuthorizationServer> => {
    if (idp.tokenEndpoint !== undefined) return { issuer: idpIssuer, token_endpoint: idp.tokenEndpoint };
    idpMetadata ??= await fetchAuthorizationServerMetadata(ctx, events, idpIssuer);
    if (!idpMetadata) {
      throw new McpAuthError({
        code: 'authorization_server_metadata_not_found',
        step: 'token',
        message: `the identity provider ${idpIssuer} publishes no metadata: give enterpriseAuthorization.identityProvider.tokenEndpoint`,
      });
    }
    return idpMetadata;
  };
  return {
    clientId: client.clientId,
    ...(client.issuer === undefined ? {} : { issuer: client.issuer }),
    grant: 'jwt-bearer',
    option: 'enterpriseAuthorization.client',
    identityAt: async (issuer) => ({
      issuer,
      clientId: client.clientId,
      ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }),
      redirectUri,
      source: 'pre-registered',
    }),
    requestTokens: async (ctx, events, request) => {
      const idToken = await freshValue(option.idToken, 'enterpriseAuthorization.idToken', ctx.secrets);
      const assertion = await identityAssertionExchange(ctx, events, {
        idp: await identityProvider(ctx, events),
        idpIdentity,
        idToken,
        audience: request.as.issuer,
        resource: request.resource,
        scopes: request.scopes,
      });
      return jwtBearerGrant(ctx, events, { ...request, assertion, assertionKind: 'identity assertion' });
    },
  };
}
