/**
 * Compact JWS for the mock's assertions (RFC 7515/7519): decoding, verifying against public JWKs, and signing with
 * the mock's own ES256 keys — WebCrypto alone, so the mock runs in browsers and workers too.
 */
import { parseCompactJws } from '../http/compact-jws.js';
import type { CompactJws } from '../http/compact-jws.js';
import { base64url } from '../http/crypto.js';

/** The algorithms the mock verifies assertions with. */
export const JWT_ALGORITHMS = ['ES256', 'RS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** A compact JWS taken apart; nothing in it is checked yet. */
export type DecodedJwt = CompactJws;

const WEBCRYPTO: Record<
  JwtAlgorithm,
  { import: EcKeyImportParams | RsaHashedImportParams; sign: AlgorithmIdentifier | EcdsaParams; kty: string }
> = {
  ES256: {
    import: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' },
    kty: 'EC',
  },
  RS256: {
    import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
    kty: 'RSA',
  },
};

/** The parts of a compact JWS whose header and payload are JSON objects; undefined for anything else. Pure. */
export const decodeJwt = parseCompactJws;

export function isJwtAlgorithm(value: unknown): value is JwtAlgorithm {
  return (JWT_ALGORITHMS as readonly unknown[]).includes(value);
}

/** Whether one of `keys` (of the header's `alg`, and `kid` when named) verifies the signature. */
export async function verifiesWithAnyKey(jwt: DecodedJwt, keys: readonly JsonWebKey[]): Promise<boolean> {
  const alg = jwt.header['alg'];
  if (!isJwtAlgorithm(alg)) return false;
  const kid = jwt.header['kid'];
  for (const jwk of keys) {
    const candidate = jwk as JsonWebKey & { kid?: unknown };
    if (candidate.kty !== WEBCRYPTO[alg].kty) continue;
    if (candidate.alg !== undefined && candidate.alg !== alg) continue;
    if (kid !== undefined && candidate.kid !== undefined && candidate.kid !== kid) continue;
    try {
      // Only the public members: a configured set that (wrongly) holds a private key must not make it a signing key.
      const { kty, crv, x, y, n, e } = candidate;
      const publicJwk = Object.fromEntries(
        Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined),
      ) as JsonWebKey;
      const key = await crypto.subtle.importKey('jwk', publicJwk, WEBCRYPTO[alg].import, false, ['verify']);
      if (await crypto.subtle.verify(WEBCRYPTO[alg].sign, key, jwt.signature, jwt.signed)) return true;
    } catch {
      // A malformed key verifies nothing; the next one may.
    }
  }
  return false;
}

/** A compact JWS of `payload`, signed ES256 with `privateKey` (WebCrypto's ECDSA output is JWS's `r || s`). */
export async function signJwt(
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
  privateKey: CryptoKey,
): Promise<string> {
  const encode = (value: unknown): string => base64url(new TextEncoder().encode(JSON.stringify(value)));
  const signingInput = `${encode({ ...header, alg: 'ES256' })}.${encode(payload)}`;
  const signature = await crypto.subtle.sign(
    WEBCRYPTO.ES256.sign,
    privateKey,
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}
