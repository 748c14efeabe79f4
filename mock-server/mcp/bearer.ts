/**
 * Bearer authentication of the MCP endpoint, as FastMCP's `BearerAuthBackend` + `RequireAuthMiddleware`: scheme
 * case-insensitive, unknown / expired / revoked token → 401, first missing required scope → 403. With
 * `audienceBinding`, a token bound (RFC 8707) to another resource is refused too; with `dpop`, the `DPoP` scheme is
 * read as well and a DPoP-bound token needs its proof (dpop/resource.ts).
 */
import { nowSeconds } from '../provider/clock.js';
import { dpopSchemeToken, resourceProofRefusal, type PresentedToken } from '../dpop/resource.js';
import type { AccessToken } from '../provider/types.js';
import { isOwnResource } from '../routes/audience.js';
import type { RouteContext } from '../routes/router.js';
import { AUTHENTICATION_REQUIRED, bearerChallenge } from './challenge.js';

/** Something that can tell whether an access token is live: the mock's provider, or a peer mock's. */
export interface TokenVerifier {
  /** The issuer whose tokens it knows; trusted only when the resource metadata's `authorization_servers` names it. */
  readonly issuer: string;
  /** The access token, or `undefined` when unknown or revoked (the MCP endpoint checks expiry and scopes). */
  loadAccessToken(token: string): Promise<AccessToken | undefined>;
}

export type BearerResult = { ok: true; token: AccessToken } | { ok: false; response: Response };

/**
 * Everything after `Bearer ` (scheme in any case), or `undefined`. Not trimmed, as FastMCP's `BearerAuthBackend`:
 * `Bearer  <token>` (two spaces) names the token ` <token>`, which no server issued.
 */
function bearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header === null || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = header.slice(7);
  return token === '' ? undefined : token;
}

/** The token and its scheme: Bearer as FastMCP reads it, or, with `dpop`, the DPoP scheme too. */
function presentedToken(request: Request, dpop: boolean): PresentedToken | undefined {
  const bearer = bearerToken(request);
  if (bearer !== undefined) return { scheme: 'Bearer', token: bearer };
  const bound = dpop ? dpopSchemeToken(request) : undefined;
  return bound === undefined ? undefined : { scheme: 'DPoP', token: bound };
}

/**
 * The issuers whose tokens the resource accepts: its protected-resource metadata's `authorization_servers`. When
 * they name another server (the resource has moved), only that server's tokens count.
 */
function trustedVerifiers(context: RouteContext, peers: readonly TokenVerifier[]): TokenVerifier[] {
  const { settings, provider } = context;
  const issuers = settings.quirks.resourceAuthorizationServers ?? [settings.issuerUrl];
  const own: TokenVerifier = {
    issuer: settings.issuerUrl,
    loadAccessToken: (t) => provider.loadAccessToken(t),
  };
  // Compared as URLs, so `http://host` and `http://host/` name the same issuer.
  const same = (a: string, b: string): boolean =>
    URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href;
  return issuers.flatMap((issuer) => {
    if (same(issuer, settings.issuerUrl)) return [own];
    return peers.filter((peer) => same(peer.issuer, issuer));
  });
}

export async function authenticateBearer(
  request: Request,
  context: RouteContext,
  peers: readonly TokenVerifier[],
): Promise<BearerResult> {
  const { settings } = context;
  const required = settings.requiredScopes ?? [];
  const unauthorized = (): BearerResult => ({
    ok: false,
    response: bearerChallenge(settings, 'invalid_token', AUTHENTICATION_REQUIRED, required),
  });
  const presented = presentedToken(request, settings.beyondFastMcp.dpop);
  if (presented === undefined) return unauthorized();
  let access: AccessToken | undefined;
  for (const verifier of trustedVerifiers(context, peers)) {
    access = await verifier.loadAccessToken(presented.token);
    if (access !== undefined) break;
  }
  if (access === undefined) return unauthorized();
  if (access.expiresAt !== undefined && access.expiresAt < Math.floor(nowSeconds(context.clock))) {
    return unauthorized();
  }
  if (
    settings.beyondFastMcp.audienceBinding &&
    access.resource !== undefined &&
    !isOwnResource(access.resource, settings)
  ) {
    return unauthorized();
  }
  if (settings.beyondFastMcp.dpop) {
    const refusal = await resourceProofRefusal(request, presented, access, context, required);
    if (refusal !== undefined) return { ok: false, response: refusal };
  }
  const missing = required.find((scope) => !access.scopes.includes(scope));
  if (missing !== undefined) {
    return {
      ok: false,
      response: bearerChallenge(settings, 'insufficient_scope', `Required scope: ${missing}`, required),
    };
  }
  return { ok: true, token: access };
}
