/** Small WebCrypto-based helpers that work in browsers, service workers and Node alike. */

/** `bytes` random bytes as base64url (no padding). */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** `bytes` random bytes as lower-case hex (Python's `secrets.token_hex`). */
export function randomHex(bytes = 32): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** RFC 7636 S256: `base64url(sha256(ascii(verifier)))`. */
export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Compares UTF-8 bytes in time independent of where they differ (only the length leaks, as `hmac.compare_digest`). */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let i = 0; i < left.length; i += 1) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}

/**
 * Python's lenient `base64.b64decode(s)` followed by a strict UTF-8 decode: characters outside the alphabet are
 * skipped, missing padding is an error. Returns `undefined` where Python would raise.
 */
export function decodeBase64Utf8(value: string): string | undefined {
  const cleaned = value.replace(/[^A-Za-z0-9+/=]/g, '');
  const data = cleaned.replace(/=.*$/s, '');
  const padding = cleaned.length - data.length;
  const remainder = data.length % 4;
  if (remainder === 1) return undefined;
  if (remainder !== 0 && padding < 4 - remainder) return undefined;
  try {
    const binary = atob(data + '='.repeat((4 - remainder) % 4));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
