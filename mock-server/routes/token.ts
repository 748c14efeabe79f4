/**
 * `/token`: client authentication, then the `authorization_code` or `refresh_token` grant, checked as FastMCP does;
 * beyond FastMCP (`clientCredentialsGrant`), the `client_credentials` grant for confidential clients,
 * (`jwtBearerGrant`) the JWT bearer grant (jwt-bearer-grant.ts), and (`dpop`) a DPoP proof checked before any grant
 * and the tokens bound to its key (dpop/token-endpoint.ts).
 */
import { bindIssuedTokens, checkTokenRequestProof, refreshBindingRefusal } from '../dpop/token-endpoint.js';
import { readForm, type Form } from '../http/body.js';
import { s256 } from '../http/crypto.js';
import { jsonResponse, NO_STORE_NO_CACHE, oauthError } from '../http/responses.js';
import { nowSeconds } from '../provider/clock.js';
import { TokenEndpointError } from '../provider/errors.js';
import {
  isClientCredentialsCapable,
  isGrantAware,
  type GrantAwareProvider,
  type OAuthToken,
} from '../provider/types.js';
import { clientAuthMethodOf, GRANT_TYPES, type ClientInformation } from '../settings.js';
import { isOwnResource } from './audience.js';
import { authenticateClient } from './client-auth.js';
import {
  isGrantRefusal,
  JWT_BEARER,
  redeemGrantAssertion,
  type JwtBearerRequest,
} from './jwt-bearer-grant.js';
import { checkScopes } from './redirect-uri.js';
import type { RouteContext } from './router.js';
import { FormChecker, stringifyErrors } from './validation.js';

type TokenRequest =
  | {
      grantType: 'authorization_code';
      code: string;
      redirectUri: string | undefined;
      codeVerifier: string;
      resource: string | undefined;
    }
  | {
      grantType: 'refresh_token';
      refreshToken: string;
      scope: string | undefined;
      resource: string | undefined;
    }
  | { grantType: 'client_credentials'; scope: string | undefined; resource: string | undefined }
  | JwtBearerRequest;

/** The grant RFC 6749 §4.4 defines, served only with `beyondFastMcp.clientCredentialsGrant`. */
export const CLIENT_CREDENTIALS = 'client_credentials';

/** The grant types `/token` serves under `settings`: FastMCP's, and `client_credentials` when switched on. */
export function servedGrantTypes(settings: RouteContext['settings']): string[] {
  const served: string[] = [...GRANT_TYPES];
  if (settings.beyondFastMcp.clientCredentialsGrant) served.push(CLIENT_CREDENTIALS);
  if (settings.beyondFastMcp.jwtBearerGrant) served.push(JWT_BEARER);
  return served;
}

type Validated = { ok: true; value: TokenRequest } | { ok: false; description: string };

/** pydantic's tagged union of `AuthorizationCodeRequest | RefreshTokenRequest` on `grant_type`. */
function validateTokenRequest(form: Form, served: readonly string[]): Validated {
  const grantType = form.get('grant_type');
  if (typeof grantType !== 'string') {
    return { ok: false, description: ": Unable to extract tag using discriminator 'grant_type'" };
  }
  if (!served.includes(grantType)) {
    return {
      ok: false,
      description:
        `: Input tag '${grantType}' found using 'grant_type' does not match any of the expected tags: ` +
        served.map((tag) => `'${tag}'`).join(', '),
    };
  }
  const check = new FormChecker(form, grantType);
  const finish = (value: TokenRequest): Validated =>
    check.errors.length > 0 ? { ok: false, description: stringifyErrors(check.errors) } : { ok: true, value };
  if (grantType === 'authorization_code') {
    const code = check.required('code');
    const redirectUri = check.optionalUrl('redirect_uri');
    check.required('client_id');
    check.optional('client_secret');
    const codeVerifier = check.required('code_verifier');
    const resource = check.optional('resource');
    return finish({ grantType, code, redirectUri, codeVerifier, resource });
  }
  if (grantType === CLIENT_CREDENTIALS) {
    const scope = check.optional('scope');
    const resource = check.optional('resource');
    return finish({ grantType, scope, resource });
  }
  if (grantType === JWT_BEARER) {
    const assertion = check.required('assertion');
    const scope = check.optional('scope');
    const resource = check.optional('resource');
    return finish({ grantType, assertion, scope, resource });
  }
  const refreshToken = check.required('refresh_token');
  const scope = check.optional('scope');
  check.required('client_id');
  check.optional('client_secret');
  const resource = check.optional('resource');
  return finish({ grantType: 'refresh_token', refreshToken, scope, resource });
}

function tokenResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return jsonResponse(body, status, { ...NO_STORE_NO_CACHE, ...headers });
}

function tokenError(error: string, description: string | undefined, status = 400): Response {
  return tokenResponse(oauthError(error, description), status);
}

/** Python's `repr` of a list of strings, as FastMCP formats the supported grant types. */
function pythonListRepr(values: readonly string[]): string {
  return `[${values.map((value) => `'${value}'`).join(', ')}]`;
}

/** Field order of FastMCP's `OAuthToken`, absent fields omitted. */
function tokenBody(token: OAuthToken, tokenType: 'Bearer' | 'DPoP'): Record<string, string | number> {
  const body: Record<string, string | number> = { access_token: token.access_token, token_type: tokenType };
  if (token.expires_in !== undefined) body['expires_in'] = token.expires_in;
  if (token.scope !== undefined) body['scope'] = token.scope;
  if (token.refresh_token !== undefined) body['refresh_token'] = token.refresh_token;
  return body;
}

export async function tokenHandler(request: Request, context: RouteContext): Promise<Response> {
  const form = await readForm(request, context.settings.maxBodyBytes);
  const auth = await authenticateClient(request, form, context);
  if (!auth.ok) return tokenError('unauthorized_client', auth.message, 401);
  const client = auth.client;

  const validated = validateTokenRequest(form, servedGrantTypes(context.settings));
  if (!validated.ok) return tokenError('invalid_request', validated.description);
  const tokenRequest = validated.value;

  // FastMCP's client model defaults grant_types; a custom provider may leave it out.
  const grantTypes = client.grant_types ?? [...GRANT_TYPES];
  if (!grantTypes.includes(tokenRequest.grantType)) {
    return tokenError(
      'unsupported_grant_type',
      `Unsupported grant type (supported grant types are ${pythonListRepr(grantTypes)})`,
    );
  }

  // RFC 9449 §5: the DPoP proof, whatever the grant, before the grant spends anything.
  const dpop = await checkTokenRequestProof(request, context);
  if (!dpop.ok) return dpop.response;

  try {
    const tokens =
      tokenRequest.grantType === 'authorization_code'
        ? await exchangeCode(client, tokenRequest, context)
        : tokenRequest.grantType === 'refresh_token'
          ? await exchangeRefresh(client, tokenRequest, context, dpop.jkt)
          : tokenRequest.grantType === JWT_BEARER
            ? await exchangeAssertion(client, tokenRequest, context)
            : await exchangeClientCredentials(client, tokenRequest, context);
    if (tokens instanceof Response) return tokens;
    // The `omitRefreshToken` quirk: whatever the provider issued, the client never sees a refresh token.
    if (context.settings.quirks.omitRefreshToken) delete tokens.refresh_token;
    const tokenType = await bindIssuedTokens(tokens, dpop.jkt, client, context);
    return tokenResponse(tokenBody(tokens, tokenType), 200, dpop.headers);
  } catch (error) {
    if (error instanceof TokenEndpointError) return tokenError(error.error, error.errorDescription);
    throw error;
  }
}

