/**
 * Checking authorization-server metadata (RFC 8414), and the 2025-03-26 defaults for servers that publish none.
 * Pure: the document arrives already fetched.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { DiscoveryError } from '../errors.js';
import { redactUrl } from '../events.js';
import { isStringArray } from '../json.js';
import type { JsonObject } from '../json.js';

/**
 * Validates the metadata fetched from `url` for `issuer`: its `issuer` must equal `issuer` (or one of
 * `equivalentIssuers`, for issuers nobody published) string for string, and every field the flow reads must have
 * the right shape.
 */
export function processAuthorizationServerMetadata(
  body: JsonObject | undefined,
  url: URL,
  issuer: string,
  equivalentIssuers: readonly string[] = [],
): AuthorizationServer {
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
  return body as unknown as AuthorizationServer;
}

const REQUIRED_ENDPOINTS = ['authorization_endpoint', 'token_endpoint'] as const;
const OPTIONAL_ENDPOINTS = ['registration_endpoint', 'revocation_endpoint'] as const;

/** Every endpoint field the flow may call. */
export const ENDPOINT_FIELDS = [...REQUIRED_ENDPOINTS, ...OPTIONAL_ENDPOINTS] as const;
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
export function malformedAuthorizationServerField(body: JsonObject): string | undefined {
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
