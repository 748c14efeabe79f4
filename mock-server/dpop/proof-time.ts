/**
 * The time a DPoP proof's `iat` is judged against (RFC 9449 §4.3, §11.1): the client's time, which is the mock's base
 * clock. `mock.control.clock.advance()` simulates time passing for the server's expiries (codes, tokens, nonces); a
 * client's proofs keep being made on its own clock, so the skipped time must not make every proof stale.
 */
import type { Clock } from '../provider/clock.js';

/** The clock's time without the offset tests skipped forward, in seconds since the epoch. */
export function proofTimeSeconds(clock: Clock): number {
  const skipped = (clock as { offset?: () => number }).offset?.() ?? 0;
  return (clock.now() - skipped) / 1000;
}
