/** RFC 8414 authorization server metadata and RFC 9728 protected resource metadata, as FastMCP publishes them. */
import { jsonResponse } from '../http/responses.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import { issParameterAdvertised } from './iss.js';
import type { RouteHandler } from './router.js';

const CACHE_PUBLIC_HOUR = { 'Cache-Control': 'public, max-age=3600' };

/**
 * FastMCP's `build_metadata`, fields in its order, absent ones omitted; the beyond-FastMCP fields (RFC 9207, CIMD,
 * `none`) and quirks only when switched on.
 */
export function authorizationServerMetadata(
  settings: ResolvedMockAuthServerSettings,
): Record<string, unknown> {
  const base = settings.issuerUrl.replace(/\/$/, '');
  const beyond = settings.beyondFastMcp;
  const authMethods = ['client_secret_post', 'client_secret_basic'];
  if (beyond.advertisePublicClients) authMethods.push('none');
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
  metadata['grant_types_supported'] = ['authorization_code', 'refresh_token'];
  metadata['token_endpoint_auth_methods_supported'] = authMethods;
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
  return metadata;
}

/** FastMCP's `ProtectedResourceMetadata` for the MCP endpoint. */
export function protectedResourceMetadata(settings: ResolvedMockAuthServerSettings): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    resource: settings.quirks.resourceMetadataResource ?? settings.resourceServerUrl,
    authorization_servers: [...(settings.quirks.resourceAuthorizationServers ?? [settings.issuerUrl])],
  };
  if (settings.requiredScopes !== undefined) metadata['scopes_supported'] = [...settings.requiredScopes];
  metadata['bearer_methods_supported'] = ['header'];
  return metadata;
}

/** Path the resource metadata is served at: `/.well-known/oauth-protected-resource` + the resource's path. */
export function protectedResourceMetadataPath(resourceServerUrl: string): string {
  const path = new URL(resourceServerUrl).pathname;
  return `/.well-known/oauth-protected-resource${path === '/' ? '' : path}`;
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
  if (!settings.beyondFastMcp.pathAwareMetadata) return ['/.well-known/oauth-authorization-server'];
  const path = issuerPathPrefix(settings);
  if (path === '') return ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];
  return [
    `/.well-known/oauth-authorization-server${path}`,
    `/.well-known/openid-configuration${path}`,
    `${path}/.well-known/openid-configuration`,
  ];
}

/**
 * Prefix of the OAuth endpoints' paths: the issuer's path (no trailing slash) with `pathAwareMetadata`, so the
 * endpoints answer where the metadata says they are; `''` in FastMCP mode (its routes sit at the root).
 */
export function issuerPathPrefix(settings: ResolvedMockAuthServerSettings): string {
  if (!settings.beyondFastMcp.pathAwareMetadata) return '';
  return new URL(settings.issuerUrl).pathname.replace(/\/+$/, '');
}

export const authorizationServerMetadataHandler: RouteHandler = async (_request, context) =>
  jsonResponse(authorizationServerMetadata(context.settings), 200, CACHE_PUBLIC_HOUR);

export const protectedResourceMetadataHandler: RouteHandler = async (_request, context) =>
  jsonResponse(protectedResourceMetadata(context.settings), 200, CACHE_PUBLIC_HOUR);
