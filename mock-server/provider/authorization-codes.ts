/**
 * Authorization codes waiting to be redeemed, oldest first. Expired codes are kept for a while so that redeeming one
 * answers FastMCP's "has expired" (the token route checks the expiry), then swept; beyond the cap the oldest go.
 */
import { AgeOrderedMap } from './age-ordered-map.js';
import { EXPIRED_RETENTION_SECONDS, expiredFor } from './expiry.js';
import type { AuthorizationCode } from './types.js';

export class AuthorizationCodes {
  readonly #codes = new AgeOrderedMap<string, AuthorizationCode>();

  /** Keeps `code`, then forgets the oldest codes beyond `max`. */
  add(code: AuthorizationCode, max: number): void {
    this.#codes.set(code.code, code);
    this.#codes.deleteOldestBeyond(max);
  }

  /** A copy of the code, expired or not. */
  get(code: string): AuthorizationCode | undefined {
    const stored = this.#codes.get(code);
    return stored === undefined ? undefined : structuredClone(stored);
  }

  /** Forgets the code; false when it was not there (already redeemed, swept or never issued). */
  delete(code: string): boolean {
    return this.#codes.delete(code);
  }

  /**
   * Forgets, from the oldest end, the codes that have been expired for longer than the retention as of `now`
   * (seconds). Codes are issued with the lifetime in force, so they expire in about the order they were issued; one
   * issued under a longer lifetime holds the newer ones behind it until it goes too (the cap bounds that).
   */
  sweep(now: number): void {
    this.#codes.deleteOldestWhile((code) => expiredFor(code.expiresAt, now, EXPIRED_RETENTION_SECONDS));
  }

  get size(): number {
    return this.#codes.size;
  }

  clear(): void {
    this.#codes.clear();
  }
}
