/**
 * Clocks for tests: a manual clock that only moves when told to, and the adjustable clock every mock reads, so
 * `mock.control.clock.advance()` expires codes and tokens without waiting whatever clock the mock was given.
 */
import type { Clock } from '../provider/clock.js';

/** A clock that stands still until a test moves it. */
export interface ManualClock extends Clock {
  /** Moves time forward by `seconds` (fractions allowed). */
  advance(seconds: number): void;
  /** Jumps to an instant (milliseconds since the epoch, or a Date). */
  set(time: number | Date): void;
}

/**
 * A clock frozen at `start` (default: the real time when it is created).
 *
 * @example
 * const clock = createManualClock(Date.UTC(2030, 0, 1));
 * const mock = createMockAuthServer(settings, { clock });
 * clock.advance(301); // every authorization code issued before is now expired
 */
export function createManualClock(start: number | Date = Date.now()): ManualClock {
  let time = instant('start', start);
  return {
    now: () => time,
    advance(seconds) {
      time += millisecondsForward(seconds);
    },
    set(value) {
      time = instant('time', value);
    },
  };
}

/** The clock a mock runs on: its base clock plus the time tests have skipped forward. */
export interface AdjustableClock extends Clock {
  /** Moves the mock's time forward by `seconds`. */
  advance(seconds: number): void;
  /** Undoes every `advance` (the base clock is left alone). */
  resetOffset(): void;
  /** How far `advance` has moved this clock ahead of its base clock, in milliseconds. */
  offset(): number;
}

export function createAdjustableClock(base: Clock): AdjustableClock {
  let offset = 0;
  return {
    now: () => base.now() + offset,
    advance(seconds) {
      offset += millisecondsForward(seconds);
    },
    resetOffset() {
      offset = 0;
    },
    offset: () => offset,
  };
}

function millisecondsForward(seconds: number): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`clock.advance: seconds must be a finite number ≥ 0, got ${String(seconds)}`);
  }
  return seconds * 1000;
}

function instant(name: string, value: number | Date): number {
  const time = value instanceof Date ? value.getTime() : value;
  if (typeof time !== 'number' || !Number.isFinite(time)) {
    throw new RangeError(`createManualClock: ${name} must be a Date or milliseconds since the epoch`);
  }
  return time;
}