async function exchangeCode(
  client: ClientInformation,
  request: Extract<TokenRequest, { grantType: 'authorization_code' }>,
  context: RouteContext,
): Promise<OAuthToken | Response> {
  const { provider, settings } = context;
  const code = await provider.loadAuthorizationCode(client, request.code);
  if (code === undefined || code.clientId !== client.client_id) {
    // RFC 6749 §4.1.2: a code redeemed twice may have been stolen; revoke what it already yielded.
    const replayed = code === undefined && settings.beyondFastMcp.codeReplayRevokesGrant;
    return refuseUnknown('authorization code', replayed, provider, (grantAware) =>
      grantAware.revokeGrantOfRedeemedCode(request.code),
    );
  }
  if (code.expiresAt < nowSeconds(context.clock))
    return tokenError('invalid_grant', 'authorization code has expired');
  const expectedRedirect = code.redirectUriProvidedExplicitly ? code.redirectUri : undefined;
  if (request.redirectUri !== expectedRedirect) {
    return tokenError('invalid_request', 'redirect_uri did not match the one used when creating auth code');
  }
  if ((await s256(request.codeVerifier)) !== code.codeChallenge) {
    return tokenError('invalid_grant', 'incorrect code_verifier');
  }
  let redeemed = code;
  if (settings.beyondFastMcp.audienceBinding && request.resource !== undefined) {
    const problem = targetProblem(request.resource, code.resource, context);
    if (problem !== undefined) return tokenError('invalid_target', problem);
    // A code issued without a resource is bound at redemption; the provider's own object stays untouched.
    if (code.resource === undefined) redeemed = { ...code, resource: request.resource };
  }
  return exchangeOnce(
    () => provider.exchangeAuthorizationCode(client, redeemed),
    settings.beyondFastMcp.codeReplayRevokesGrant,
    provider,
    (grantAware) => grantAware.revokeGrantOfRedeemedCode(request.code),
  );
}

async function exchangeRefresh(
  client: ClientInformation,
  request: Extract<TokenRequest, { grantType: 'refresh_token' }>,
  context: RouteContext,
  dpopKey: string | undefined,
): Promise<OAuthToken | Response> {
  const { provider, settings } = context;
  const refreshToken = await provider.loadRefreshToken(client, request.refreshToken);
  if (refreshToken === undefined || refreshToken.clientId !== client.client_id) {
    // OAuth 2.1 §4.3.1: a rotated-out refresh token coming back means two parties hold the family.
    const replayed = refreshToken === undefined && settings.beyondFastMcp.refreshTokenReuseRevokesFamily;
    return refuseUnknown('refresh token', replayed, provider, (grantAware) =>
      grantAware.revokeFamilyOfRotatedRefreshToken(request.refreshToken),
    );
  }
  if (refreshToken.expiresAt && refreshToken.expiresAt < nowSeconds(context.clock)) {
    return tokenError('invalid_grant', 'refresh token has expired');
  }
  const unboundKey = refreshBindingRefusal(refreshToken, dpopKey);
  if (unboundKey !== undefined) return unboundKey;
  const scopes = request.scope ? request.scope.split(' ') : refreshToken.scopes;
  const extra = scopes.find((scope) => !refreshToken.scopes.includes(scope));
  if (extra !== undefined) {
    return tokenError('invalid_scope', `cannot request scope \`${extra}\` not provided by refresh token`);
  }
  if (settings.beyondFastMcp.audienceBinding && request.resource !== undefined) {
    const bound = isGrantAware(provider)
      ? await provider.resourceOfRefreshToken(refreshToken.token)
      : undefined;
    const problem = targetProblem(request.resource, bound, context);
    if (problem !== undefined) return tokenError('invalid_target', problem);
  }
  return exchangeOnce(
    () => provider.exchangeRefreshToken(client, refreshToken, scopes),
    settings.beyondFastMcp.refreshTokenReuseRevokesFamily,
    provider,
    (grantAware) => grantAware.revokeFamilyOfRotatedRefreshToken(request.refreshToken),
  );
}

