/**
 * FastMCP's `RequireAuthMiddleware` answers: 401 `invalid_token` / 403 `insufficient_scope`, a Python-`json.dumps`
 * body and `WWW-Authenticate: Bearer error=…, error_description=…, resource_metadata=…` (plus `scope=` when the
 * `challengeScope` switch is on). With `dpop`, a `DPoP` challenge with the same parameters and `algs=` follows the
 * Bearer one (RFC 9449 §7.1), and the DPoP-only errors (`invalid_dpop_proof`, `use_dpop_nonce`) get a DPoP challenge
 * alone.
 */
import { protectedResourceMetadataUrl } from '../routes/metadata.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';

export const AUTHENTICATION_REQUIRED = 'Authentication required';

export type BearerErrorCode = 'invalid_token' | 'insufficient_scope';

/** The errors RFC 9449 §7.1 and §9 add for a resource request: a bad proof, or a nonce the server wants. */
export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

/**
 * A 401 or 403 challenge for the MCP endpoint. `scopes` are the scopes the request needs; they appear as `scope=`
 * with `challengeScope`, or always when `alwaysNameScopes` (a step-up challenge is useless without them).
 */
export function bearerChallenge(
  settings: ResolvedMockAuthServerSettings,
  error: BearerErrorCode,
  description: string,
  scopes: readonly string[] = [],
  alwaysNameScopes = false,
): Response {
  const parts = challengeParameters(settings, error, description);
  const nameScopes = alwaysNameScopes || settings.beyondFastMcp.challengeScope;
  if (nameScopes && scopes.length > 0) parts.push(`scope="${scopes.join(' ')}"`);
  const response = new Response(errorBody(error, description), {
    status: error === 'invalid_token' ? 401 : 403,
    headers: { 'content-type': 'application/json', 'www-authenticate': `Bearer ${parts.join(', ')}` },
  });
  // RFC 9449 §7.1: a resource taking both schemes names both, so a client with a DPoP key knows it may use it.
  if (settings.beyondFastMcp.dpop)
    response.headers.append('www-authenticate', dpopChallengeValue(settings, parts));
  return response;
}

/**
 * A 401 for a DPoP proof the MCP endpoint refuses: `WWW-Authenticate: DPoP error=…` alone (the Bearer scheme has
 * nothing to do with it), and with `use_dpop_nonce` the nonce to use in `DPoP-Nonce` (RFC 9449 §9).
 */
export function dpopChallenge(
  settings: ResolvedMockAuthServerSettings,
  error: DpopErrorCode,
  description: string,
  nonce?: string,
): Response {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'www-authenticate': dpopChallengeValue(settings, challengeParameters(settings, error, description)),
  };
  if (nonce !== undefined) headers['dpop-nonce'] = nonce;
  return new Response(errorBody(error, description), { status: 401, headers });
}

function challengeParameters(
  settings: ResolvedMockAuthServerSettings,
  error: string,
  description: string,
): string[] {
  const parts = [`error="${error}"`, `error_description="${description}"`];
  if (!settings.quirks.omitResourceMetadata) {
    parts.push(`resource_metadata="${protectedResourceMetadataUrl(settings.resourceServerUrl)}"`);
  }
  return parts;
}

function dpopChallengeValue(settings: ResolvedMockAuthServerSettings, parts: readonly string[]): string {
  return `DPoP ${[...parts, `algs="${settings.dpop.algorithms.join(' ')}"`].join(', ')}`;
}

/** Python's json.dumps separators (", " and ": "), byte for byte what FastMCP sends. */
function errorBody(error: string, description: string): string {
  return `{"error": ${JSON.stringify(error)}, "error_description": ${JSON.stringify(description)}}`;
}
