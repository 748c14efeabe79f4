/**
 * Checking one DPoP proof (RFC 9449 §4.3) against the request it came with: syntax, `typ`, algorithm, public `jwk`,
 * signature, `htm`, `htu`, `iat` window and, on a resource request, `ath`. Replay (`jti`), nonces and the token's
 * key binding are the callers' (they need state); this needs none.
 */
import { DPOP_ALGORITHMS, publicKeyProblem, verifySignature, type DpopAlgorithm } from './algorithms.js';
import { parseCompactJws } from '../http/compact-jws.js';
import { accessTokenHash, jwkThumbprint } from './thumbprint.js';

/** How far `iat` may be from the server's clock, either way (seconds). */
export const IAT_WINDOW_SECONDS = 300;
/** Longest proof read: a proof is a few hundred bytes (an RSA key makes it ~1 KB); anything far larger is abuse. */
const MAX_PROOF_LENGTH = 8192;
/** Longest `jti` remembered: the replay cache holds it, so its size must be bounded too. */
const MAX_JTI_LENGTH = 256;

export interface ProofExpectations {
  /** The request's method, which `htm` must name. */
  readonly method: string;
  /** The URLs `htu` may name, compared without query and fragment (the request's, and where the server is). */
  readonly urls: readonly string[];
  /** The algorithms accepted. */
  readonly algorithms: readonly DpopAlgorithm[];
  /** The server's clock, seconds since the epoch. */
  readonly now: number;
  /** On a resource request, the access token presented with the proof: `ath` must be its hash. */
  readonly accessToken?: string | undefined;
}

/** What a valid proof tells: its key's thumbprint, its identity for the replay check, and the nonce it carries. */
export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key (`cnf.jkt` of the tokens bound to it). */
  readonly jkt: string;
  readonly jti: string;
  /** `htu` normalised (scheme, host, path): the target the `jti` is unique for. */
  readonly target: string;
  /** The `nonce` claim as sent (any type; `undefined` when absent). */
  readonly nonce: unknown;
}

export type ProofCheck = { ok: true; proof: VerifiedProof } | { ok: false; description: string };

const refuse = (description: string): ProofCheck => ({ ok: false, description });

/** Checks the value of the request's `DPoP` header (`null`: there was none). */
export async function checkProof(header: string | null, expected: ProofExpectations): Promise<ProofCheck> {
  if (header === null || header.trim() === '') return refuse('DPoP proof missing');
  // Headers joins repeated fields with ", "; a compact JWS has no comma, so a comma means more than one header.
  if (header.includes(',')) return refuse('more than one DPoP header');
  if (header.length > MAX_PROOF_LENGTH) return refuse('DPoP proof too large');
  const jws = parseCompactJws(header.trim());
  if (jws === undefined) return refuse('DPoP proof is not a JWS in compact serialization');
  const { header: jose, payload } = jws;
  if (jose['typ'] !== 'dpop+jwt') return refuse('DPoP proof typ must be dpop+jwt');
  const alg = jose['alg'];
  if (!isAccepted(alg, expected.algorithms)) {
    return refuse(`DPoP proof alg must be one of ${expected.algorithms.join(', ')}`);
  }
  const jwk = jose['jwk'];
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    return refuse('DPoP proof has no jwk header');
  const keyProblem = publicKeyProblem(jwk as Record<string, unknown>, alg);
  if (keyProblem !== undefined) return refuse(`DPoP proof ${keyProblem}`);
  const jkt = jwkThumbprint(jwk as Record<string, unknown>);
  if (jkt === undefined) return refuse('DPoP proof jwk has no thumbprint');
  if (!(await verifySignature(alg, jwk as Record<string, unknown>, jws.signature, jws.signed))) {
    return refuse('DPoP proof signature does not verify');
  }
  return checkClaims(payload, expected, jkt);
}

function checkClaims(payload: Record<string, unknown>, expected: ProofExpectations, jkt: string): ProofCheck {
  const { jti, htm, htu, iat, ath } = payload;
  if (typeof jti !== 'string' || jti === '') return refuse('DPoP proof has no jti');
  if (jti.length > MAX_JTI_LENGTH)
    return refuse(`DPoP proof jti is longer than ${MAX_JTI_LENGTH} characters`);
  if (htm !== expected.method) return refuse(`DPoP proof htm must be ${expected.method}`);
  if (typeof htu !== 'string') return refuse('DPoP proof has no htu');
  if (htu.includes('?') || htu.includes('#'))
    return refuse('DPoP proof htu must not have a query or fragment');
  const target = normalizedTarget(htu);
  if (target === undefined || !expected.urls.some((url) => normalizedTarget(url) === target)) {
    return refuse('DPoP proof htu does not match the request URL');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return refuse('DPoP proof has no iat');
  if (Math.abs(expected.now - iat) > IAT_WINDOW_SECONDS) {
    return refuse(`DPoP proof iat is more than ${IAT_WINDOW_SECONDS} seconds from the server's time`);
  }
  if (expected.accessToken !== undefined) {
    if (typeof ath !== 'string') return refuse('DPoP proof has no ath');
    if (ath !== accessTokenHash(expected.accessToken))
      return refuse('DPoP proof ath does not match the access token');
  }
  return { ok: true, proof: { jkt, jti, target, nonce: payload['nonce'] } };
}

function isAccepted(alg: unknown, accepted: readonly DpopAlgorithm[]): alg is DpopAlgorithm {
  return (
    (DPOP_ALGORITHMS as readonly unknown[]).includes(alg) && (accepted as readonly unknown[]).includes(alg)
  );
}

/**
 * Scheme, host (lower case, default port dropped) and path of `url`, without query and fragment: RFC 9449 §4.3 asks
 * for syntax- and scheme-based normalization (RFC 3986 §6.2.2, §6.2.3), which URL parsing does.
 */
export function normalizedTarget(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
