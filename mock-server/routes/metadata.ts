/** RFC 8414 authorization server metadata and RFC 9728 protected resource metadata, as FastMCP publishes them. */
import { jsonResponse } from '../http/responses.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import type { RouteHandler } from './router.js';

const CACHE_PUBLIC_HOUR = { 'Cache-Control': 'public, max-age=3600' };

/** FastMCP's `build_metadata`, fields in its order, absent ones omitted. */
export function authorizationServerMetadata(
  settings: ResolvedMockAuthServerSettings,
): Record<string, unknown> {
  const base = settings.issuerUrl.replace(/\/$/, '');
  const metadata: Record<string, unknown> = {
    issuer: settings.issuerUrl,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
  };
  if (settings.clientRegistrationOptions.enabled) metadata['registration_endpoint'] = `${base}/register`;
  if (settings.clientRegistrationOptions.validScopes !== undefined) {
    metadata['scopes_supported'] = [...settings.clientRegistrationOptions.validScopes];
  }
  metadata['response_types_supported'] = ['code'];
  metadata['grant_types_supported'] = ['authorization_code', 'refresh_token'];
  metadata['token_endpoint_auth_methods_supported'] = ['client_secret_post', 'client_secret_basic'];
  if (settings.serviceDocumentationUrl !== undefined) {
    metadata['service_documentation'] = settings.serviceDocumentationUrl;
  }
  if (settings.revocationOptions.enabled) {
    metadata['revocation_endpoint'] = `${base}/revoke`;
    metadata['revocation_endpoint_auth_methods_supported'] = ['client_secret_post', 'client_secret_basic'];
  }
  metadata['code_challenge_methods_supported'] = ['S256'];
  return metadata;
}

/** FastMCP's `ProtectedResourceMetadata` for the MCP endpoint. */
export function protectedResourceMetadata(settings: ResolvedMockAuthServerSettings): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    resource: settings.resourceServerUrl,
    authorization_servers: [settings.issuerUrl],
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

export const authorizationServerMetadataHandler: RouteHandler = async (_request, context) =>
  jsonResponse(authorizationServerMetadata(context.settings), 200, CACHE_PUBLIC_HOUR);

export const protectedResourceMetadataHandler: RouteHandler = async (_request, context) =>
  jsonResponse(protectedResourceMetadata(context.settings), 200, CACHE_PUBLIC_HOUR);
