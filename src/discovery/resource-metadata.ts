/**
 * Checking protected-resource metadata (RFC 9728) and choosing the authorization server it names. Pure: the
 * document arrives already fetched.
 */
import { DiscoveryError } from '../errors.js';
import { redactUrl } from '../events.js';
import { isStringArray } from '../json.js';
import type { JsonObject } from '../json.js';
import { resourceMatchesServer } from './resource-check.js';

/** Protected-resource metadata (RFC 9728), the fields the client reads. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  [field: string]: unknown;
}

/**
 * Validates a protected-resource document fetched from `url` for the MCP server at `mcpUrl`: a JSON object whose
 * `resource` belongs to that server (else `resource_mismatch`: never authorize for someone else's resource) and
 * whose `authorization_servers` is a list of strings. A malformed `scopes_supported` is dropped, not fatal.
 */
export function processResourceMetadata(
  body: JsonObject | undefined,
  url: URL,
  mcpUrl: URL,
): ProtectedResourceMetadata {
  if (!body || typeof body['resource'] !== 'string') {
    throw new DiscoveryError({
      code: 'invalid_response',
      message: `protected-resource metadata at ${redactUrl(url)} is not a JSON object with a "resource" string`,
    });
  }
  const metadata = { ...body } as ProtectedResourceMetadata;
  if (!resourceMatchesServer(metadata.resource, mcpUrl)) {
    throw new DiscoveryError({
      code: 'resource_mismatch',
      message: `protected-resource metadata at ${redactUrl(url)} is for "${metadata.resource}", not for ${redactUrl(mcpUrl)}: refusing to authorize (${
        loopbackAliasHint(metadata.resource, mcpUrl) ??
        'the server is misconfigured or someone is redirecting you'
      })`,
    });
  }
  if (metadata.authorization_servers !== undefined && !isStringArray(metadata.authorization_servers)) {
    throw new DiscoveryError({
      code: 'invalid_response',
      message: `"authorization_servers" at ${redactUrl(url)} is not an array of strings`,
    });
  }
  if (metadata.scopes_supported !== undefined && !isStringArray(metadata.scopes_supported)) {
    delete metadata.scopes_supported;
  }
  return metadata;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * When the published resource is the MCP URL with another name for this machine (`localhost` for `127.0.0.1`), what
 * to change: both sides are right about the machine, but a resource is compared as written.
 */
function loopbackAliasHint(resource: string, mcpUrl: URL): string | undefined {
  if (!URL.canParse(resource)) return undefined;
  const published = new URL(resource);
  if (!LOOPBACK_NAMES.has(published.hostname) || !LOOPBACK_NAMES.has(mcpUrl.hostname)) return undefined;
  if (published.hostname === mcpUrl.hostname) return undefined;
  const renamed = new URL(mcpUrl.href);
  renamed.hostname = published.hostname;
  if (canonical(renamed) !== canonical(published)) return undefined;
  return `"${published.hostname}" and "${mcpUrl.hostname}" name the same machine, but a resource is compared as written: connect to ${redactUrl(renamed)}, or start the server with the name you use (FastMCP: issuer_url and resource_server_url; this package's mock CLI: --issuer-url and --resource-server-url)`;
}

function canonical(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The authorization server to use: `preferredIssuer` when the resource lists it (pre-registered credentials are
 * bound to it), else the first one listed. Throws when none is listed or the choice is not a URL.
 */
export function selectIssuer(
  metadata: ProtectedResourceMetadata,
  mcpUrl: URL,
  preferredIssuer: string | undefined,
): { issuer: string; issuerUrl: URL } {
  const servers = metadata.authorization_servers ?? [];
  const issuer =
    preferredIssuer !== undefined && servers.includes(preferredIssuer) ? preferredIssuer : servers[0];
  if (issuer === undefined) {
    throw new DiscoveryError({
      code: 'no_authorization_server',
      message: `the protected-resource metadata of ${redactUrl(mcpUrl)} lists no authorization_servers: the server is misconfigured`,
    });
  }
  if (!URL.canParse(issuer)) {
    throw new DiscoveryError({
      code: 'invalid_response',
      message: `authorization server "${issuer}" is not a URL`,
    });
  }
  return { issuer, issuerUrl: new URL(issuer) };
}
