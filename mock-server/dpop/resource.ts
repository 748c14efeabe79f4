/**
 * DPoP at the MCP endpoint (RFC 9449 §7, §9): a bound token comes with `Authorization: DPoP` and a proof made with
 * its key for this very request; a bound token sent as Bearer, or an unbound one sent as DPoP, is refused.
 */
import { dpopChallenge, bearerChallenge } from '../mcp/challenge.js';
import { nowSeconds } from '../provider/clock.js';
import { proofTimeSeconds } from './proof-time.js';
import type { AccessToken } from '../provider/types.js';
import type { RouteContext } from '../routes/router.js';
import { checkProof, IAT_WINDOW_SECONDS } from './proof.js';
import { nonceRefusal } from './nonces.js';
import { demandsNonce } from './settings.js';
import { dpopStateOf } from './state.js';

/** How the token was presented: the scheme of `Authorization` and what follows it. */
export interface PresentedToken {
  readonly scheme: 'Bearer' | 'DPoP';
  readonly token: string;
}

/**
 * The token after `DPoP ` (scheme in any case, not trimmed, as the Bearer one), or `undefined` for another scheme
 * or an empty token.
 */
export function dpopSchemeToken(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header === null || header.slice(0, 5).toLowerCase() !== 'dpop ') return undefined;
  const token = header.slice(5);
  return token === '' ? undefined : token;
}

/**
 * The refusal of a resource request whose token and proof do not go together, or `undefined` when they do (or the
 * token is unbound and came as Bearer). `required` are the scopes named in a challenge.
 */
export async function resourceProofRefusal(
  request: Request,
  presented: PresentedToken,
  access: AccessToken,
  context: RouteContext,
  required: readonly string[],
): Promise<Response | undefined> {
  const { settings, provider, clock } = context;
  const invalidToken = (description: string): Response =>
    bearerChallenge(settings, 'invalid_token', description, required);
  const bound = access.cnf?.jkt;
  if (bound === undefined) {
    if (presented.scheme === 'DPoP') return invalidToken('The access token is not DPoP-bound');
    if (settings.dpop.boundTokensRequired) return invalidToken('A DPoP-bound access token is required');
    return undefined;
  }
  // RFC 9449 §7.2: a bound token sent as a bearer token may have been stolen; it must not be honoured.
  if (presented.scheme === 'Bearer')
    return invalidToken('The access token is DPoP-bound: use the DPoP scheme');
  const now = nowSeconds(clock);
  // `iat` and replay are judged on the client's time; nonces rotate on the server's (see proof-time.ts).
  const proofNow = proofTimeSeconds(clock);
  const checked = await checkProof(request.headers.get('dpop'), {
    method: request.method,
    urls: [request.url, settings.resourceServerUrl],
    algorithms: settings.dpop.algorithms,
    now: proofNow,
    accessToken: presented.token,
  });
  if (!checked.ok) return dpopChallenge(settings, 'invalid_dpop_proof', checked.description);
  if (checked.proof.jkt !== bound) {
    return dpopChallenge(
      settings,
      'invalid_dpop_proof',
      'DPoP proof key is not the key the token is bound to',
    );
  }
  const state = dpopStateOf(provider);
  if (demandsNonce(settings.dpop.nonce, 'rs')) {
    const refusal = nonceRefusal(
      state.resourceServerNonces,
      checked.proof.nonce,
      now,
      settings.dpop.nonceLifetimeSeconds,
      'Resource server',
    );
    if (refusal) return dpopChallenge(settings, 'use_dpop_nonce', refusal.description, refusal.current);
  }
  if (!state.replay.spend(checked.proof.target, checked.proof.jti, proofNow, 2 * IAT_WINDOW_SECONDS)) {
    return dpopChallenge(settings, 'invalid_dpop_proof', 'DPoP proof jti was already used');
  }
  return undefined;
}

/**
 * RFC 9449 §9: with resource-server nonces, every answer to a request that came with a proof names the current
 * nonce, so a client picks up a new one without first being refused with it.
 */
export function withResourceNonce(request: Request, response: Response, context: RouteContext): Response {
  const { settings, provider, clock } = context;
  if (!settings.beyondFastMcp.dpop || !demandsNonce(settings.dpop.nonce, 'rs')) return response;
  if (!request.headers.has('dpop') || response.headers.has('dpop-nonce')) return response;
  const nonce = dpopStateOf(provider).resourceServerNonces.current(
    nowSeconds(clock),
    settings.dpop.nonceLifetimeSeconds,
  );
  try {
    response.headers.set('dpop-nonce', nonce);
    return response;
  } catch {
    // Immutable headers: copy them (the body, a stream or not, passes through untouched).
    const headers = new Headers(response.headers);
    headers.set('dpop-nonce', nonce);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}
