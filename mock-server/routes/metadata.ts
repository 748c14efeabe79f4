/** RFC 8414 authorization server metadata and RFC 9728 protected resource metadata, as FastMCP publishes them. */
import { jsonResponse } from '../http/responses.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import { ASSERTION_SIGNING_ALGORITHMS } from './client-assertion.js';
import { issParameterAdvertised } from './iss.js';
import { servedGrantTypes } from './token.js';
import type { EndpointName, RouteHandler } from './router.js';

const CACHE_PUBLIC_HOUR = { 'Cache-Control': 'public, max-age=3600' };

/** RFC 8414's well-known name for authorization-server metadata. */
const OAUTH_METADATA = '/.well-known/oauth-authorization-server';
/** OpenID Connect Discovery's well-known name, which clients also try for authorization-server metadata. */
const OPENID_METADATA = '/.well-known/openid-configuration';
/** RFC 9728's well-known name for protected-resource metadata. */
const RESOURCE_METADATA = '/.well-known/oauth-protected-resource';

/**
 * FastMCP's `build_metadata`, fields in its order, absent ones omitted; the beyond-FastMCP fields (RFC 9207, CIMD,
 * `none`) and quirks only when switched on.
 */
function authorizationServerMetadata(settings: ResolvedMockAuthServerSettings): Record<string, unknown> {
  const base = settings.issuerUrl.replace(/\/$/, '');
  const beyond = settings.beyondFastMcp;
  const authMethods = ['client_secret_post', 'client_secret_basic'];
  if (beyond.advertisePublicClients) authMethods.push('none');
  if (beyond.clientCredentialsGrant) authMethods.push('private_key_jwt');
  const metadata: Record<string, unknown> = {
    issuer: settings.quirks.metadataIssuer ?? settings.issuerUrl,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
  };
  if (settings.clientRegistrationOptions.enabled) metadata['registration_endpoint'] = `${base}/register`;
  if (settings.clientRegistrationOptions.validScopes !== undefined) {
    metadata['scopes_supported'] = [...settings.clientRegistrationOptions.validScopes];
  }
  metadata['response_types_supported'] = ['code'];
  metadata['grant_types_supported'] = servedGrantTypes(settings);
  metadata['token_endpoint_auth_methods_supported'] = authMethods;
  if (beyond.clientCredentialsGrant) {
    metadata['token_endpoint_auth_signing_alg_values_supported'] = [...ASSERTION_SIGNING_ALGORITHMS];
  }
  if (settings.serviceDocumentationUrl !== undefined) {
    metadata['service_documentation'] = settings.serviceDocumentationUrl;
  }
  if (settings.revocationOptions.enabled) {
    metadata['revocation_endpoint'] = `${base}/revoke`;
    metadata['revocation_endpoint_auth_methods_supported'] = [...authMethods];
  }
  if (!settings.quirks.omitS256) metadata['code_challenge_methods_supported'] = ['S256'];
  if (issParameterAdvertised(settings)) metadata['authorization_response_iss_parameter_supported'] = true;
  if (beyond.clientIdMetadataDocuments) metadata['client_id_metadata_document_supported'] = true;
  if (beyond.dpop) metadata['dpop_signing_alg_values_supported'] = [...settings.dpop.algorithms];
  return metadata;
}

/** FastMCP's `ProtectedResourceMetadata` for the MCP endpoint. */
function protectedResourceMetadata(settings: ResolvedMockAuthServerSettings): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    resource: settings.quirks.resourceMetadataResource ?? settings.resourceServerUrl,
    authorization_servers: [...(settings.quirks.resourceAuthorizationServers ?? [settings.issuerUrl])],
  };
  if (settings.requiredScopes !== undefined) metadata['scopes_supported'] = [...settings.requiredScopes];
  metadata['bearer_methods_supported'] = ['header'];
  // RFC 9449 §5.1 names these for resource metadata too (registered with RFC 9728).
  if (settings.beyondFastMcp.dpop) {
    metadata['dpop_signing_alg_values_supported'] = [...settings.dpop.algorithms];
    metadata['dpop_bound_access_tokens_required'] = settings.dpop.boundTokensRequired;
  }
  return metadata;
}

/** Path the resource metadata is served at: `/.well-known/oauth-protected-resource` + the resource's path. */
export function protectedResourceMetadataPath(resourceServerUrl: string): string {
  const path = new URL(resourceServerUrl).pathname;
  return `${RESOURCE_METADATA}${path === '/' ? '' : path}`;
}

/** Absolute URL of the resource metadata (what `WWW-Authenticate: resource_metadata=` points to). */
export function protectedResourceMetadataUrl(resourceServerUrl: string): string {
  return new URL(protectedResourceMetadataPath(resourceServerUrl), resourceServerUrl).href;
}

/**
 * Paths of the authorization-server metadata. FastMCP: the root RFC 8414 path, whatever the issuer's path. With
 * `pathAwareMetadata`: RFC 8414 §3 path insertion plus the OpenID Connect variants (never the root for an issuer
 * with a path).
 */
export function authorizationServerMetadataPaths(settings: ResolvedMockAuthServerSettings): string[] {
  if (!settings.beyondFastMcp.pathAwareMetadata) return [OAUTH_METADATA];
  const path = issuerPathPrefix(settings);
  if (path === '') return [OAUTH_METADATA, OPENID_METADATA];
  return [`${OAUTH_METADATA}${path}`, `${OPENID_METADATA}${path}`, `${path}${OPENID_METADATA}`];
}

/**
 * The metadata a well-known path asks for, whether or not these settings serve it there: clients probe RFC 8414 and
 * OpenID variants (with and without path insertion) and RFC 9728 paths of their own making.
 */
export function wellKnownEndpoint(
  path: string,
): Extract<EndpointName, 'metadata' | 'resource-metadata'> | undefined {
  if (path.startsWith(OAUTH_METADATA) || path.startsWith(OPENID_METADATA)) return 'metadata';
  if (path.startsWith(RESOURCE_METADATA)) return 'resource-metadata';
  return undefined;
}

/** The issuer's path without its trailing slash; `''` for an issuer at the root. */
export function issuerPath(settings: ResolvedMockAuthServerSettings): string {
  return new URL(settings.issuerUrl).pathname.replace(/\/+$/, '');
}

/**
 * Prefix of the OAuth endpoints' paths: the issuer's path (no trailing slash) with `pathAwareMetadata`, so the
 * endpoints answer where the metadata says they are; `''` in FastMCP mode (its routes sit at the root).
 */
export function issuerPathPrefix(settings: ResolvedMockAuthServerSettings): string {
  return settings.beyondFastMcp.pathAwareMetadata ? issuerPath(settings) : '';
}

export const authorizationServerMetadataHandler: RouteHandler = async (_request, context) =>
  jsonResponse(authorizationServerMetadata(context.settings), 200, CACHE_PUBLIC_HOUR);

export const protectedResourceMetadataHandler: RouteHandler = async (_request, context) =>
  jsonResponse(protectedResourceMetadata(context.settings), 200, CACHE_PUBLIC_HOUR);
