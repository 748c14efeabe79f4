/**
 * One sentence per server variant (the mock's presets): what the server does wrong or differently, and what the
 * client should do about it — refuse, and at which step, or cope. Pure data.
 */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  fastmcp:
    'Plain FastMCP: no RFC 9207 iss, and a tool that needs more scope answers with a tool error instead of 403 — the client copes: it signs in, and step-up is skipped with the reason.',
  latest:
    'Everything the current MCP specification asks for (RFC 9207 iss, 403 insufficient_scope challenges, revocation): the client should pass every step.',
  'path-issuer':
    'The issuer has a path (/tenant), so its metadata sits at the path-inserted RFC 8414 URL — the client should find it there and cope.',
  'trailing-slash-issuer':
    'The issuer ends in a slash (/tenant/), which counts character for character — the client should keep it and cope.',
  'metadata-issuer-mismatch':
    'The authorization-server metadata names an issuer other than the one it was fetched for — the client must refuse at authorization-server metadata (issuer_mismatch).',
  'iss-wrong':
    'RFC 9207 is advertised but the callback carries a wrong iss, the mark of a mix-up attack — the client must refuse at the callback checks (iss_mismatch), after consent.',
  'iss-missing':
    'RFC 9207 is advertised but the callback carries no iss — the client must refuse at the callback checks (iss_missing), after consent.',
  'iss-unadvertised':
    'The callback carries a correct iss that the metadata does not advertise — the client may compare it when present, and copes.',
  'no-s256':
    'The metadata does not advertise PKCE S256 — the client must refuse at authorization-server metadata (pkce_not_supported) rather than sign in without PKCE.',
  'pre-registration-only':
    'No dynamic registration and no metadata documents: only clients registered in advance get in — the client should be given one (choose “Pre-registered” under Client identity), or it stops at client identity (client_id_required).',
  'cimd-only':
    'No dynamic registration, but Client ID Metadata Documents are accepted — the client should present one (choose “Metadata document” under Client identity), or it stops at client identity (client_id_required).',
  'resource-mismatch':
    'The protected-resource metadata names another server (https://elsewhere.example/mcp) as its resource — the client must refuse at protected-resource metadata (resource_mismatch).',
  'step-up':
    'A tool that needs more scope answers 403 insufficient_scope with the scope it needs — the client should sign in again for the union of the scopes it holds and needs.',
  '2025-03-26':
    'A server of the 2025-03-26 revision: no protected-resource metadata — the client should fall back to the MCP server’s origin for authorization-server metadata and cope.',
  'no-refresh-token':
    'Token responses carry no refresh token — the client copes, but once the access token expires it can only sign in again (the refresh step says so).',
  'short-lived-tokens':
    'Access tokens live 5 s, codes 30 s, refresh tokens 60 s — the client copes by refreshing before each request that would carry an expiring token: watch the countdown.',
};

/** The sentence for a preset, or a neutral one for a preset the demo does not know (a mock's own). */
export function describePreset(name: string): string {
  return (
    DESCRIPTIONS[name] ??
    `A variant this mock defines (“${name}”): run the walkthrough to see what it changes.`
  );
}
