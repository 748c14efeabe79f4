/**
 * Token endpoint I/O over oauth4webapi: authorization-code exchange, refresh and revocation. Every request
 * carries `resource` (RFC 8707) where the spec asks for it.
 */
import {
  authorizationCodeGrantRequest,
  clientCredentialsGrantRequest,
  processAuthorizationCodeResponse,
  processClientCredentialsResponse,
  processRefreshTokenResponse,
  processRevocationResponse,
  refreshTokenGrantRequest,
  revocationRequest,
  validateAuthResponse,
} from 'oauth4webapi';
import type { AuthorizationServer, Client, ClientAuth } from 'oauth4webapi';
import { McpAuthError, TokenError } from '../errors.js';
import { clientAuthentication } from '../flow/token-endpoint-auth.js';
import { networkError, oauthRequestOptions, readJsonObject } from '../http.js';
import type { HttpContext } from '../http.js';
import type { ClientIdentity } from '../identity/client-identity.js';
import { quoteServerText, SERVER_CODE_LIMIT } from '../server-text.js';
import { tokenEndpointFailure } from './oauth-errors.js';
import { withUsableLifetime } from './token-lifetime.js';
import { tokenSetFromResponse } from './token-set.js';
import type { TokenSet } from './token-set.js';

function oauthClient(identity: ClientIdentity): Client {
  return { client_id: identity.clientId };
}

function tokenEndpoint(as: AuthorizationServer, step: 'token' | 'refresh'): URL {
  if (typeof as.token_endpoint !== 'string') {
    throw new McpAuthError({
      code: 'invalid_response',
      step,
      message: `the authorization server ${as.issuer} publishes no token_endpoint`,
    });
  }
  return new URL(as.token_endpoint);
}

/**
 * One oauth4webapi request/process pair: a failure to get an answer is a network error, an answer that does not
 * process is the server's refusal (its OAuth error, when it sent one).
 */
async function callEndpoint<T>(
  ctx: HttpContext,
  step: 'token' | 'refresh' | 'revocation',
  endpoint: URL,
  send: () => Promise<Response>,
  process: (response: Response) => Promise<T>,
  request?: string,
): Promise<T> {
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    throw networkError(error, ctx, step, endpoint);
  }
  // oauth4webapi reads an RFC 6749 §5.2 error body on 4xx only; a failing server (503) may send one too.
  const errorBody = response.status >= 500 ? await readJsonObject(response.clone()) : undefined;
  try {
    return await process(response);
  } catch (error) {
    throw tokenEndpointFailure(error, step, ctx.secrets, errorBody, request);
  }
}

/** Exchanges an authorization code (already validated against state and iss) for tokens. */
export async function exchangeCode(
  ctx: HttpContext,
  input: {
    as: AuthorizationServer;
    identity: ClientIdentity;
    code: string;
    codeVerifier: string;
    redirectUri: string;
    resource: string;
    requestedScopes: readonly string[];
  },
): Promise<TokenSet> {
  const { as, identity } = input;
  ctx.secrets?.add(input.code, input.codeVerifier);
  ctx.secrets?.addClient(identity.clientId, identity.clientSecret);
  const endpoint = tokenEndpoint(as, 'token');
  const client = oauthClient(identity);
  // oauth4webapi only accepts callback parameters it validated itself; state/iss were checked already.
  const callback = validateAuthResponse(
    { ...as, authorization_response_iss_parameter_supported: false },
    client,
    new URLSearchParams({ code: input.code }),
  );
  const body = await callEndpoint(
    ctx,
    'token',
    endpoint,
    () =>
      authorizationCodeGrantRequest(
        as,
        client,
        clientAuthentication(identity, as.token_endpoint_auth_methods_supported, ctx.secrets),
        callback,
        input.redirectUri,
        input.codeVerifier,
        {
          ...oauthRequestOptions(ctx, 'token', 'token endpoint'),
          additionalParameters: { resource: input.resource },
        },
      ),
    async (response) => processAuthorizationCodeResponse(as, client, await withUsableLifetime(response)),
  );
  refuseUnsupportedTokenType(body.token_type, 'token', [
    body.access_token,
    body.refresh_token,
    ...(ctx.secrets ?? []),
  ]);
  return tokenSetFromResponse(body, Date.now(), input.requestedScopes);
}

/** Redeems a refresh token. Throws typed errors; `invalid_grant` is told apart from everything else. */
export async function refreshTokens(
  ctx: HttpContext,
  input: { as: AuthorizationServer; identity: ClientIdentity; tokens: TokenSet; resource: string },
): Promise<TokenSet> {
  const { as, identity, tokens } = input;
  if (!tokens.refreshToken) {
    throw new McpAuthError({
      code: 'refresh_failed',
      step: 'refresh',
      message: 'no refresh token was issued: sign in again',
    });
  }
  const endpoint = tokenEndpoint(as, 'refresh');
  const client = oauthClient(identity);
  const refreshToken = tokens.refreshToken;
  ctx.secrets?.add(tokens.accessToken, refreshToken);
  ctx.secrets?.addClient(identity.clientId, identity.clientSecret);
  const body = await callEndpoint(
    ctx,
    'refresh',
    endpoint,
    () =>
      refreshTokenGrantRequest(
        as,
        client,
        clientAuthentication(identity, as.token_endpoint_auth_methods_supported, ctx.secrets),
        refreshToken,
        {
          ...oauthRequestOptions(ctx, 'refresh', 'token endpoint'),
          additionalParameters: { resource: input.resource },
        },
      ),
    async (response) => processRefreshTokenResponse(as, client, await withUsableLifetime(response)),
  );
  refuseUnsupportedTokenType(body.token_type, 'refresh', [
    body.access_token,
    body.refresh_token,
    ...(ctx.secrets ?? []),
  ]);
  // Refresh cannot widen scope: without a `scope` in the answer the old grant's scopes stand.
  return tokenSetFromResponse(body, Date.now(), tokens.scopes, tokens.refreshToken);
}

