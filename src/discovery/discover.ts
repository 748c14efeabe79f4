/**
 * Discovery: protected-resource metadata, then authorization-server metadata, with every fallback of the MCP
 * authorization spec (including the 2025-03-26 ones). Fetching is in `fetch-metadata.ts`, the checks in
 * `resource-metadata.ts` and `authorization-server-metadata.ts`; this module sequences them and reports progress.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { DiscoveryError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import { redactUrl } from '../events.js';
import { assertAcceptableUrl } from '../http.js';
import type { HttpContext } from '../http.js';
import {
  defaultEndpoints,
  ENDPOINT_FIELDS,
  processAuthorizationServerMetadata,
} from './authorization-server-metadata.js';
import { fetchFirstDocument } from './fetch-metadata.js';
import { processResourceMetadata, selectIssuer } from './resource-metadata.js';
import type { ProtectedResourceMetadata } from './resource-metadata.js';
import { authorizationServerMetadataUrls, canonicalResourceUri, resourceMetadataUrls } from './urls.js';

/** Which 2025-03-26 fallback, if any, discovery had to use. */
export type LegacyMode = 'none' | 'no-resource-metadata' | 'default-endpoints';

/** Everything discovery established about one MCP server. */
export interface Discovery {
  /** The RFC 8707 `resource` to send: the document's `resource` exactly as published, else the canonical URL. */
  resource: string;
  resourceMetadata?: ProtectedResourceMetadata;
  /** The issuer identifier exactly as the resource (or the fallback) named it. */
  issuer: string;
  authorizationServer: AuthorizationServer;
  legacy: LegacyMode;
}

/** Inputs of one discovery run. */
export interface DiscoverInput {
  mcpUrl: URL;
  /** `resource_metadata` of the 401 challenge, when there was one. */
  challengeResourceMetadata?: string | undefined;
  /** When the resource lists several authorization servers, prefer this one. */
  preferredIssuer?: string | undefined;
  /** True when a 401 arrived without a readable WWW-Authenticate header (browser CORS exposure). */
  challengeHeaderMissing?: boolean | undefined;
}

const CORS_HINT =
  ' The 401 carried no readable WWW-Authenticate header: in a browser the MCP server must list it in Access-Control-Expose-Headers.';

/** Runs discovery for an MCP server. */
export async function discover(
  ctx: HttpContext,
  events: FlowEventEmitter,
  input: DiscoverInput,
): Promise<Discovery> {
  const { mcpUrl } = input;
  const hint = input.challengeHeaderMissing ? CORS_HINT : '';
  const resourceMetadata = await fetchResourceMetadata(
    ctx,
    events,
    mcpUrl,
    input.challengeResourceMetadata,
    hint,
  );
  if (!resourceMetadata) return discoverLegacy(ctx, events, mcpUrl, hint);

  const { issuer, issuerUrl } = selectIssuer(resourceMetadata, mcpUrl, input.preferredIssuer);
  assertAcceptableUrl(issuerUrl, ctx, 'discovery', 'authorization server');
  const authorizationServer = await fetchAuthorizationServerMetadata(ctx, events, issuer);
  if (!authorizationServer) {
    throw new DiscoveryError({
      code: 'authorization_server_metadata_not_found',
      message: `no authorization-server metadata found for issuer ${issuer} (tried ${authorizationServerMetadataUrls(
        issuerUrl,
      )
        .map((u) => u.href)
        .join(', ')}): check the issuer in the protected-resource metadata`,
    });
  }
  assertUsableEndpoints(ctx, authorizationServer);
  events.emit({
    step: 'discovery',
    status: 'succeeded',
    message: `authorization server ${issuer}`,
    detail: { issuer, resource: resourceMetadata.resource },
  });
  return {
    resource: resourceMetadata.resource,
    resourceMetadata,
    issuer,
    authorizationServer,
    legacy: 'none',
  };
}

/**
 * 2025-03-26 servers publish no protected-resource metadata: the MCP server's origin is the authorization server.
 * Nobody named the issuer, so the origin with a trailing slash counts as well (Python servers publish
 * `http://host/` for a bare host); without any metadata, the default endpoints at the origin apply.
 */
