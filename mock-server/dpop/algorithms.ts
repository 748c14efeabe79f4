/**
 * The asymmetric JWS algorithms a DPoP proof may use (RFC 9449 §4.2: never `none`, never a MAC), with what WebCrypto
 * needs to verify each: the mock runs in browsers and workers too, so WebCrypto is all it has.
 */

/** A JWS algorithm the mock can verify a DPoP proof with (EdDSA: Ed25519, where the runtime's WebCrypto has it). */
export type DpopAlgorithm =
  'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'EdDSA';

/** Every {@link DpopAlgorithm}, in the order the metadata lists them. */
export const DPOP_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
] as const satisfies readonly DpopAlgorithm[];

/** Accepted unless `dpop.algorithms` says otherwise: the ones every WebCrypto (browsers included) verifies. */
export const DEFAULT_DPOP_ALGORITHMS: readonly DpopAlgorithm[] = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'PS256',
];

/** RSA keys shorter than this are refused (RFC 7518 §3.3 asks for at least 2048 bits). */
const MIN_RSA_MODULUS_BITS = 2048;

interface Verifier {
  readonly import: AlgorithmIdentifier | EcKeyImportParams | RsaHashedImportParams;
  readonly verify: AlgorithmIdentifier | EcdsaParams | RsaPssParams;
  /** The key type (and, for curves, the curve) the `jwk` header must name. */
  readonly kty: 'EC' | 'RSA' | 'OKP';
  readonly crv?: string;
}

function ecdsa(curve: string, hash: string): Verifier {
  return {
    import: { name: 'ECDSA', namedCurve: curve },
    verify: { name: 'ECDSA', hash },
    kty: 'EC',
    crv: curve,
  };
}

function rsa(name: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS', hash: string, saltLength: number): Verifier {
  return {
    import: { name, hash },
    verify: name === 'RSA-PSS' ? { name, saltLength } : { name },
    kty: 'RSA',
  };
}

const VERIFIERS: Record<DpopAlgorithm, Verifier> = {
  ES256: ecdsa('P-256', 'SHA-256'),
  ES384: ecdsa('P-384', 'SHA-384'),
  ES512: ecdsa('P-521', 'SHA-512'),
  RS256: rsa('RSASSA-PKCS1-v1_5', 'SHA-256', 0),
  RS384: rsa('RSASSA-PKCS1-v1_5', 'SHA-384', 0),
  RS512: rsa('RSASSA-PKCS1-v1_5', 'SHA-512', 0),
  // RFC 7518 §3.5: the salt is as long as the hash.
  PS256: rsa('RSA-PSS', 'SHA-256', 32),
  PS384: rsa('RSA-PSS', 'SHA-384', 48),
  PS512: rsa('RSA-PSS', 'SHA-512', 64),
  EdDSA: { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' }, kty: 'OKP', crv: 'Ed25519' },
};

/** JWK members that only a private (or symmetric) key has: a proof's `jwk` must carry none. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Why `jwk` cannot be the public key of an `alg` proof, or `undefined` when it can. */
export function publicKeyProblem(jwk: Record<string, unknown>, alg: DpopAlgorithm): string | undefined {
  if (PRIVATE_MEMBERS.some((member) => member in jwk))
    return 'jwk must be a public key (it has private members)';
  const verifier = VERIFIERS[alg];
  if (jwk['kty'] !== verifier.kty) return `jwk kty must be ${verifier.kty} for ${alg}`;
  if (verifier.crv !== undefined && jwk['crv'] !== verifier.crv)
    return `jwk crv must be ${verifier.crv} for ${alg}`;
  const members = verifier.kty === 'RSA' ? ['n', 'e'] : verifier.kty === 'EC' ? ['x', 'y'] : ['x'];
  if (members.some((member) => typeof jwk[member] !== 'string' || jwk[member] === '')) {
    return `jwk lacks ${members.join(' or ')}`;
  }
  if (verifier.kty === 'RSA' && modulusBits(jwk['n'] as string) < MIN_RSA_MODULUS_BITS) {
    return `jwk RSA modulus must have at least ${MIN_RSA_MODULUS_BITS} bits`;
  }
  return undefined;
}

/** The size of a base64url big-endian modulus in bits, to the byte (enough to tell 1024 from 2048). */
function modulusBits(n: string): number {
  const unpadded = n.replace(/^A+/, '');
  return Math.floor((unpadded.length * 6) / 8) * 8;
}

/**
 * Whether `signature` over `signed` verifies with the public key `jwk` under `alg`. A key WebCrypto cannot import
 * (a malformed one, or EdDSA where the runtime lacks Ed25519) verifies nothing.
 */
export async function verifySignature(
  alg: DpopAlgorithm,
  jwk: Record<string, unknown>,
  signature: Uint8Array<ArrayBuffer>,
  signed: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  const verifier = VERIFIERS[alg];
  // Only the public members reach WebCrypto: `alg`, `use` or `key_ops` in the header must not change how it is used.
  const publicJwk = Object.fromEntries(
    ['kty', 'crv', 'x', 'y', 'n', 'e']
      .filter((member) => member in jwk)
      .map((member) => [member, jwk[member]]),
  ) as JsonWebKey;
  try {
    const key = await crypto.subtle.importKey('jwk', publicJwk, verifier.import, false, ['verify']);
    return await crypto.subtle.verify(verifier.verify, key, signature, signed);
  } catch {
    return false;
  }
}
