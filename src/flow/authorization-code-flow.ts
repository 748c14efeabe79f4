/**
 * The authorization-code flow as named steps, each with its inputs and outputs: begin (build the request and
 * remember it), await the callback (the application's handler), redeem (check the callback, exchange the code,
 * keep the grant). The handler-driven flow runs all three in one go; a page that comes back from a full-page
 * redirect runs only the last, from what `begin` stored.
 */
import { runAuthorizationHandler } from '../authorize/run-handler.js';
import type { AuthorizationHandler } from '../authorize/types.js';
import type { Discovery } from '../discovery/discover.js';
import { AuthorizationError, maskSecrets } from '../errors.js';
import type { FlowEvent, FlowEventEmitter } from '../events.js';
import { postRequest, redactUrl } from '../events.js';
import { DpopBindings } from '../dpop/binding.js';
import { assertAcceptableUrl } from '../http.js';
import type { HttpContext } from '../http.js';
import type { ClientIdentity, PreRegisteredClient } from '../identity/client-identity.js';
import { forgetRefusedRegistration, pendingIdentity } from '../identity/resolve.js';
import type { AuthStateStore, PendingAuthorization, StoredGrant } from '../storage/auth-state.js';
import { exchangeCode } from '../tokens/token-requests.js';
import { buildAuthorizationRequest } from './authorization-request.js';
import { checkCallbackIsRedirectUri, validateCallback } from './authorization-response.js';

/** What every step runs with. */
export interface FlowEnvironment {
  ctx: HttpContext;
  events: FlowEventEmitter;
  store: AuthStateStore;
}

/** What one authorization asks for, once discovery, scope selection and identity are settled. */
export interface AuthorizationPlan {
  /** The MCP server URL: the grant is stored under it. */
  mcpUrl: string;
  discovery: Discovery;
  identity: ClientIdentity;
  scopes: readonly string[];
  /** Whether the grant is to be bound to a DPoP key (made when the code is redeemed). */
  dpop?: boolean | undefined;
}

/** Step 1: builds the authorization URL and stores what its callback will need, keyed by `state`. */
export async function beginAuthorization(
  env: FlowEnvironment,
  plan: AuthorizationPlan,
): Promise<{ url: URL; pending: PendingAuthorization }> {
  const { discovery, identity, scopes } = plan;
  const { url, pending } = await buildAuthorizationRequest({
    as: discovery.authorizationServer,
    clientId: identity.clientId,
    client: {
      source: identity.source,
      confidential: identity.clientSecret !== undefined && identity.clientSecret !== '',
      ...(identity.tokenEndpointAuthMethod === undefined
        ? {}
        : { tokenEndpointAuthMethod: identity.tokenEndpointAuthMethod }),
    },
    redirectUri: identity.redirectUri,
    resource: discovery.resource,
    scopes,
    issuer: discovery.issuer,
    mcpUrl: plan.mcpUrl,
    now: Date.now(),
    dpop: plan.dpop,
  });
  assertAcceptableUrl(url, env.ctx, 'authorization', 'authorization endpoint');
  await env.store.savePending(pending);
  env.events.emit({
    step: 'authorization',
    status: 'started',
    message: 'opening the authorization URL',
    request: { method: 'GET', url: redactUrl(url) },
    detail: { client_id: identity.clientId, scopes: [...scopes], resource: discovery.resource },
  });
  return { url, pending };
}

/**
 * Step 2: hands the authorization URL to the application's handler and resolves to the callback URL it returns.
 * The pending request is taken back from storage whatever happens: a state is good for one answer, and an
 * abandoned one must not linger. When it is already gone, something else redeemed it (a callback page that nobody
 * answered in time, with storage shared with this page): `redeemedElsewhere` says so, and the code must not be sent
 * again.
 */
