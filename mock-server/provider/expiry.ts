/** When the in-memory provider forgets what has expired. */

/**
 * How long an expired authorization code or refresh token is still kept, in seconds, so that presenting it answers
 * FastMCP's `… has expired` rather than `… does not exist`; after that it is forgotten.
 */
export const EXPIRED_RETENTION_SECONDS = 24 * 3600;

/**
 * True when something that expires at `expiresAt` (seconds since the epoch; `undefined`: never) has been expired for
 * longer than `retention` seconds at `now`. With a retention of 0 it is the routes' own test, `expiresAt < now`.
 */
export function expiredFor(expiresAt: number | undefined, now: number, retention: number): boolean {
  return expiresAt !== undefined && expiresAt + retention < now;
}
