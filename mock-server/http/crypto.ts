/** Small WebCrypto-based helpers that work in browsers, service workers and Node alike. */
import { sha256 } from './sha256.js';

/**
 * Random bytes are drawn from the platform's CSPRNG in blocks and handed out once each: one `getRandomValues` call
 * per token cost more than encoding it, and a token request draws three.
 */
const RANDOM_BLOCK_BYTES = 4096;
let randomBlock = new Uint8Array(0);
let randomUsed = 0;

function randomBytes(count: number): Uint8Array {
  if (count > RANDOM_BLOCK_BYTES) return crypto.getRandomValues(new Uint8Array(count));
  if (randomUsed + count > randomBlock.length) {
    randomBlock = crypto.getRandomValues(new Uint8Array(RANDOM_BLOCK_BYTES));
    randomUsed = 0;
  }
  const bytes = randomBlock.subarray(randomUsed, randomUsed + count);
  randomUsed += count;
  return bytes;
}

/** `bytes` random bytes as base64url (no padding). */
export function randomToken(bytes = 32): string {
  return base64url(randomBytes(bytes));
}

/** `bytes` random bytes as lower-case hex (Python's `secrets.token_hex`). */
export function randomHex(bytes = 32): string {
  let hex = '';
  for (const byte of randomBytes(bytes)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** RFC 4648 §5 without padding. */
export function base64url(bytes: Uint8Array): string {
  let text = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const triple =
      ((bytes[index] as number) << 16) | ((bytes[index + 1] as number) << 8) | (bytes[index + 2] as number);
    text +=
      BASE64URL_ALPHABET.charAt(triple >>> 18) +
      BASE64URL_ALPHABET.charAt((triple >>> 12) & 63) +
      BASE64URL_ALPHABET.charAt((triple >>> 6) & 63) +
      BASE64URL_ALPHABET.charAt(triple & 63);
  }
  const rest = bytes.length - index;
  if (rest > 0) {
    const triple = ((bytes[index] as number) << 16) | (rest === 2 ? (bytes[index + 1] as number) << 8 : 0);
    text += BASE64URL_ALPHABET.charAt(triple >>> 18) + BASE64URL_ALPHABET.charAt((triple >>> 12) & 63);
    if (rest === 2) text += BASE64URL_ALPHABET.charAt((triple >>> 6) & 63);
  }
  return text;
}

/** RFC 7636 S256: `base64url(sha256(ascii(verifier)))`. Synchronous inside (see sha256.ts); async for callers. */
export async function s256(verifier: string): Promise<string> {
  return base64url(sha256(new TextEncoder().encode(verifier)));
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