/**
 * The `client_credentials` grant (RFC 6749 §4.4): the client authenticates and asks for `scopes` at `resource`
 * (RFC 8707). A refresh token in the answer is kept, but this grant is renewed by asking again.
 */
export async function clientCredentialsTokens(
  ctx: HttpContext,
  input: { as: AuthorizationServer; identity: ClientIdentity; scopes: readonly string[]; resource: string },
): Promise<TokenSet> {
  const { as, identity } = input;
  ctx.secrets?.addClient(identity.clientId, identity.clientSecret);
  const endpoint = tokenEndpoint(as, 'token');
  const client = oauthClient(identity);
  const parameters: Record<string, string> = { resource: input.resource };
  if (input.scopes.length > 0) parameters['scope'] = input.scopes.join(' ');
  const body = await callEndpoint(
    ctx,
    'token',
    endpoint,
    () =>
      clientCredentialsGrantRequest(
        as,
        client,
        clientAuthentication(identity, as.token_endpoint_auth_methods_supported, ctx.secrets),
        parameters,
        oauthRequestOptions(ctx, 'token', 'token endpoint'),
      ),
    async (response) => processClientCredentialsResponse(as, client, await withUsableLifetime(response)),
    'client_credentials token request',
  );
  refuseUnsupportedTokenType(body.token_type, 'token', [body.access_token, ...(ctx.secrets ?? [])]);
  return tokenSetFromResponse(body, Date.now(), input.scopes);
}

/**
 * Only bearer tokens can be used yet: a DPoP-bound token (RFC 9449) sent as a bearer token would be refused by the
 * resource server anyway, so say so plainly instead. The type is quoted scrubbed of `secrets` (the tokens of the
 * same answer, which a hostile server may put there).
 */
export function refuseUnsupportedTokenType(
  tokenType: string,
  step: 'token' | 'refresh',
  secrets: Iterable<string | undefined> = [],
): void {
  if (tokenType.toLowerCase() === 'bearer') return;
  throw new TokenError({
    step,
    code: step === 'refresh' ? 'refresh_failed' : 'token_request_failed',
    message: `the authorization server issued a "${quoteServerText(tokenType, secrets, SERVER_CODE_LIMIT)}" token; this client can only use bearer tokens (DPoP is not supported yet): configure the server to issue bearer tokens for this client`,
  });
}

/**
 * Revokes one token (RFC 7009). Resolves to whether the server needed a public client's empty `client_secret`
 * (pass that back as `emptySecret` for the next token of the grant, to save a refused request).
 */
export async function revokeToken(
  ctx: HttpContext,
  input: {
    as: AuthorizationServer;
    identity: ClientIdentity;
    token: string;
    hint: 'refresh_token' | 'access_token';
    emptySecret?: boolean;
  },
): Promise<{ emptySecret: boolean }> {
  const { as, identity } = input;
  ctx.secrets?.add(input.token);
  ctx.secrets?.addClient(identity.clientId, identity.clientSecret);
  const endpoint = new URL(as.revocation_endpoint as string);
  const client = oauthClient(identity);
  const send = (auth: ClientAuth): Promise<void> =>
    callEndpoint(
      ctx,
      'revocation',
      endpoint,
      () =>
        revocationRequest(as, client, auth, input.token, {
          ...oauthRequestOptions(ctx, 'revocation', 'revocation endpoint'),
          additionalParameters: { token_type_hint: input.hint },
        }),
      (response) => processRevocationResponse(response),
    );
  // FastMCP's revocation endpoint requires a `client_secret` field even from public clients and answers
  // invalid_request without one; RFC 6749 §2.3.1 reads an empty secret as no secret, so a public client may say so.
  const emptySecret: ClientAuth = (_as, c, body) => {
    body.set('client_id', c.client_id);
    body.set('client_secret', '');
  };
  const publicClient = !identity.clientSecret;
  if (publicClient && input.emptySecret === true) {
    await send(emptySecret);
    return { emptySecret: true };
  }
  try {
    await send(
      clientAuthentication(
        identity,
        as.revocation_endpoint_auth_methods_supported ?? as.token_endpoint_auth_methods_supported,
        ctx.secrets,
      ),
    );
    return { emptySecret: false };
  } catch (error) {
    if (!publicClient || !(error instanceof McpAuthError) || error.serverError !== 'invalid_request')
      throw error;
    await send(emptySecret);
    return { emptySecret: true };
  }
}
