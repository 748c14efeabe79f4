/**
 * `private_key_jwt` (RFC 7523 §2.2, §3): the client's JWT assertion, checked against the keys of its registered
 * `jwks` with WebCrypto alone (the mock runs in browsers and workers too). Each `jti` is accepted once while its
 * assertion is alive, per provider (so per mock).
 */
import { isJwtAlgorithm, JWT_ALGORITHMS, verifiesWithAnyKey } from '../assertions/jwt.js';
import type { JwtAlgorithm } from '../assertions/jwt.js';
import { parseCompactJws } from '../http/compact-jws.js';
import { AgeOrderedMap } from '../provider/age-ordered-map.js';
import { nowSeconds } from '../provider/clock.js';
import type { ClientInformation } from '../settings.js';
import type { RouteContext } from './router.js';

/** The assertion type RFC 7523 §2.2 defines. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The algorithms the mock verifies (and advertises in `token_endpoint_auth_signing_alg_values_supported`): those of
 * every JWT it verifies.
 */
export const ASSERTION_SIGNING_ALGORITHMS = JWT_ALGORITHMS;

/** Clock leeway for `exp`, `nbf` and `iat`, in seconds. */
const LEEWAY_SECONDS = 30;
/** Longest-lived assertion accepted: a replay memory must outlive every assertion it refuses. */
const MAX_ASSERTION_LIFETIME_SECONDS = 600;
/** How many used `jti` values are remembered per mock (the oldest beyond are forgotten). */
const REPLAY_MEMORY = 10_000;

export type AssertionCheck = { ok: true } | { ok: false; message: string };

/** Used `jti` → the assertion's expiry, per provider. */
const USED_JTIS = new WeakMap<object, AgeOrderedMap<string, number>>();

/** Checks `assertion` as the authentication of `client` at this mock's token endpoint. */
export async function checkClientAssertion(
  assertion: string | undefined,
  assertionType: string | undefined,
  client: ClientInformation,
  context: RouteContext,
): Promise<AssertionCheck> {
  if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
    return { ok: false, message: `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}` };
  }
  if (!assertion) return { ok: false, message: 'Missing client_assertion' };
  const jws = parseCompactJws(assertion);
  if (!jws) return { ok: false, message: 'client_assertion is not a signed JWT' };
  const { header, payload } = jws;
  const alg = header['alg'];
  if (!isJwtAlgorithm(alg)) {
    return {
      ok: false,
      message: `client_assertion alg must be one of ${ASSERTION_SIGNING_ALGORITHMS.join(', ')}`,
    };
  }
  const keys = candidateKeys(client, alg, header['kid']);
  if (keys.length === 0)
    return { ok: false, message: 'No registered key of the client matches the assertion' };
  if (!(await verifiesWithAnyKey(jws, keys))) {
    return { ok: false, message: 'client_assertion signature does not verify' };
  }
  const claims = checkClaims(payload, client.client_id, context);
  if (!claims.ok) return claims;
  return spendJti(payload['jti'] as string, payload['exp'] as number, client.client_id, context);
}

function checkClaims(
  payload: Record<string, unknown>,
  clientId: string,
  context: RouteContext,
): AssertionCheck {
  if (payload['iss'] !== clientId)
    return { ok: false, message: 'client_assertion iss must be the client_id' };
  if (payload['sub'] !== clientId)
    return { ok: false, message: 'client_assertion sub must be the client_id' };
  const audiences = Array.isArray(payload['aud']) ? payload['aud'] : [payload['aud']];
  const accepted = acceptedAudiences(context);
  if (!audiences.some((aud) => typeof aud === 'string' && accepted.has(aud))) {
    return { ok: false, message: 'client_assertion aud must be the issuer or the token endpoint' };
  }
  const now = nowSeconds(context.clock);
  const exp = payload['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    return { ok: false, message: 'client_assertion has no exp' };
  if (exp + LEEWAY_SECONDS <= now) return { ok: false, message: 'client_assertion has expired' };
  if (exp > now + MAX_ASSERTION_LIFETIME_SECONDS) {
    return {
      ok: false,
      message: `client_assertion exp is more than ${MAX_ASSERTION_LIFETIME_SECONDS} seconds ahead`,
    };
  }
  const nbf = payload['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + LEEWAY_SECONDS)) {
    return { ok: false, message: 'client_assertion is not valid yet (nbf)' };
  }
  const iat = payload['iat'];
  if (iat !== undefined && (typeof iat !== 'number' || iat > now + LEEWAY_SECONDS)) {
    return { ok: false, message: 'client_assertion iat is in the future' };
  }
  const jti = payload['jti'];
  if (typeof jti !== 'string' || jti === '') return { ok: false, message: 'client_assertion has no jti' };
  return { ok: true };
}

/** The issuer as configured and as published, with and without a trailing slash, and the token endpoint. */
function acceptedAudiences(context: RouteContext): Set<string> {
  const issuer = context.settings.issuerUrl;
  const bare = issuer.replace(/\/+$/, '');
  return new Set([issuer, bare, `${bare}/`, `${bare}/token`]);
}

function spendJti(jti: string, exp: number, clientId: string, context: RouteContext): AssertionCheck {
  let used = USED_JTIS.get(context.provider);
  if (!used) {
    used = new AgeOrderedMap<string, number>();
    USED_JTIS.set(context.provider, used);
  }
  const key = `${clientId}\u0000${jti}`;
  const now = nowSeconds(context.clock);
  used.deleteOldestWhile((expiresAt) => expiresAt + LEEWAY_SECONDS <= now);
  const seenUntil = used.get(key);
  if (seenUntil !== undefined && seenUntil + LEEWAY_SECONDS > now) {
    return { ok: false, message: 'client_assertion jti was already used' };
  }
  used.set(key, exp);
  used.deleteOldestBeyond(REPLAY_MEMORY);
  return { ok: true };
}

/** The client's registered public keys that can verify `alg` (the one named by `kid`, when given). */
function candidateKeys(client: ClientInformation, alg: JwtAlgorithm, kid: unknown): JsonWebKey[] {
  const jwks = client.jwks;
  const keys: unknown[] =
    typeof jwks === 'object' && jwks !== null && Array.isArray((jwks as { keys?: unknown }).keys)
      ? (jwks as { keys: unknown[] }).keys
      : [];
  const kty = alg === 'ES256' ? 'EC' : 'RSA';
  return keys.filter((key): key is JsonWebKey & { kid?: unknown } => {
    if (typeof key !== 'object' || key === null) return false;
    const jwk = key as Record<string, unknown>;
    if (jwk['kty'] !== kty || (alg === 'ES256' && jwk['crv'] !== 'P-256')) return false;
    if (jwk['alg'] !== undefined && jwk['alg'] !== alg) return false;
    if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return false;
    return kid === undefined || jwk['kid'] === kid;
  });
}
