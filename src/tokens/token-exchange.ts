/**
 * The identity assertion step of enterprise-managed authorization (the MCP extension, after the IETF draft
 * "Identity Assertion JWT Authorization Grant"): the user's ID token is exchanged at the enterprise identity
 * provider (RFC 8693) for an ID-JAG — a JWT the MCP authorization server accepts as a JWT bearer grant — meant for
 * that server (`audience`) and the MCP server (`resource`). Reported as the `token` step.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import type { FlowEventEmitter } from '../events.js';
import { postRequest } from '../events.js';
import type { HttpContext } from '../http.js';
import type { ClientIdentity } from '../identity/client-identity.js';
import { exchangeToken } from './token-requests.js';

/** RFC 8693 §3: the token type of an OpenID Connect ID token. */
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
/** The token type of an identity assertion authorization grant (ID-JAG). */
export const ID_JAG_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';

/** Exchanges `idToken` at the identity provider `idp` for an ID-JAG; resolves to the ID-JAG. */
export async function identityAssertionExchange(
  ctx: HttpContext,
  events: FlowEventEmitter,
  input: {
    idp: AuthorizationServer;
    /** The client's identity at the identity provider. */
    idpIdentity: ClientIdentity;
    idToken: string;
    /** The MCP authorization server's issuer, which is to accept the ID-JAG. */
    audience: string;
    resource: string;
    scopes: readonly string[];
  },
): Promise<string> {
  events.emit({
    step: 'token',
    status: 'started',
    message: 'exchanging the ID token for an identity assertion at the identity provider (token exchange)',
    ...postRequest(input.idp.token_endpoint),
    detail: { grant_type: 'token-exchange', issuer: input.idp.issuer, audience: input.audience },
  });
  const assertion = await exchangeToken(ctx, {
    as: input.idp,
    identity: input.idpIdentity,
    subjectToken: input.idToken,
    subjectTokenType: ID_TOKEN_TYPE,
    requestedTokenType: ID_JAG_TOKEN_TYPE,
    audience: input.audience,
    resource: input.resource,
    scopes: input.scopes,
  });
  events.emit({ step: 'token', status: 'succeeded', message: 'identity assertion (ID-JAG) received' });
  return assertion;
}
