/**
 * Authorization requests held for the consent page (`approval: 'consent'`) until they are decided or expire, oldest
 * first: expired ones are swept (the page answers the same for an expired and an unknown request), and beyond the
 * cap the oldest go.
 */
import { randomToken } from '../http/crypto.js';
import type { ClientInformation } from '../settings.js';
import { AgeOrderedMap } from './age-ordered-map.js';
import { expiredFor } from './expiry.js';
import type { AuthorizationParams, PendingConsent } from './types.js';

export class PendingConsents {
  readonly #pending = new AgeOrderedMap<string, PendingConsent>();

  /**
   * Holds a request until `expiresAt` (seconds since the epoch) and returns its id; then forgets the oldest requests
   * beyond `max`.
   */
  hold(client: ClientInformation, params: AuthorizationParams, expiresAt: number, max: number): string {
    const requestId = randomToken();
    this.#pending.set(requestId, {
      requestId,
      antiForgeryToken: randomToken(),
      client: structuredClone(client),
      params: structuredClone(params),
      expiresAt,
    });
    this.#pending.deleteOldestBeyond(max);
    return requestId;
  }

  /** A copy of the request while it is live at `now` (seconds since the epoch); an expired one is forgotten. */
  load(requestId: string, now: number): PendingConsent | undefined {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) return undefined;
    if (pending.expiresAt < now) {
      this.#pending.delete(requestId);
      return undefined;
    }
    return structuredClone(pending);
  }

  /** Takes the live request out, so it is decided once. */
  take(requestId: string, now: number): PendingConsent | undefined {
    const pending = this.load(requestId, now);
    if (pending !== undefined) this.#pending.delete(requestId);
    return pending;
  }

  /** Forgets the requests expired as of `now` (seconds since the epoch). */
  sweep(now: number): void {
    this.#pending.deleteOldestWhile((pending) => expiredFor(pending.expiresAt, now, 0));
  }

  get size(): number {
    return this.#pending.size;
  }

  clear(): void {
    this.#pending.clear();
  }
}