export async function awaitCallback(
  env: FlowEnvironment,
  handler: AuthorizationHandler | undefined,
  url: URL,
  pending: PendingAuthorization,
  limits: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<{ callback: URL; redeemedElsewhere: boolean }> {
  let returned: URL | string;
  let taken: PendingAuthorization | undefined;
  try {
    returned = await runAuthorizationHandler(handler, url, {
      ...limits,
      request: {
        state: pending.state,
        redirectUri: pending.redirectUri,
        completeOnCallbackPage: (returnTo) => env.store.markForCallbackPage(pending.state, returnTo),
      },
    });
  } finally {
    taken = await env.store.takePending(pending.state);
  }
  try {
    return {
      callback: new URL(String(returned), pending.redirectUri),
      redeemedElsewhere: taken === undefined,
    };
  } catch (error) {
    throw new AuthorizationError({
      code: 'authorization_handler_failed',
      message: 'the authorization handler returned something that is not a callback URL',
      cause: error,
    });
  }
}

/**
 * The context the code is redeemed in: for a DPoP-bound sign-in, with a key — the one the caller brings, else a new
 * one kept in the storage's key store (a callback page other than the one that started the sign-in makes it there).
 */
async function redemptionContext(env: FlowEnvironment, pending: PendingAuthorization): Promise<HttpContext> {
  if (pending.dpop !== true || env.ctx.dpop) return env.ctx;
  const dpop = await new DpopBindings(env.store.dpopKeys).create();
  if (dpop.persisted) return { ...env.ctx, dpop };
  // The page that goes on would not find the key, drop the grant and sign in again, forever: a bearer token instead.
  env.events.emit({
    step: 'token',
    status: 'skipped',
    message:
      'the storage cannot keep a DPoP key, so the code is redeemed for a bearer token (not bound to a key)',
    detail: { code: 'dpop_key_missing' },
  });
  return env.ctx;
}

/** What redeeming a callback needs. */
export interface RedeemInput {
  pending: PendingAuthorization;
  callback: URL;
  /** The identity the request was made as (its client id is `pending.clientId`). */
  identity: ClientIdentity;
  /** A callback later than this many milliseconds after the request was built is refused. */
  maxAgeMs: number;
}

/**
 * Step 3: checks the callback against its request (RFC 9207 `iss`, `state`, the server's error, the code, its
 * age), exchanges the code and stores the grant under the MCP server URL.
 */
export async function redeemAuthorizationCode(
  env: FlowEnvironment,
  input: RedeemInput,
): Promise<StoredGrant> {
  const { pending, identity } = input;
  const as = pending.authorizationServer;
  const { events } = env;
  const secrets = env.ctx.secrets;
  secrets?.add(pending.codeVerifier);
  checkCallbackIsRedirectUri(input.callback, pending.redirectUri);
  const code = validateCallback(
    input.callback,
    pending.state,
    {
      issuer: pending.issuer,
      issParameterSupported: as.authorization_response_iss_parameter_supported === true,
    },
    secrets,
  );
  secrets?.add(code);
  if (Date.now() - pending.createdAt > input.maxAgeMs) {
    throw new AuthorizationError({
      code: 'authorization_expired',
      message: `the authorization response arrived more than ${input.maxAgeMs} ms after the request: rejected; start the sign-in again`,
    });
  }
  events.emit({ step: 'authorization', status: 'succeeded', message: 'authorization response accepted' });

  events.emit({
    step: 'token',
    status: 'started',
    message: 'exchanging the authorization code',
    ...postRequest(as.token_endpoint),
  });
  const tokens = await exchangeCode(await redemptionContext(env, pending), {
    as,
    identity,
    code,
    codeVerifier: pending.codeVerifier,
    redirectUri: pending.redirectUri,
    resource: pending.resource,
    requestedScopes: pending.scopes,
  });
  const grant: StoredGrant = {
    issuer: pending.issuer,
    clientId: pending.clientId,
    resource: pending.resource,
    tokens,
    requestedScopes: pending.scopes,
  };
  await env.store.saveGrant(pending.mcpUrl, grant);
  events.emit({
    step: 'token',
    status: 'succeeded',
    message: tokens.tokenType === 'DPoP' ? 'DPoP-bound tokens received' : 'tokens received',
    detail: {
      token_type: tokens.tokenType ?? 'Bearer',
      scopes: tokens.scopes,
      refresh_token: tokens.refreshToken !== undefined,
      ...(tokens.expiresAt !== undefined ? { expires_at: tokens.expiresAt } : {}),
    },
  });
  if (tokens.refreshToken === undefined) events.emit(noRefreshTokenEvent(pending.scopes, tokens.expiresAt));
  return grant;
}

/**
 * Said when the grant is made, not discovered at expiry: without a refresh token, the user signs in again once the
 * access token expires. Pure.
 */
export function noRefreshTokenEvent(
  requestedScopes: readonly string[],
  expiresAt: number | undefined,
): Omit<FlowEvent, 'at'> {
  const askedOffline = requestedScopes.includes('offline_access');
  return {
    step: 'token',
    status: 'skipped',
    message: `the authorization server issued no refresh token${
      askedOffline ? ' although offline_access was requested' : ''
    }: when the access token expires${
      expiresAt === undefined ? '' : ` (${new Date(expiresAt).toISOString()})`
    }, the client must authorize again`,
    detail: { refresh_token: false, offline_access_requested: askedOffline },
  };
}

/**
 * Step 3 on a page that did not start the sign-in (the callback page of a full-page redirect): the pending request
 * named by the callback's `state` is taken from storage (so a replayed callback finds nothing), its client identity
 * recovered, and the code redeemed. Pre-registered confidential credentials are never stored: pass them again.
 */
export async function redeemStoredAuthorization(
  env: FlowEnvironment,
  callback: URL,
  options: { credentials?: PreRegisteredClient | undefined; maxAgeMs: number },
): Promise<{ pending: PendingAuthorization; grant: StoredGrant }> {
  const states = callback.searchParams.getAll('state');
  const pending = states.length === 1 && states[0] ? await env.store.takePending(states[0]) : undefined;
  if (!pending) {
    throw new AuthorizationError({
      code: 'state_mismatch',
      message:
        'no sign-in started in this browser waits for this callback (its state is unknown, already used or abandoned): rejected; start the sign-in again',
    });
  }
  const identity = await pendingIdentity(env.store, pending, options.credentials);
  try {
    const grant = await redeemAuthorizationCode(env, {
      pending,
      callback,
      identity,
      maxAgeMs: options.maxAgeMs,
    });
    return { pending, grant };
  } catch (error) {
    await forgetRefusedRegistration(env.store, identity, error);
    throw maskSecrets(error, env.ctx.secrets);
  }
}
