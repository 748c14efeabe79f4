/**
 * Discovery I/O: protected-resource metadata, then authorization-server metadata, with every fallback of the
 * MCP authorization spec (including the 2025-03-26 ones) and the resource / issuer checks.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { DiscoveryError, McpAuthError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import { redactUrl } from '../events.js';
import { assertAcceptableUrl, readJsonObject, send } from '../http.js';
import type { HttpContext } from '../http.js';
import { resourceMatchesServer } from './resource-check.js';
import { authorizationServerMetadataUrls, canonicalResourceUri, resourceMetadataUrls } from './urls.js';

/** Protected-resource metadata (RFC 9728), the fields the client reads. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  [field: string]: unknown;
}

/** Which 2025-03-26 fallback, if any, discovery had to use. */
export type LegacyMode = 'none' | 'no-resource-metadata' | 'default-endpoints';

/** Everything discovery established about one MCP server. */
export interface Discovery {
  mcpUrl: string;
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
  const found = await fetchResourceMetadata(ctx, events, mcpUrl, input.challengeResourceMetadata, hint);

  if (!found) {
    // 2025-03-26 servers: the MCP server's origin is the authorization server. Nobody named the issuer, so the
    // origin with a trailing slash counts as well (Python servers publish `http://host/` for a bare host).
    const metadata = await fetchAuthorizationServerMetadata(ctx, events, mcpUrl.origin, [
      `${mcpUrl.origin}/`,
    ]);
    const issuer = metadata?.issuer ?? mcpUrl.origin;
    const authorizationServer = metadata ?? defaultEndpoints(issuer);
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
      mcpUrl: mcpUrl.href,
      resource: canonicalResourceUri(mcpUrl),
      issuer,
      authorizationServer,
      legacy: metadata ? 'no-resource-metadata' : 'default-endpoints',
    };
  }

  const { metadata } = found;
  const servers = metadata.authorization_servers ?? [];
  const issuer =
    (input.preferredIssuer !== undefined && servers.includes(input.preferredIssuer)
      ? input.preferredIssuer
      : undefined) ?? servers[0];
  if (issuer === undefined) {
    throw new DiscoveryError({
      code: 'no_authorization_server',
      message: `the protected-resource metadata of ${redactUrl(mcpUrl)} lists no authorization_servers: the server is misconfigured`,
    });
  }
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw new DiscoveryError({
      code: 'invalid_response',
      message: `authorization server "${issuer}" is not a URL`,
    });
  }
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
  events.emit({
    step: 'discovery',
    status: 'succeeded',
    message: `authorization server ${issuer}`,
    detail: { issuer, resource: metadata.resource },
  });
  return {
    mcpUrl: mcpUrl.href,
    resource: metadata.resource,
    resourceMetadata: metadata,
    issuer,
    authorizationServer,
    legacy: 'none',
  };
}

/** What the first candidate URL that answered 200 held (`body` undefined when it was no JSON object). */
interface FetchedDocument {
  body: Record<string, unknown> | undefined;
  url: URL;
}

/**
 * Tries `urls` in order and reads the first one that answers 200; a 4xx moves on to the next candidate (reported as
 * an event), while an unreachable URL or a 5xx is a typed error. The caller judges the body.
 */
async function firstDocument(
  ctx: HttpContext,
  events: FlowEventEmitter,
  urls: Iterable<URL>,
  what: string,
  unreachableHint = '',
): Promise<FetchedDocument | undefined> {
  for (const url of urls) {
    const request = { method: 'GET', url: redactUrl(url) };
    events.emit({ step: 'discovery', status: 'started', message: what, request });
    let response: Response;
    try {
      response = await send(ctx, 'discovery', url, { headers: { accept: 'application/json' } });
    } catch (error) {
      // Unreachable is not "absent": falling back to 2025-03-26 defaults here would skip the PKCE and resource checks
      // on a network failure or, in a browser, a CORS refusal.
      events.emit({ step: 'discovery', status: 'failed', message: `could not fetch ${redactUrl(url)}` });
      if (error instanceof McpAuthError && error.code !== 'network_error') throw error;
      throw new DiscoveryError({
        code: 'network_error',
        message: `could not fetch the ${what} at ${redactUrl(url)}: the server is unreachable, or in a browser it does not allow this origin (CORS).${unreachableHint}`,
        cause: error,
      });
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      events.emit({ step: 'discovery', status: 'failed', message: `${what} answered ${response.status}` });
      throw new DiscoveryError({
        code: 'invalid_response',
        status: response.status,
        message: `the ${what} at ${redactUrl(url)} answered ${response.status}: the server failed, try again later`,
      });
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      events.emit({
        step: 'discovery',
        status: 'skipped',
        message: `no ${what} here`,
        request,
        response: { status: response.status },
      });
      continue;
    }
    return { body: await readJsonObject(response), url };
  }
  return undefined;
}

