/** The two hashes DPoP binds with: the key's RFC 7638 thumbprint (`cnf.jkt`) and the access token's hash (`ath`). */
import { base64url } from '../http/crypto.js';
import { sha256 } from '../http/sha256.js';

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const REQUIRED_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The base64url SHA-256 JWK thumbprint of a public key (RFC 7638 §3), or `undefined` for a key type it does not
 * define or a key missing a required member.
 */
export function jwkThumbprint(jwk: Record<string, unknown>): string | undefined {
  const members = REQUIRED_MEMBERS[String(jwk['kty'])];
  if (members === undefined || members.some((member) => typeof jwk[member] !== 'string')) return undefined;
  // JSON.stringify of an object built in this order writes exactly RFC 7638's form: no white space, sorted members.
  const canonical = JSON.stringify(Object.fromEntries(members.map((member) => [member, jwk[member]])));
  return base64url(sha256(new TextEncoder().encode(canonical)));
}

/** RFC 9449 §4.2 `ath`: base64url SHA-256 of the ASCII access token. */
export function accessTokenHash(accessToken: string): string {
  return base64url(sha256(new TextEncoder().encode(accessToken)));
}
