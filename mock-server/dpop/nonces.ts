/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9): one current nonce, replaced after its lifetime; the one before it
 * is still accepted, so a client that fetched a nonce just before the switch is not refused twice.
 */
import { randomToken } from '../http/crypto.js';

export class NonceSource {
  #current: string | undefined;
  #previous: string | undefined;
  /** When the current nonce was made (seconds since the epoch). */
  #since = 0;

  /** The nonce to hand out at `now`, made anew once `lifetime` seconds have passed. */
  current(now: number, lifetime: number): string {
    if (this.#current === undefined || now - this.#since >= lifetime || now < this.#since) {
      // Two lifetimes or more since the last one: no one can still hold a nonce worth keeping.
      this.#previous =
        this.#current !== undefined && now - this.#since < 2 * lifetime ? this.#current : undefined;
      this.#current = randomToken(24);
      this.#since = now;
    }
    return this.#current;
  }

  /** Whether `nonce` is the current or the previous nonce at `now`. */
  accepts(nonce: unknown, now: number, lifetime: number): boolean {
    const current = this.current(now, lifetime);
    return typeof nonce === 'string' && (nonce === current || nonce === this.#previous);
  }
}

/**
 * Why a proof's `nonce` is refused (`use_dpop_nonce`) by `server`, with the nonce to hand out instead; undefined when it
 * carries the current or the previous nonce.
 */
export function nonceRefusal(
  nonces: NonceSource,
  nonce: unknown,
  now: number,
  lifetime: number,
  server: 'Authorization server' | 'Resource server',
): { description: string; current: string } | undefined {
  if (nonces.accepts(nonce, now, lifetime)) return undefined;
  return {
    description:
      nonce === undefined
        ? `${server} requires nonce in DPoP proof`
        : 'DPoP proof nonce is not the current one',
    current: nonces.current(now, lifetime),
  };
}