function* acceptableResourceMetadataUrls(ctx: HttpContext, mcpUrl: URL, challengeUrl: string | undefined) {
  for (const url of resourceMetadataUrls(mcpUrl, challengeUrl)) {
    if (!(url.protocol === 'https:' || url.protocol === 'http:')) continue;
    assertAcceptableUrl(url, ctx, 'discovery', 'protected-resource metadata');
    yield url;
  }
}

async function fetchResourceMetadata(
  ctx: HttpContext,
  events: FlowEventEmitter,
  mcpUrl: URL,
  challengeUrl: string | undefined,
  hint: string,
): Promise<{ metadata: ProtectedResourceMetadata; url: string } | undefined> {
  const what = 'protected-resource metadata';
  const found = await firstDocument(
    ctx,
    events,
    acceptableResourceMetadataUrls(ctx, mcpUrl, challengeUrl),
    what,
    hint,
  );
  if (!found) return undefined;
  const { body, url } = found;
  if (!body || typeof body['resource'] !== 'string') {
    throw new DiscoveryError({
      code: 'invalid_response',
      message: `protected-resource metadata at ${redactUrl(url)} is not a JSON object with a "resource" string`,
    });
  }
  const metadata = body as ProtectedResourceMetadata;
  if (!resourceMatchesServer(metadata.resource, mcpUrl)) {
    throw new DiscoveryError({
      code: 'resource_mismatch',
      message: `protected-resource metadata at ${redactUrl(url)} is for "${metadata.resource}", not for ${redactUrl(mcpUrl)}: refusing to authorize (the server is misconfigured or someone is redirecting you)`,
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
  events.emit({
    step: 'discovery',
    status: 'succeeded',
    message: what,
    request: { method: 'GET', url: redactUrl(url) },
    response: { status: 200 },
    detail: { resource: metadata.resource },
  });
  return { metadata, url: url.href };
}

/**
 * Fetches and checks authorization-server metadata; undefined when no candidate URL has any. The document's
 * `issuer` must equal `issuer` (or one of `equivalentIssuers`, for issuers nobody published) string for string.
 */
export async function fetchAuthorizationServerMetadata(
  ctx: HttpContext,
  events: FlowEventEmitter,
  issuer: string,
  equivalentIssuers: readonly string[] = [],
): Promise<AuthorizationServer | undefined> {
  const what = 'authorization-server metadata';
  const found = await firstDocument(ctx, events, authorizationServerMetadataUrls(new URL(issuer)), what);
  if (!found) return undefined;
  const { body, url } = found;
  if (!body || typeof body['issuer'] !== 'string') {
    throw new DiscoveryError({
      code: 'invalid_response',
      message: `authorization-server metadata at ${redactUrl(url)} is not a JSON object with an "issuer" string`,
    });
  }
  // RFC 8414 §3.3: exact string comparison, no URL normalisation.
  if (body['issuer'] !== issuer && !equivalentIssuers.includes(body['issuer'])) {
    throw new DiscoveryError({
      code: 'issuer_mismatch',
      message: `authorization-server metadata at ${redactUrl(url)} names issuer "${body['issuer']}" but was fetched for "${issuer}": none of its endpoints will be used`,
    });
  }
  const malformed = malformedAuthorizationServerField(body);
  if (malformed !== undefined) {
    throw new DiscoveryError({
      code: 'invalid_response',
      message: `authorization-server metadata at ${redactUrl(url)} has an unusable "${malformed}": the server is misconfigured`,
    });
  }
  events.emit({
    step: 'discovery',
    status: 'succeeded',
    message: what,
    request: { method: 'GET', url: redactUrl(url) },
    response: { status: 200 },
    detail: { issuer: body['issuer'] },
  });
  return body as unknown as AuthorizationServer;
}

const REQUIRED_ENDPOINTS = ['authorization_endpoint', 'token_endpoint'] as const;
const OPTIONAL_ENDPOINTS = ['registration_endpoint', 'revocation_endpoint'] as const;
const STRING_LISTS = [
  'scopes_supported',
  'code_challenge_methods_supported',
  'token_endpoint_auth_methods_supported',
  'revocation_endpoint_auth_methods_supported',
] as const;

/**
 * The first field the flow reads that has the wrong shape, so a broken document fails at discovery with a typed
 * error instead of as a `TypeError` in the middle of a token request.
 */
export function malformedAuthorizationServerField(body: Record<string, unknown>): string | undefined {
  const isUrl = (value: unknown): boolean => typeof value === 'string' && URL.canParse(value);
  for (const field of REQUIRED_ENDPOINTS) if (!isUrl(body[field])) return field;
  for (const field of OPTIONAL_ENDPOINTS) if (body[field] !== undefined && !isUrl(body[field])) return field;
  for (const field of STRING_LISTS)
    if (body[field] !== undefined && !isStringArray(body[field])) return field;
  return undefined;
}

/** 2025-03-26 default endpoints when a server publishes no metadata at all. */
export function defaultEndpoints(origin: string): AuthorizationServer {
  return {
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    registration_endpoint: `${origin}/register`,
  };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
