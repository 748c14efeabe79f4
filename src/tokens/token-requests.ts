/**
 * Token endpoint I/O over oauth4webapi: authorization-code exchange, refresh, the machine grants (client
 * credentials, JWT bearer, token exchange) and revocation. Every request
 * carries `resource` (RFC 8707) where the spec asks for it.
 */
import {
  authorizationCodeGrantRequest,
  clientCredentialsGrantRequest,
  genericTokenEndpointRequest,
  processAuthorizationCodeResponse,
  processClientCredentialsResponse,
  processGenericTokenEndpointResponse,
  processRefreshTokenResponse,
  processRevocationResponse,
  refreshTokenGrantRequest,
  revocationRequest,
  isDPoPNonceError,
  validateAuthResponse,
} from 'oauth4webapi';
import type { AuthorizationServer, Client, ClientAuth, TokenEndpointResponse } from 'oauth4webapi';
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
 * process is the server's refusal (its OAuth error, when it sent one). A `use_dpop_nonce` refusal (RFC 9449 §8) is
 * asked once more: the DPoP handle kept the nonce the answer carried, and the next proof includes it.
 */
async function callEndpoint<T>(
  ctx: HttpContext,
  step: 'token' | 'refresh' | 'revocation',
  endpoint: URL,
  send: () => Promise<Response>,
  process: (response: Response) => Promise<T>,
  request?: string,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
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
      if (attempt === 1 && ctx.dpop && step !== 'revocation' && isDPoPNonceError(error)) continue;
      throw tokenEndpointFailure(error, step, ctx.secrets, errorBody, request);
    }
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
  return usableTokens(ctx, body, 'token', input.requestedScopes);
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
  // Refresh cannot widen scope: without a `scope` in the answer the old grant's scopes stand.
  return usableTokens(ctx, body, 'refresh', tokens.scopes, tokens.refreshToken);
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
  return usableTokens(ctx, body, 'token', input.scopes);
}

/** The JWT bearer authorization grant (RFC 7523 §2.1). */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** One request of an extension grant (RFC 6749 §4.5) at `as`'s token endpoint, answered through `process`. */
async function genericGrant(
  ctx: HttpContext,
  input: {
    as: AuthorizationServer;
    identity: ClientIdentity;
    grantType: string;
    parameters: URLSearchParams;
    /** What the request is, for messages. */
    request: string;
    process: (response: Response, client: Client) => Promise<TokenEndpointResponse>;
  },
): Promise<TokenEndpointResponse> {
  const { as, identity } = input;
  const client = oauthClient(identity);
  return callEndpoint(
    ctx,
    'token',
    tokenEndpoint(as, 'token'),
    () =>
      genericTokenEndpointRequest(
        as,
        client,
        clientAuthentication(identity, as.token_endpoint_auth_methods_supported, ctx.secrets),
        input.grantType,
        input.parameters,
        oauthRequestOptions(ctx, 'token', 'token endpoint'),
      ),
    (response) => input.process(response, client),
    input.request,
  );
}

/** The token exchange grant (RFC 8693 §2.1). */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * The JWT bearer grant (RFC 7523 §2.1): `assertion` is the grant; the client authenticates as the server allows (a
 * client without a secret sends its `client_id`). Asks for `scopes` at `resource` (RFC 8707).
 */
export async function jwtBearerTokens(
  ctx: HttpContext,
  input: {
    as: AuthorizationServer;
    identity: ClientIdentity;
    assertion: string;
    scopes: readonly string[];
    resource: string;
  },
): Promise<TokenSet> {
  const { as, identity } = input;
  ctx.secrets?.add(input.assertion);
  ctx.secrets?.addClient(identity.clientId, identity.clientSecret);
  const parameters = new URLSearchParams({ assertion: input.assertion, resource: input.resource });
  if (input.scopes.length > 0) parameters.set('scope', input.scopes.join(' '));
  const body = await genericGrant(ctx, {
    as,
    identity,
    grantType: JWT_BEARER_GRANT_TYPE,
    parameters,
    request: 'JWT bearer token request',
    process: async (response, client) =>
      processGenericTokenEndpointResponse(as, client, await withUsableLifetime(response)),
  });
  return usableTokens(ctx, body, 'token', input.scopes);
}

/**
 * A token exchange (RFC 8693 §2.1) at `as`: `subjectToken` of `subjectTokenType` for a token of
 * `requestedTokenType` meant for `audience` and `resource`. Resolves to the issued token, which must be of the type
 * asked for (§2.2.1 `issued_token_type`); it is remembered as a secret.
 */