/** RFC 7523 §2.1: the assertion is the grant (jwt-bearer-grant.ts). */
async function exchangeAssertion(
  client: ClientInformation,
  request: JwtBearerRequest,
  context: RouteContext,
): Promise<OAuthToken | Response> {
  const redeemed = await redeemGrantAssertion(client, request, context);
  return isGrantRefusal(redeemed) ? tokenError(redeemed.error, redeemed.description) : redeemed;
}

/**
 * RFC 6749 §4.4: the client acts for itself, so only a client that authenticated with something secret (a secret or a
 * signed assertion) may; the scopes are the requested ones within its registered `scope`, else all of those.
 */
async function exchangeClientCredentials(
  client: ClientInformation,
  request: Extract<TokenRequest, { grantType: 'client_credentials' }>,
  context: RouteContext,
): Promise<OAuthToken | Response> {
  const { provider, settings } = context;
  const method = clientAuthMethodOf(client);
  if (method === 'none' || (method !== 'private_key_jwt' && !client.client_secret)) {
    return tokenError('unauthorized_client', 'the client_credentials grant is for confidential clients only');
  }
  if (!isClientCredentialsCapable(provider)) {
    return tokenError('unsupported_grant_type', 'this provider does not issue client_credentials tokens');
  }
  const checked = checkScopes(client, request.scope);
  if (!checked.ok) return tokenError('invalid_scope', checked.message);
  const scopes = checked.value ?? (client.scope ?? '').split(' ').filter((scope) => scope !== '');
  if (settings.beyondFastMcp.audienceBinding && request.resource !== undefined) {
    const problem = targetProblem(request.resource, undefined, context);
    if (problem !== undefined) return tokenError('invalid_target', problem);
  }
  return provider.exchangeClientCredentials(client, scopes, request.resource);
}

/**
 * The provider's exchange of a code or refresh token that was loaded a moment ago. When two requests race with the
 * same credential, both load it and the provider lets only one exchange it; the other gets `invalid_grant`. That
 * loser presented a spent credential as surely as a replay that arrives later, so with the switch on
 * (`replayRevokes`), what the winner got is revoked here too: replay detection must not depend on timing.
 */
async function exchangeOnce(
  exchange: () => Promise<OAuthToken>,
  replayRevokes: boolean,
  provider: RouteContext['provider'],
  revoke: (provider: GrantAwareProvider) => Promise<boolean>,
): Promise<OAuthToken> {
  try {
    return await exchange();
  } catch (error) {
    const lostRace = error instanceof TokenEndpointError && error.error === 'invalid_grant';
    if (lostRace && replayRevokes && isGrantAware(provider)) await revoke(provider);
    throw error;
  }
}

/**
 * The answer to a code or refresh token the provider does not know, or that belongs to another client (it reads as
 * unknown, so credentials cannot be probed across clients). When `replayed` (unknown, with the switch on that treats
 * a second use as theft), what the credential already yielded is revoked first, if the provider tracks grants.
 */
async function refuseUnknown(
  credential: 'authorization code' | 'refresh token',
  replayed: boolean,
  provider: RouteContext['provider'],
  revoke: (provider: GrantAwareProvider) => Promise<boolean>,
): Promise<Response> {
  if (replayed && isGrantAware(provider)) await revoke(provider);
  return tokenError('invalid_grant', `${credential} does not exist`);
}

/** Why `requested` cannot be the token's audience (RFC 8707 §2), or `undefined` when it can. */
function targetProblem(
  requested: string,
  bound: string | undefined,
  context: RouteContext,
): string | undefined {
  if (!isOwnResource(requested, context.settings)) return `Resource '${requested}' is not served here`;
  if (bound !== undefined && !isOwnResource(bound, context.settings)) {
    return `Resource '${requested}' differs from the one the grant was made for`;
  }
  return undefined;
}
