/**
 * FastMCP's `RequireAuthMiddleware` answers: 401 `invalid_token` / 403 `insufficient_scope`, a Python-`json.dumps`
 * body and `WWW-Authenticate: Bearer error=…, error_description=…, resource_metadata=…` (plus `scope=` when the
 * `challengeScope` switch is on).
 */
import { protectedResourceMetadataUrl } from '../routes/metadata.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';

export const AUTHENTICATION_REQUIRED = 'Authentication required';

export type BearerErrorCode = 'invalid_token' | 'insufficient_scope';

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
  const parts = [`error="${error}"`, `error_description="${description}"`];
  if (!settings.quirks.omitResourceMetadata) {
    parts.push(`resource_metadata="${protectedResourceMetadataUrl(settings.resourceServerUrl)}"`);
  }
  const nameScopes = alwaysNameScopes || settings.beyondFastMcp.challengeScope;
  if (nameScopes && scopes.length > 0) parts.push(`scope="${scopes.join(' ')}"`);
  // Python's json.dumps separators (", " and ": "), byte for byte what FastMCP sends.
  const body = `{"error": ${JSON.stringify(error)}, "error_description": ${JSON.stringify(description)}}`;
  return new Response(body, {
    status: error === 'invalid_token' ? 401 : 403,
    headers: { 'content-type': 'application/json', 'www-authenticate': `Bearer ${parts.join(', ')}` },
  });
}
