/**
 * DPoP at `/token` (RFC 9449 §5, §8), for every grant: the proof is checked before the grant runs, the tokens issued
 * are then bound to its key, and a DPoP-bound refresh token is refused without a proof made with that key.
 */
import { jsonResponse, NO_STORE_NO_CACHE, oauthError } from '../http/responses.js';
import { nowSeconds } from '../provider/clock.js';
import { proofTimeSeconds } from './proof-time.js';
import { isDpopBindingCapable, type OAuthToken, type RefreshToken } from '../provider/types.js';
import type { RouteContext } from '../routes/router.js';
import { clientAuthMethodOf, type ClientInformation } from '../settings.js';
import { nonceRefusal } from './nonces.js';
import { checkProof, IAT_WINDOW_SECONDS } from './proof.js';
import { demandsNonce } from './settings.js';
import { dpopStateOf } from './state.js';

/**
 * The outcome of the proof check: refused (the answer to send), or go on with the key to bind to (`undefined`: no
 * proof, a Bearer token) and the headers every success carries (`DPoP-Nonce` when nonces are demanded).
 */
export type TokenRequestProof =
  { ok: true; jkt: string | undefined; headers: Record<string, string> } | { ok: false; response: Response };

const NO_PROOF: TokenRequestProof = { ok: true, jkt: undefined, headers: {} };

/** Checks the token request's `DPoP` header (when `beyondFastMcp.dpop` is on; otherwise it is ignored, as FastMCP). */
export async function checkTokenRequestProof(
  request: Request,
  context: RouteContext,
): Promise<TokenRequestProof> {
  const { settings, provider, clock } = context;
  const header = request.headers.get('dpop');
  if (!settings.beyondFastMcp.dpop || header === null) return NO_PROOF;
  const now = nowSeconds(clock);
  // `iat` and replay are judged on the client's time; nonces rotate on the server's (see proof-time.ts).
  const proofNow = proofTimeSeconds(clock);
  const checked = await checkProof(header, {
    method: 'POST',
    // The URL the request reached, or the one the metadata publishes (they differ behind a proxy).
    urls: [request.url, `${settings.issuerUrl.replace(/\/+$/, '')}/token`],
    algorithms: settings.dpop.algorithms,
    now: proofNow,
  });
  if (!checked.ok) return refused('invalid_dpop_proof', checked.description);
  const state = dpopStateOf(provider);
  const headers: Record<string, string> = {};
  if (demandsNonce(settings.dpop.nonce, 'as')) {
    const lifetime = settings.dpop.nonceLifetimeSeconds;
    const nonces = state.authorizationServerNonces;
    const refusal = nonceRefusal(nonces, checked.proof.nonce, now, lifetime, 'Authorization server');
    if (refusal) return refused('use_dpop_nonce', refusal.description, { 'DPoP-Nonce': refusal.current });
    headers['DPoP-Nonce'] = nonces.current(now, lifetime);
  }
  if (!state.replay.spend(checked.proof.target, checked.proof.jti, proofNow, 2 * IAT_WINDOW_SECONDS)) {
    return refused('invalid_dpop_proof', 'DPoP proof jti was already used');
  }
  return { ok: true, jkt: checked.proof.jkt, headers };
}

/**
 * RFC 9449 §5: a refresh token bound to a key is redeemed only with a proof made with that key; `undefined` when
 * `refreshToken` may be used with `jkt` (the proof's key, `undefined` without one).
 */
export function refreshBindingRefusal(
  refreshToken: RefreshToken,
  jkt: string | undefined,
): Response | undefined {
  const bound = refreshToken.cnf?.jkt;
  if (bound === undefined) return undefined;
  if (jkt === undefined)
    return tokenError('invalid_dpop_proof', 'refresh token is DPoP-bound: a DPoP proof is required');
  if (jkt !== bound) return tokenError('invalid_grant', 'refresh token is bound to another DPoP key');
  return undefined;
}

/**
 * Binds what was just issued to the proof's key: the access token always, the refresh token when the client is
 * public (RFC 9449 §5: a confidential client's refresh token is bound by its authentication already). Returns the
 * `token_type` to answer: `DPoP` once bound, `Bearer` without a proof or a provider that cannot bind.
 */
export async function bindIssuedTokens(
  tokens: OAuthToken,
  jkt: string | undefined,
  client: ClientInformation,
  context: RouteContext,
): Promise<'Bearer' | 'DPoP'> {
  const { provider } = context;
  if (jkt === undefined || !isDpopBindingCapable(provider)) return 'Bearer';
  if (!(await provider.bindTokenToDpopKey(tokens.access_token, jkt))) return 'Bearer';
  if (tokens.refresh_token !== undefined && clientAuthMethodOf(client) === 'none') {
    await provider.bindTokenToDpopKey(tokens.refresh_token, jkt);
  }
  return 'DPoP';
}

function refused(
  error: string,
  description: string,
  headers: Record<string, string> = {},
): TokenRequestProof {
  return { ok: false, response: tokenError(error, description, headers) };
}

function tokenError(error: string, description: string, headers: Record<string, string> = {}): Response {
  return jsonResponse(oauthError(error, description), 400, { ...NO_STORE_NO_CACHE, ...headers });
}