export async function exchangeToken(
  ctx: HttpContext,
  input: {
    as: AuthorizationServer;
    identity: ClientIdentity;
    subjectToken: string;
    subjectTokenType: string;
    requestedTokenType: string;
    audience: string;
    resource: string;
    scopes: readonly string[];
  },
): Promise<string> {
  const { as, identity } = input;
  // The exchanged token is a grant for another server, not an access token: no DPoP key is proved here.
  const plain: HttpContext = { ...ctx, dpop: undefined };
  ctx.secrets?.add(input.subjectToken);
  ctx.secrets?.addClient(identity.clientId, identity.clientSecret);
  const parameters = new URLSearchParams({
    requested_token_type: input.requestedTokenType,
    subject_token: input.subjectToken,
    subject_token_type: input.subjectTokenType,
    audience: input.audience,
    resource: input.resource,
  });
  if (input.scopes.length > 0) parameters.set('scope', input.scopes.join(' '));
  const body = await genericGrant(plain, {
    as,
    identity,
    grantType: TOKEN_EXCHANGE_GRANT_TYPE,
    parameters,
    request: 'token exchange',
    // RFC 8693 §2.2.1: a token that is no access token comes with the token type "N_A".
    process: (response, client) =>
      processGenericTokenEndpointResponse(as, client, response, {
        recognizedTokenTypes: { n_a: () => undefined },
      }),
  });
  ctx.secrets?.add(body.access_token);
  if (body['issued_token_type'] !== input.requestedTokenType) {
    throw new McpAuthError({
      code: 'invalid_response',
      step: 'token',
      message: `the token exchange at ${as.issuer} issued a "${quoteServerText(String(body['issued_token_type'] ?? 'unnamed'), [...(ctx.secrets ?? [])], SERVER_CODE_LIMIT)}" token, not the ${input.requestedTokenType} asked for`,
    });
  }
  return body.access_token;
}

/**
 * The token set of an answer, once its type is one this client can use (the answer's own tokens are scrubbed from
 * the message when it is not), bound to the key the request proved, if any.
 */
function usableTokens(
  ctx: HttpContext,
  body: TokenEndpointResponse,
  step: 'token' | 'refresh',
  requestedScopes: readonly string[],
  previousRefreshToken?: string,
): TokenSet {
  refuseUnsupportedTokenType(
    body.token_type,
    step,
    [body.access_token, body.refresh_token, ...(ctx.secrets ?? [])],
    ctx.dpop !== undefined,
  );
  return withBinding(
    ctx,
    body,
    tokenSetFromResponse(body, Date.now(), requestedScopes, previousRefreshToken),
  );
}

/**
 * Bearer tokens are always usable; DPoP-bound ones (RFC 9449) only when this request proved a key, since only then
 * does the client hold what they are bound to. Anything else is refused plainly rather than sent and refused by the
 * resource server. The type is quoted scrubbed of `secrets` (the tokens of the same answer, which a hostile server
 * may put there).
 */
export function refuseUnsupportedTokenType(
  tokenType: string,
  step: 'token' | 'refresh',
  secrets: Iterable<string | undefined> = [],
  provedKey = false,
): void {
  const type = tokenType.toLowerCase();
  if (type === 'bearer' || (type === 'dpop' && provedKey)) return;
  throw new TokenError({
    step,
    code: step === 'refresh' ? 'refresh_failed' : 'token_request_failed',
    message:
      type === 'dpop'
        ? 'the authorization server issued a DPoP-bound token although this request proved no key: enable dpop in the options, or configure the server to issue bearer tokens for this client'
        : `the authorization server issued a "${quoteServerText(tokenType, secrets, SERVER_CODE_LIMIT)}" token; this client can use bearer and DPoP tokens only: configure the server to issue one of those`,
  });
}

/**
 * The token set with its DPoP binding, when the request proved a key: the key's thumbprint (what a bound refresh
 * token needs again), and `DPoP` as the type when the access token is bound too.
 */
export function withBinding(ctx: HttpContext, body: { token_type: string }, tokens: TokenSet): TokenSet {
  if (!ctx.dpop) return tokens;
  return {
    ...tokens,
    dpopJkt: ctx.dpop.jkt,
    ...(body.token_type.toLowerCase() === 'dpop' ? { tokenType: 'DPoP' as const } : {}),
  };
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
