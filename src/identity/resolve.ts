/**
 * Client identity, in the spec's priority order: pre-registered credentials, then a Client ID Metadata Document
 * URL, then a stored or fresh dynamic registration (RFC 7591). Registrations are stored per issuer, so a resource
 * that moves to another authorization server never sends the old client id there.
 */
import { dynamicClientRegistrationRequest } from 'oauth4webapi';
import type { AuthorizationServer } from 'oauth4webapi';
import type { McpAuthError } from '../errors.js';
import { ClientRegistrationError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import { redactUrl } from '../events.js';
import { networkError, oauthRequestOptions, readJsonObject } from '../http.js';
import type { HttpContext } from '../http.js';
import { registrationAuthMethod } from '../flow/token-endpoint-auth.js';
import { SERVER_CODE_LIMIT, SERVER_TEXT_LIMIT, serverText } from '../server-text.js';
import type { AuthStateStore, PendingAuthorization } from '../storage/auth-state.js';
import { isClientRejection } from '../tokens/oauth-errors.js';
import { applicationTypeFor } from './application-type.js';
import {
  isClientMetadataDocumentUrl,
  metadataDocumentIdentity,
  preRegisteredIdentity,
} from './client-identity.js';
import type { ClientIdentity, PreRegisteredClient } from './client-identity.js';

/** How the application identifies itself: the same for every authorization server. */
export interface IdentityConfig {
  redirectUri: string;
  clientName: string;
  preRegistered?: PreRegisteredClient | undefined;
  clientMetadataUrl?: string | undefined;
}

/** What identity resolution needs. */
export interface IdentityInput extends IdentityConfig {
  issuer: string;
  authorizationServer: AuthorizationServer;
  /** The issuer unbound pre-registered credentials were first used at (they stay bound to it). */
  preRegisteredBoundIssuer?: string | undefined;
  /**
   * Scopes to register for: servers such as FastMCP refuse later requests for scopes outside the registered
   * `scope`, so this should be everything the client may ever ask (step-up included).
   */
  scopes?: readonly string[] | undefined;
  /**
   * The scopes of the authorization about to be requested (a subset of `scopes`). When given, OpenID Connect's
   * identity scopes (`openid`, `profile`, …) are registered only if they are among them.
   */
  requestedScopes?: readonly string[] | undefined;
}

/** Whether pre-registered credentials may be used at `issuer`. Pure. */
export function preRegisteredAppliesTo(
  preRegistered: PreRegisteredClient | undefined,
  issuer: string,
  boundIssuer: string | undefined,
): preRegistered is PreRegisteredClient {
  if (!preRegistered) return false;
  const bound = preRegistered.issuer ?? boundIssuer;
  return bound === undefined || bound === issuer;
}

/** Whether the server accepts a metadata-document client id and the application gave a usable one. Pure. */
export function metadataDocumentApplies(
  as: AuthorizationServer,
  clientMetadataUrl: string | undefined,
): clientMetadataUrl is string {
  return (
    as['client_id_metadata_document_supported'] === true &&
    clientMetadataUrl !== undefined &&
    isClientMetadataDocumentUrl(clientMetadataUrl)
  );
}

/** Picks (and if needed registers) the client identity for an issuer. */
export async function resolveClientIdentity(
  ctx: HttpContext,
  events: FlowEventEmitter,
  store: AuthStateStore,
  input: IdentityInput,
): Promise<ClientIdentity> {
  const { issuer, authorizationServer: as } = input;
  // Read before the type guard below narrows it: credentials bound to another issuer are worth naming in an error.
  const given: PreRegisteredClient | undefined = input.preRegistered;
  if (preRegisteredAppliesTo(input.preRegistered, issuer, input.preRegisteredBoundIssuer)) {
    const identity = preRegisteredIdentity(input.preRegistered, issuer, input.redirectUri);
    emitIdentity(events, identity);
    return identity;
  }

  if (metadataDocumentApplies(as, input.clientMetadataUrl)) {
    const identity = metadataDocumentIdentity(input.clientMetadataUrl, issuer, input.redirectUri);
    emitIdentity(events, identity);
    return identity;
  }

  const stored = await store.loadClient(issuer);
  if (
    stored &&
    stored.issuer === issuer &&
    stored.redirectUri === input.redirectUri &&
    !secretExpired(stored)
  ) {
    emitIdentity(events, stored);
    return stored;
  }

  if (typeof as.registration_endpoint !== 'string') {
    const boundElsewhere = given?.issuer ?? input.preRegisteredBoundIssuer;
    throw new ClientRegistrationError({
      code: 'client_id_required',
      message: `the authorization server ${issuer} supports neither dynamic client registration nor client ID metadata documents${
        input.clientMetadataUrl ? '' : ' (or no clientMetadataUrl was given)'
      }: register a client with it and pass credentials: { clientId, clientSecret?, issuer }${
        given && boundElsewhere !== undefined
          ? ` (the credentials given are for issuer "${boundElsewhere}", which is not "${issuer}" character for character)`
          : ''
      }`,
    });
  }
  const identity = await register(ctx, events, input);
  await store.saveClient(identity);
  return identity;
}

/** Which grant's identity to find: its issuer and client id, the issuer's metadata and the bound issuer. */
export interface GrantIdentityInput {
  issuer: string;
  clientId: string;
  authorizationServer: AuthorizationServer;
  preRegisteredBoundIssuer?: string | undefined;
}

/**
 * The identity a grant was issued to, without registering anything: the pre-registered credentials or the
 * metadata document when they apply at its issuer and carry its client id, else the stored registration.
 */
export async function findGrantIdentity(
  store: AuthStateStore,
  config: IdentityConfig,
  grant: GrantIdentityInput,
): Promise<ClientIdentity | undefined> {
  const { preRegistered, clientMetadataUrl, redirectUri } = config;
  if (
    preRegisteredAppliesTo(preRegistered, grant.issuer, grant.preRegisteredBoundIssuer) &&
    preRegistered.clientId === grant.clientId
  ) {
    return preRegisteredIdentity(preRegistered, grant.issuer, redirectUri);
  }
  if (
    clientMetadataUrl === grant.clientId &&
    metadataDocumentApplies(grant.authorizationServer, clientMetadataUrl)
  ) {
    return metadataDocumentIdentity(clientMetadataUrl, grant.issuer, redirectUri);
  }
  const stored = await store.loadClient(grant.issuer);
  return stored?.clientId === grant.clientId ? stored : undefined;
}

async function register(
  ctx: HttpContext,
  events: FlowEventEmitter,
  input: IdentityInput,
): Promise<ClientIdentity> {
  const as = input.authorizationServer;
  const endpoint = new URL(as.registration_endpoint as string);
  const authMethod = registrationAuthMethod(as.token_endpoint_auth_methods_supported);
  const scope = registrationScope(input.scopes, input.requestedScopes);
  const applicationType = applicationTypeFor(new URL(input.redirectUri));
  const metadata: RegistrationMetadata = {
    redirect_uris: [input.redirectUri],
    client_name: input.clientName,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: authMethod,
    application_type: applicationType,
    ...(scope === undefined ? {} : { scope }),
  };
  events.emit({
    step: 'registration',
    status: 'started',
    message: 'dynamic client registration',
    request: { method: 'POST', url: redactUrl(endpoint) },
    detail: { application_type: applicationType, token_endpoint_auth_method: authMethod },
  });
  let answer = await sendRegistration(ctx, as, endpoint, metadata);
  if (scope !== undefined && isScopeRefusal(answer.body, answer.response.status)) {
    // `scope` is optional (RFC 7591 §2): servers such as oidc-provider accept only their own scopes there, not the
    // resource's. Without it the server applies its default, and each authorization request still names its scopes.
    const withoutScope = { ...metadata };
    delete withoutScope['scope'];
    events.emit({
      step: 'registration',
      status: 'started',
      message:
        'the authorization server refused the registration over its scope: registering again without one',
      request: { method: 'POST', url: redactUrl(endpoint) },
      response: { status: answer.response.status },
      detail: { refused_scope: scope },
    });
    answer = await sendRegistration(ctx, as, endpoint, withoutScope);
  }
  const { response, body: registered } = answer;
  if (
    (response.status !== 201 && response.status !== 200) ||
    !registered ||
    typeof registered['client_id'] !== 'string' ||
    registered['client_id'] === ''
  ) {
    const failure = registrationFailure(registered, response.status, ctx.secrets);
    events.emit({
      step: 'registration',
      status: 'failed',
      message: failure.message,
      response: { status: response.status },
      error: { code: failure.code, message: failure.message },
    });
    throw failure;
  }
  const identity: ClientIdentity = {
    issuer: input.issuer,
    clientId: registered['client_id'],
    redirectUri: input.redirectUri,
    source: 'dynamic-registration',
    tokenEndpointAuthMethod:
      typeof registered['token_endpoint_auth_method'] === 'string'
        ? registered['token_endpoint_auth_method']
        : authMethod,
  };
  if (typeof registered['client_secret'] === 'string' && registered['client_secret'] !== '') {
    identity.clientSecret = registered['client_secret'];
    // Known before the first event quoting the server's answer (its client id) is emitted.
    ctx.secrets?.addClient(identity.clientId, identity.clientSecret);
  }
  if (typeof registered['client_secret_expires_at'] === 'number') {
    identity.clientSecretExpiresAt = registered['client_secret_expires_at'];
  }
  events.emit({
    step: 'registration',
    status: 'succeeded',
    message: 'client registered',
    response: { status: response.status },
    detail: { client_id: identity.clientId, source: identity.source },
  });
  return identity;
}

/** The client metadata sent to the registration endpoint. */
type RegistrationMetadata = Parameters<typeof dynamicClientRegistrationRequest>[1];

/** One registration request and its JSON answer (parsed here, not by oauth4webapi: see below). */
async function sendRegistration(
  ctx: HttpContext,
  as: AuthorizationServer,
  endpoint: URL,
  metadata: RegistrationMetadata,
): Promise<{ response: Response; body: Record<string, unknown> | undefined }> {
  let response: Response;
  try {
    response = await dynamicClientRegistrationRequest(
      as,
      metadata,
      oauthRequestOptions<'POST', string>(ctx, 'registration', 'registration endpoint'),
    );
  } catch (error) {
    throw networkError(error, ctx, 'registration', endpoint);
  }
  // Deployed servers often omit client_secret_expires_at, which RFC 7591 requires alongside a secret, so
  // oauth4webapi's strict parser would refuse registrations that are usable.
  return { response, body: await readJsonObject(response) };
}

/**
 * Whether a refused registration was refused over its `scope`: RFC 7591 `invalid_client_metadata` whose
 * description names the scope (oidc-provider: "scope must only contain Authorization Server supported scope
 * values"), or `invalid_scope`, which some servers answer at registration too. Pure.
 */
export function isScopeRefusal(body: Record<string, unknown> | undefined, status: number): boolean {
  if (status < 400 || status > 499 || !body) return false;
  const error = body['error'];
  const description = body['error_description'];
  if (error === 'invalid_scope') return true;
  return (
    error === 'invalid_client_metadata' && typeof description === 'string' && /\bscopes?\b/i.test(description)
  );
}

/** The identity scopes of OpenID Connect: they ask for an ID token or user claims, which an MCP client never uses. */
const OPENID_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone']);

/**
 * The `scope` to register with: everything the client may ask (so servers that hold a client to its registered
 * scope accept a later step-up), except OpenID Connect's identity scopes unless an authorization asks for them: an
 * MCP client needs no ID token, so `openid` is registered only when the MCP server's scopes name it (they are
 * then in `requested`). Without `requested`, every scope is registered. `undefined` when there is none. Pure.
 */
export function registrationScope(
  scopes: readonly string[] | undefined,
  requested?: readonly string[] | undefined,
): string | undefined {
  const kept = (scopes ?? []).filter(
    (scope) => requested === undefined || !OPENID_SCOPES.has(scope) || requested.includes(scope),
  );
  return kept.length > 0 ? kept.join(' ') : undefined;
}

/**
 * The error for a refused registration, quoting the server scrubbed of the secrets the client holds and of any the
 * answer itself carries (a client secret or registration access token next to the error).
 */
function registrationFailure(
  body: Record<string, unknown> | undefined,
  status: number,
  secrets: Iterable<string> = [],
): McpAuthError {
  const carried = [body?.['client_secret'], body?.['registration_access_token']];
  const known = [...carried.filter((value): value is string => typeof value === 'string'), ...secrets];
  const serverError = serverText(body?.['error'], known, SERVER_CODE_LIMIT);
  const description = serverText(body?.['error_description'], known, SERVER_TEXT_LIMIT);
  if (serverError) {
    return new ClientRegistrationError({
      code: 'registration_failed',
      message: `dynamic client registration was refused (${serverError}${
        description ? `: ${description}` : ''
      }): check the client metadata, or pre-register a client and pass credentials`,
      serverError,
      serverErrorDescription: description,
      status,
    });
  }
  return new ClientRegistrationError({
    code: 'registration_failed',
    message: `dynamic client registration failed (HTTP ${status}, no client_id in the answer): pre-register a client and pass credentials`,
    status,
  });
}

function secretExpired(identity: ClientIdentity): boolean {
  const expiresAt = identity.clientSecretExpiresAt;
  return expiresAt !== undefined && expiresAt !== 0 && expiresAt * 1000 <= Date.now();
}

function emitIdentity(events: FlowEventEmitter, identity: ClientIdentity): void {
  events.emit({
    step: 'registration',
    status: 'skipped',
    message: `using ${identity.source} client`,
    detail: { client_id: identity.clientId, source: identity.source, issuer: identity.issuer },
  });
}

/**
 * The identity a pending request was made as, from storage and what the application passes again: a metadata
 * document or a public pre-registered client needs nothing more; a dynamic registration is read from storage; a
 * confidential pre-registered client needs its credentials.
 */
export async function pendingIdentity(
  store: AuthStateStore,
  pending: PendingAuthorization,
  credentials: PreRegisteredClient | undefined,
): Promise<ClientIdentity> {
  const { issuer, clientId, redirectUri, client } = pending;
  switch (client.source) {
    case 'metadata-document':
      return metadataDocumentIdentity(clientId, issuer, redirectUri);
    case 'dynamic-registration': {
      const stored = await store.loadClient(issuer);
      if (stored?.clientId === clientId) return stored;
      throw new ClientRegistrationError({
        code: 'client_id_required',
        message: `the client registered with ${issuer} for this sign-in is no longer in storage: start the sign-in again`,
      });
    }
    case 'pre-registered':
      if (credentials?.clientId === clientId) return preRegisteredIdentity(credentials, issuer, redirectUri);
      // A public client has nothing to present but its id.
      if (!client.confidential) return preRegisteredIdentity({ clientId }, issuer, redirectUri);
      throw new ClientRegistrationError({
        code: 'client_id_required',
        message: `this sign-in was made with pre-registered confidential credentials (client "${clientId}"), which are never stored: pass the same credentials to completeAuthorization`,
      });
  }
}

/**
 * A dynamically registered client the server no longer knows (it restarted and lost its in-memory clients) is
 * forgotten, so the next authorization registers again instead of presenting a dead client id. True when it was.
 */
export async function forgetRefusedRegistration(
  store: AuthStateStore,
  identity: ClientIdentity,
  error: unknown,
): Promise<boolean> {
  if (identity.source !== 'dynamic-registration' || !isClientRejection(error)) return false;
  await store.deleteClient(identity.issuer);
  return true;
}
