/**
 * The mock identity provider of enterprise-managed authorization (beyond FastMCP: `jwtBearerGrant`), at
 * `<issuer>/idp`: its metadata, its public keys, and its token endpoint, which takes an ID token it issued (RFC 8693
 * token exchange, `subject_token_type` id_token) and returns an identity assertion (ID-JAG, `typ:
 * oauth-id-jag+jwt`) for this mock's authorization server and MCP server, signed with its key — which the
 * authorization server trusts. Its clients are the mock's clients, authenticated as at `/token`.
 */
import { decodeJwt, signJwt, verifiesWithAnyKey } from '../assertions/jwt.js';
import { ID_JAG_TYPE } from '../assertions/grant-assertion.js';
import { idpIssuer, mockSigningKey, ownAudiences } from '../assertions/keys.js';
import { formString, readForm } from '../http/body.js';
import { randomToken } from '../http/crypto.js';
import { jsonResponse, NO_STORE_NO_CACHE, oauthError } from '../http/responses.js';
import { nowSeconds } from '../provider/clock.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import { isOwnResource } from './audience.js';
import { authenticateClient } from './client-auth.js';
import { issuerPath } from './metadata.js';
import type { Route, RouteContext, RouteHandler } from './router.js';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const ID_JAG_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';

/** How long an identity assertion lives: minutes, as the draft advises. */
const ID_JAG_SECONDS = 300;
/** Clock leeway for the ID token's `exp`, in seconds. */
const LEEWAY_SECONDS = 30;

const DOCUMENT = { methods: ['GET', 'HEAD', 'OPTIONS'], corsMethods: ['GET', 'OPTIONS'] } as const;
const FORM_ENDPOINT = { methods: ['POST', 'OPTIONS'], corsMethods: ['POST', 'OPTIONS'] } as const;

/** The identity provider's routes: metadata (OpenID Connect and RFC 8414 locations), keys, token endpoint. */
export function identityProviderRoutes(settings: ResolvedMockAuthServerSettings): Route[] {
  const prefix = `${issuerPath(settings)}/idp`;
  return [
    {
      path: `${prefix}/.well-known/openid-configuration`,
      endpoint: 'idp-metadata',
      ...DOCUMENT,
      handler: metadataHandler,
    },
    {
      path: `/.well-known/oauth-authorization-server${prefix}`,
      endpoint: 'idp-metadata',
      ...DOCUMENT,
      handler: metadataHandler,
    },
    { path: `${prefix}/jwks`, endpoint: 'idp-jwks', ...DOCUMENT, handler: jwksHandler },
    {
      path: `${prefix}/authorize`,
      endpoint: 'idp-authorize',
      methods: ['GET', 'HEAD', 'POST'],
      handler: authorizeHandler,
    },
    { path: `${prefix}/token`, endpoint: 'idp-token', ...FORM_ENDPOINT, handler: tokenExchangeHandler },
  ];
}

const metadataHandler: RouteHandler = async (_request, context) => {
  const issuer = idpIssuer(context.settings);
  return jsonResponse({
    issuer,
    // OpenID Connect Discovery requires one; the mock's users sign in through `mintIdToken` instead.
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    grant_types_supported: [TOKEN_EXCHANGE],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
  });
};

const authorizeHandler: RouteHandler = async () =>
  exchangeError(
    'unsupported_response_type',
    'the mock identity provider signs no one in interactively: tests mint ID tokens with mintIdToken',
  );

const jwksHandler: RouteHandler = async (_request, context) =>
  jsonResponse({ keys: [(await mockSigningKey(context.provider, 'idp')).publicJwk] });

function exchangeError(error: string, description: string, status = 400): Response {
  return jsonResponse(oauthError(error, description), status, NO_STORE_NO_CACHE);
}

const tokenExchangeHandler: RouteHandler = async (request, context) => {
  const form = await readForm(request, context.settings.maxBodyBytes);
  const auth = await authenticateClient(request, form, context);
  if (!auth.ok) return exchangeError('invalid_client', auth.message, 401);
  const clientId = auth.client.client_id;
  if (formString(form, 'grant_type') !== TOKEN_EXCHANGE) {
    return exchangeError('unsupported_grant_type', `the identity provider serves ${TOKEN_EXCHANGE} only`);
  }
  const subjectToken = formString(form, 'subject_token');
  const audience = formString(form, 'audience');
  const resource = formString(form, 'resource');
  if (!subjectToken || !audience || !resource) {
    return exchangeError('invalid_request', 'subject_token, audience and resource are required');
  }
  if (formString(form, 'subject_token_type') !== ID_TOKEN_TYPE) {
    return exchangeError('invalid_request', `subject_token_type must be ${ID_TOKEN_TYPE}`);
  }
  if (formString(form, 'requested_token_type') !== ID_JAG_TOKEN_TYPE) {
    return exchangeError('invalid_request', `requested_token_type must be ${ID_JAG_TOKEN_TYPE}`);
  }
  const subject = await idTokenSubject(subjectToken, clientId, context);
  if (subject === undefined) return exchangeError('invalid_grant', 'the ID token is not valid here');
  // The only authorization server this IdP knows is the mock's own, and the only MCP server its resource.
  if (!ownAudiences(context.settings).has(audience)) {
    return exchangeError('invalid_target', 'the audience is not an authorization server this IdP knows');
  }
  if (!isOwnResource(resource, context.settings)) {
    return exchangeError('invalid_target', 'the resource is not an MCP server this IdP knows');
  }
  const key = await mockSigningKey(context.provider, 'idp');
  const issuedAt = Math.floor(nowSeconds(context.clock));
  const scope = formString(form, 'scope');
  const assertion = await signJwt(
    { typ: ID_JAG_TYPE, kid: key.publicJwk.kid },
    {
      iss: idpIssuer(context.settings),
      sub: subject,
      aud: audience,
      client_id: clientId,
      resource,
      ...(scope ? { scope } : {}),
      jti: randomToken(16),
      iat: issuedAt,
      exp: issuedAt + ID_JAG_SECONDS,
    },
    key.privateKey,
  );
  return jsonResponse(
    {
      access_token: assertion,
      issued_token_type: ID_JAG_TOKEN_TYPE,
      // RFC 8693 §2.2.1: the issued token is no access token.
      token_type: 'N_A',
      expires_in: ID_JAG_SECONDS,
      ...(scope ? { scope } : {}),
    },
    200,
    NO_STORE_NO_CACHE,
  );
};

/** The user an ID token of this IdP names, when it was issued to `clientId` and is alive; else undefined. */
async function idTokenSubject(
  idToken: string,
  clientId: string,
  context: RouteContext,
): Promise<string | undefined> {
  const jwt = decodeJwt(idToken);
  if (!jwt) return undefined;
  const { payload } = jwt;
  if (payload['iss'] !== idpIssuer(context.settings)) return undefined;
  if (!(await verifiesWithAnyKey(jwt, [(await mockSigningKey(context.provider, 'idp')).publicJwk]))) {
    return undefined;
  }
  const audiences = Array.isArray(payload['aud']) ? payload['aud'] : [payload['aud']];
  if (!audiences.includes(clientId)) return undefined;
  const exp = payload['exp'];
  if (typeof exp !== 'number' || exp + LEEWAY_SECONDS <= nowSeconds(context.clock)) return undefined;
  // An identity assertion is not an ID token, even though this IdP signs both.
  if (jwt.header['typ'] === ID_JAG_TYPE) return undefined;
  const subject = payload['sub'];
  return typeof subject === 'string' && subject !== '' ? subject : undefined;
}
