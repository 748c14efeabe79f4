/**
 * Compact JWS for the mock's assertions (RFC 7515/7519): decoding, verifying against public JWKs, and signing with
 * the mock's own ES256 keys — WebCrypto alone, so the mock runs in browsers and workers too.
 */
import { base64url } from '../http/crypto.js';

/** The algorithms the mock verifies assertions with. */
export const JWT_ALGORITHMS = ['ES256', 'RS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** A compact JWS taken apart; nothing in it is checked yet. */
export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly signingInput: Uint8Array<ArrayBuffer>;
  readonly signature: Uint8Array<ArrayBuffer>;
}

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
export function decodeJwt(text: string): DecodedJwt | undefined {
  const parts = text.split('.');
  if (parts.length !== 3) return undefined;
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = jsonPart(encodedHeader);
  const payload = jsonPart(encodedPayload);
  const signature = decodeBase64Url(encodedSignature);
  if (!header || !payload || !signature) return undefined;
  return {
    header,
    payload,
    signingInput: new TextEncoder().encode(`${encodedHeader}.${encodedPayload}`),
    signature,
  };
}

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
      if (await crypto.subtle.verify(WEBCRYPTO[alg].sign, key, jwt.signature, jwt.signingInput)) return true;
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

function jsonPart(part: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64Url(part);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
