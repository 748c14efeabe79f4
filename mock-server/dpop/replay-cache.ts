/**
 * The `jti` values of accepted DPoP proofs (RFC 9449 §11.1), per target URI, for as long as a proof with that `iat`
 * could still be accepted. Bounded: what a proof can no longer be replayed within is forgotten first, and beyond
 * `maxEntries` the oldest goes (then a proof that old could be replayed once: the price of a fixed memory bound).
 */
import { AgeOrderedMap } from '../provider/age-ordered-map.js';

/** Proofs remembered per mock unless told otherwise. */
export const DEFAULT_REPLAY_MEMORY = 10_000;

export class ProofReplayCache {
  /** `htu \0 jti` → until when (seconds since the epoch) a replay could still be accepted, oldest first. */
  readonly #seen = new AgeOrderedMap<string, number>();
  readonly #maxEntries: number;

  constructor(maxEntries = DEFAULT_REPLAY_MEMORY) {
    this.#maxEntries = maxEntries;
  }

  /**
   * Records the proof `jti` for `target` at `now` and returns true, or returns false when it was recorded before and
   * could still be accepted. `acceptableFor` is the longest a proof stays acceptable after `now` (the `iat` window
   * on both sides): every entry is kept that long, so entries expire in the order they were added.
   */
  spend(target: string, jti: string, now: number, acceptableFor: number): boolean {
    this.#seen.deleteOldestWhile((until) => until <= now);
    const key = `${target}\u0000${jti}`;
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, now + acceptableFor);
    this.#seen.deleteOldestBeyond(this.#maxEntries);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  clear(): void {
    this.#seen.clear();
  }
}
