/**
 * How every property-based suite runs: a fixed seed by default (so `npm test` checks the same inputs every time and a
 * failure can be replayed), bounded run counts, and two environment knobs for long local runs:
 *
 * - `FUZZ_RUNS=5000 npx vitest run test/fuzz` runs every property that many times instead of its default count;
 * - `FUZZ_SEED=1234 …` starts from another seed (fast-check prints the seed and path of any failure: pass that seed
 *   back, with the same `FUZZ_RUNS`, to replay it).
 */
import type { Parameters } from 'fast-check';

/** The seed `npm test` uses. Any fixed value works; this one only has to stay put. */
const DEFAULT_SEED = 0x5eed_10;

function integerFromEnv(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** The seed every property starts from. */
export const FUZZ_SEED = integerFromEnv('FUZZ_SEED', process.env['FUZZ_SEED']) ?? DEFAULT_SEED;

const RUNS_OVERRIDE = integerFromEnv('FUZZ_RUNS', process.env['FUZZ_RUNS']);

/** How many runs a property gets: `FUZZ_RUNS` when set, else its own default (kept small for `npm test`). */
export function fuzzRuns(defaultRuns: number): number {
  const runs = RUNS_OVERRIDE ?? defaultRuns;
  if (runs < 1) throw new Error(`FUZZ_RUNS must be at least 1, got ${runs}`);
  return runs;
}

/** fast-check parameters for `runs` runs from the suite's seed; the failure report names the seed to replay. */
export function fuzzParameters<T>(runs: number): Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: runs };
}

/** A test timeout that grows with the run count (`FUZZ_RUNS` may be large), never below vitest's default. */
export function fuzzTimeout(runs: number, msPerRun: number, baseMs = 10_000): number {
  return Math.max(20_000, baseMs + runs * msPerRun);
}
