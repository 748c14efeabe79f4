/** Source of the current time. Every expiry in the mock reads it, so tests can move time without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Current time in (fractional) seconds since the epoch, the unit FastMCP stores expiries in. */
export function nowSeconds(clock: Clock): number {
  return clock.now() / 1000;
}
