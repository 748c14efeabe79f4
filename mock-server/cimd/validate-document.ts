/**
 * Checks a Client ID Metadata Document and turns it into the client the routes use: RFC 7591 metadata (checked
 * as the registration endpoint checks it), `client_id` equal to the document's URL, and no shared secret (a
 * document is public, so `client_secret*` fields and `client_secret_*` auth methods are refused).
 */
import { isRecord } from '../objects.js';
import { validateClientMetadata } from '../routes/client-metadata.js';
import { stringifyErrors } from '../routes/validation.js';
import type { ClientInformation } from '../settings.js';

export type ValidatedDocument = { ok: true; client: ClientInformation } | { ok: false; reason: string };

export function validateClientIdMetadataDocument(url: string, document: unknown): ValidatedDocument {
  if (!isRecord(document)) return { ok: false, reason: 'is not a JSON object' };
  if (document['client_id'] !== url) return { ok: false, reason: 'has a client_id other than its own URL' };
  if ('client_secret' in document || 'client_secret_expires_at' in document) {
    return { ok: false, reason: 'must not contain a client secret' };
  }
  const validated = validateClientMetadata(document);
  if (!validated.ok) return { ok: false, reason: `is invalid: ${stringifyErrors(validated.errors)}` };
  const metadata = validated.value;
  // Registration accepts `redirect_uris: null` (as FastMCP); a document the client is identified by needs them.
  if (metadata.redirect_uris === undefined) return { ok: false, reason: 'has no redirect_uris' };
  const method = metadata.token_endpoint_auth_method ?? 'none';
  if (method === 'client_secret_post' || method === 'client_secret_basic') {
    return { ok: false, reason: `must not use ${method} (a document cannot hold a shared secret)` };
  }
  const client: ClientInformation = {
    client_id: url,
    redirect_uris: metadata.redirect_uris,
    token_endpoint_auth_method: method,
    grant_types: metadata.grant_types,
    response_types: metadata.response_types,
  };
  if (metadata.scope !== undefined) client.scope = metadata.scope;
  if (metadata.client_name !== undefined) client.client_name = metadata.client_name;
  if (metadata.client_uri !== undefined) client.client_uri = metadata.client_uri;
  if (metadata.logo_uri !== undefined) client.logo_uri = metadata.logo_uri;
  if (metadata.jwks_uri !== undefined) client.jwks_uri = metadata.jwks_uri;
  return { ok: true, client };
}