async function discoverLegacy(
  ctx: HttpContext,
  events: FlowEventEmitter,
  mcpUrl: URL,
  hint: string,
): Promise<Discovery> {
  const metadata = await fetchAuthorizationServerMetadata(ctx, events, mcpUrl.origin, [`${mcpUrl.origin}/`]);
  const issuer = metadata?.issuer ?? mcpUrl.origin;
  const authorizationServer = metadata ?? defaultEndpoints(issuer);
  assertUsableEndpoints(ctx, authorizationServer);
  events.emit({
    step: 'discovery',
    status: 'succeeded',
    message: `${
      metadata
        ? 'no protected-resource metadata: using the MCP server origin as authorization server (2025-03-26)'
        : 'no metadata at all: using /authorize, /token and /register at the MCP server origin (2025-03-26)'
    }${hint}`,
    detail: { issuer, legacy: true },
  });
  return {
    resource: canonicalResourceUri(mcpUrl),
    issuer,
    authorizationServer,
    legacy: metadata ? 'no-resource-metadata' : 'default-endpoints',
  };
}

/**
 * Judges every endpoint the flow may use now, before any request with side effects: a client must not register,
 * or send a person through sign-in, with a server whose token endpoint it would refuse to call afterwards.
 */
export function assertUsableEndpoints(ctx: HttpContext, as: AuthorizationServer): void {
  for (const field of ENDPOINT_FIELDS) {
    const value = as[field];
    const what = field.replace('_', ' ');
    if (typeof value !== 'string') continue;
    const url = new URL(value);
    assertAcceptableUrl(url, ctx, 'discovery', what);
    // RFC 6749 §3.1 and §3.2: endpoint URIs must not include a fragment component.
    if (url.hash !== '' || value.includes('#')) {
      throw new DiscoveryError({
        code: 'invalid_response',
        message: `the ${what} ${redactUrl(url)} has a fragment, which OAuth endpoints must not have: the authorization server is misconfigured`,
      });
    }
  }
}

/** The resource-metadata URL the server named in its challenge, resolved as the candidates are (or undefined). */
function namedUrl(mcpUrl: URL, challengeUrl: string | undefined): string | undefined {
  return challengeUrl !== undefined && URL.canParse(challengeUrl, mcpUrl)
    ? new URL(challengeUrl, mcpUrl).href
    : undefined;
}

function* acceptableResourceMetadataUrls(ctx: HttpContext, mcpUrl: URL, challengeUrl: string | undefined) {
  for (const url of resourceMetadataUrls(mcpUrl, challengeUrl)) {
    if (!(url.protocol === 'https:' || url.protocol === 'http:')) continue;
    assertAcceptableUrl(url, ctx, 'discovery', 'protected-resource metadata');
    yield url;
  }
}

/** Fetches and checks the protected-resource metadata; undefined when no candidate URL has any. */
async function fetchResourceMetadata(
  ctx: HttpContext,
  events: FlowEventEmitter,
  mcpUrl: URL,
  challengeUrl: string | undefined,
  hint: string,
): Promise<ProtectedResourceMetadata | undefined> {
  const what = 'protected-resource metadata';
  const urls = acceptableResourceMetadataUrls(ctx, mcpUrl, challengeUrl);
  const found = await fetchFirstDocument(ctx, events, urls, what, hint, namedUrl(mcpUrl, challengeUrl));
  if (!found) return undefined;
  const metadata = processResourceMetadata(found.body, found.url, mcpUrl);
  emitDocumentFound(events, what, found.url, { resource: metadata.resource });
  return metadata;
}

/**
 * Fetches and checks authorization-server metadata; undefined when no candidate URL has any. The document's
 * `issuer` must equal `issuer` (or one of `equivalentIssuers`) string for string.
 */
export async function fetchAuthorizationServerMetadata(
  ctx: HttpContext,
  events: FlowEventEmitter,
  issuer: string,
  equivalentIssuers: readonly string[] = [],
): Promise<AuthorizationServer | undefined> {
  const what = 'authorization-server metadata';
  const urls = authorizationServerMetadataUrls(new URL(issuer));
  const found = await fetchFirstDocument(ctx, events, urls, what);
  if (!found) return undefined;
  const metadata = processAuthorizationServerMetadata(found.body, found.url, issuer, equivalentIssuers);
  emitDocumentFound(events, what, found.url, { issuer: metadata.issuer });
  return metadata;
}

function emitDocumentFound(
  events: FlowEventEmitter,
  what: string,
  url: URL,
  detail: Readonly<Record<string, string>>,
): void {
  events.emit({
    step: 'discovery',
    status: 'succeeded',
    message: what,
    request: { method: 'GET', url: redactUrl(url) },
    response: { status: 200 },
    detail,
  });
}
