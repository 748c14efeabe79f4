/** `/register` (RFC 7591), FastMCP's checks and defaults; a non-JSON body is a 400 here (FastMCP answers 500). */
import { readJsonBody } from '../http/json-body.js';
import { randomHex } from '../http/crypto.js';
import { stringResponse } from '../http/known-body.js';
import { jsonResponse, oauthError } from '../http/responses.js';
import { nowSeconds } from '../provider/clock.js';
import { RegistrationError } from '../provider/errors.js';
import type { ClientInformation } from '../settings.js';
import { validateClientMetadata, type ClientMetadata } from './client-metadata.js';
import { redirectSchemeProblem } from './redirect-uri-scheme.js';
import type { RouteContext } from './router.js';
import { stringifyErrors } from './validation.js';

function registrationError(description: string, error = 'invalid_client_metadata'): Response {
  return jsonResponse(oauthError(error, description), 400);
}

export async function registerHandler(request: Request, context: RouteContext): Promise<Response> {
  const options = context.settings.clientRegistrationOptions;
  const parsed = await readJsonBody(request, context.settings.maxBodyBytes);
  if (!parsed.ok) return registrationError(parsed.description);
  const validated = validateClientMetadata(parsed.value);
  if (!validated.ok) return registrationError(stringifyErrors(validated.errors));
  const metadata = validated.value;
  if (context.settings.beyondFastMcp.restrictRedirectUriSchemes) {
    const refused = firstRefusedRedirectUri(metadata.redirect_uris ?? []);
    if (refused !== undefined) return registrationError(refused, 'invalid_redirect_uri');
  }

  const method = metadata.token_endpoint_auth_method ?? 'client_secret_post';
  let scope = metadata.scope;
  if (scope === undefined && options.defaultScopes !== undefined) {
    scope = options.defaultScopes.join(' ');
  } else if (scope !== undefined && options.validScopes !== undefined) {
    const requested = [...new Set(scope.split(/\s+/).filter((item) => item !== ''))];
    const invalid = requested.filter((item) => !options.validScopes?.includes(item));
    if (invalid.length > 0) return registrationError(`Requested scopes are not valid: ${invalid.join(', ')}`);
  }
  if (
    !metadata.grant_types.includes('authorization_code') ||
    !metadata.grant_types.includes('refresh_token')
  ) {
    return registrationError('grant_types must be authorization_code and refresh_token');
  }
  if (!metadata.response_types.includes('code')) {
    return registrationError("response_types must include 'code' for authorization_code grant");
  }

  const issuedAt = Math.floor(nowSeconds(context.clock));
  const client = buildClient(metadata, {
    client_id: crypto.randomUUID(),
    client_secret: method === 'none' ? undefined : randomHex(32),
    client_id_issued_at: issuedAt,
    client_secret_expires_at:
      options.clientSecretExpirySeconds === undefined
        ? undefined
        : issuedAt + options.clientSecretExpirySeconds,
    token_endpoint_auth_method: method,
    scope,
  });
  // The answer is serialised before anything is stored: a client the response cannot describe is never kept.
  // A client registered with `redirect_uris: null` is answered without them and stored with none.
  let answer: string;
  try {
    answer = JSON.stringify(metadata.redirect_uris === undefined ? withoutRedirectUris(client) : client);
  } catch {
    return registrationError('Client metadata cannot be stored');
  }
  try {
    await context.provider.registerClient(client);
  } catch (error) {
    if (error instanceof RegistrationError) {
      return jsonResponse(oauthError(error.error, error.errorDescription), 400);
    }
    throw error;
  }
  return stringResponse(answer, { status: 201, headers: { 'content-type': 'application/json' } });
}

/** `redirect_uris.<i>: <why>` for the first redirect URI whose scheme is refused, in pydantic's location style. */
function firstRefusedRedirectUri(uris: readonly string[]): string | undefined {
  for (const [index, uri] of uris.entries()) {
    const problem = redirectSchemeProblem(uri);
    if (problem !== undefined) return `redirect_uris.${index}: ${problem}`;
  }
  return undefined;
}

interface IssuedFields {
  client_id: string;
  client_secret: string | undefined;
  client_id_issued_at: number;
  client_secret_expires_at: number | undefined;
  token_endpoint_auth_method: NonNullable<ClientMetadata['token_endpoint_auth_method']>;
  scope: string | undefined;
}

/** The stored client, in FastMCP's field order (metadata first, then identity), absent fields left out. */
function buildClient(metadata: ClientMetadata, issued: IssuedFields): ClientInformation {
  const ordered: Record<string, unknown> = {
    redirect_uris: metadata.redirect_uris ?? [],
    token_endpoint_auth_method: issued.token_endpoint_auth_method,
    grant_types: metadata.grant_types,
    response_types: metadata.response_types,
    scope: issued.scope,
    client_name: metadata.client_name,
    client_uri: metadata.client_uri,
    logo_uri: metadata.logo_uri,
    contacts: metadata.contacts,
    tos_uri: metadata.tos_uri,
    policy_uri: metadata.policy_uri,
    jwks_uri: metadata.jwks_uri,
    jwks: metadata.jwks,
    software_id: metadata.software_id,
    software_version: metadata.software_version,
    client_id: issued.client_id,
    client_secret: issued.client_secret,
    client_id_issued_at: issued.client_id_issued_at,
    client_secret_expires_at: issued.client_secret_expires_at,
  };
  return Object.fromEntries(
    Object.entries(ordered).filter(([, value]) => value !== undefined),
  ) as unknown as ClientInformation;
}

function withoutRedirectUris(client: ClientInformation): Omit<ClientInformation, 'redirect_uris'> {
  const { redirect_uris: _none, ...rest } = client;
  return rest;
}
