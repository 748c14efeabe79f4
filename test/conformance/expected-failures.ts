/**
 * Known failures of scenarios the SDK's own conformance client inherits (never auth scenarios: those are this
 * project's job), and the verdict of a run against them. Pure functions only.
 *
 * File shape (`test/conformance/expected-failures.json`):
 * `{ "entries": [ { "scenario": "sse-retry", "check": "client-sse-retry-timing", "reason": "…" } ] }`
 * Without `check` the whole scenario may fail; with it only that check id may.
 */
import { collapseChecks, isProblem } from './results.js';
import type { ConformanceCheck, ScenarioResult } from './results.js';

export interface ExpectedFailure {
  readonly scenario: string;
  /** A single check id; absent means the whole scenario. */
  readonly check?: string;
  readonly reason: string;
}

export class ExpectedFailuresError extends Error {
  override readonly name = 'ExpectedFailuresError';
}

/** Scenarios no entry may excuse. */
export function isAuthScenario(scenario: string): boolean {
  return scenario.startsWith('auth/');
}

export function formatEntry(entry: Pick<ExpectedFailure, 'scenario' | 'check'>): string {
  return entry.check === undefined ? entry.scenario : `${entry.scenario}:${entry.check}`;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Validates the parsed JSON of the expected-failures file. */
export function parseExpectedFailures(json: unknown): ExpectedFailure[] {
  const entries =
    typeof json === 'object' && json !== null ? (json as Record<string, unknown>).entries : undefined;
  if (!Array.isArray(entries)) {
    throw new ExpectedFailuresError('expected-failures: the file must be an object with an "entries" array');
  }
  const parsed = entries.map((raw: unknown, index): ExpectedFailure => {
    const entry = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const where = `expected-failures: entry ${index}`;
    if (!nonEmptyString(entry.scenario)) throw new ExpectedFailuresError(`${where} needs a "scenario"`);
    if (!nonEmptyString(entry.reason))
      throw new ExpectedFailuresError(`${where} (${entry.scenario}) needs a "reason"`);
    if (entry.check !== undefined && !nonEmptyString(entry.check)) {
      throw new ExpectedFailuresError(`${where} (${entry.scenario}): "check" must be a non-empty check id`);
    }
    const unknownKeys = Object.keys(entry).filter((key) => !['scenario', 'check', 'reason'].includes(key));
    if (unknownKeys.length > 0) {
      throw new ExpectedFailuresError(
        `${where} (${entry.scenario}) has unknown keys: ${unknownKeys.join(', ')}`,
      );
    }
    if (isAuthScenario(entry.scenario)) {
      throw new ExpectedFailuresError(
        `${where}: ${entry.scenario} is an auth scenario; auth scenarios must pass and cannot be listed`,
      );
    }
    return entry.check === undefined
      ? { scenario: entry.scenario, reason: entry.reason }
      : { scenario: entry.scenario, check: entry.check, reason: entry.reason };
  });

  const seen = new Set<string>();
  const wholeScenarios = new Set(parsed.filter((e) => e.check === undefined).map((e) => e.scenario));
  for (const entry of parsed) {
    const key = formatEntry(entry);
    if (seen.has(key)) throw new ExpectedFailuresError(`expected-failures: ${key} is listed twice`);
    seen.add(key);
    if (entry.check !== undefined && wholeScenarios.has(entry.scenario)) {
      throw new ExpectedFailuresError(
        `expected-failures: ${key} is redundant because the whole ${entry.scenario} scenario is listed`,
      );
    }
  }
  return parsed;
}

/** A failing or warning check, named `scenario:check`. */
export interface Finding {
  readonly scenario: string;
  readonly check: ConformanceCheck;
  /** For expected failures: the entry's reason. */
  readonly reason?: string;
}

export interface Verdict {
  /** Failures and warnings no entry covers: the run fails. */
  readonly unexpected: readonly Finding[];
  /** Failures covered by an entry. */
  readonly expected: readonly Finding[];
  /** Problems in scenarios that are run for information only (not scored); they never fail the run. */
  readonly informational: readonly Finding[];
  /** Entries whose scenario or check now passes: the run fails until they are removed. */
  readonly stale: readonly ExpectedFailure[];
  /** Entries naming a scenario the suite does not have: the run fails (typo or renamed scenario). */
  readonly unknown: readonly ExpectedFailure[];
}

export interface JudgeOptions {
  /** Every client scenario the suite knows; entries outside it are `unknown`. */
  readonly knownScenarios: ReadonlySet<string>;
  /** Scenarios whose problems are reported but do not fail the run. */
  readonly informational?: ReadonlySet<string>;
}

/**
 * Judges results against the entries. Per check id the most severe occurrence counts. A per-check entry whose
 * check is absent or skipped is left alone (the scenario may have stopped at an earlier, reported failure); an
 * entry for a scenario that was not run in this invocation is not judged.
 */
export function judge(
  results: readonly ScenarioResult[],
  entries: readonly ExpectedFailure[],
  options: JudgeOptions,
): Verdict {
  const unexpected: Finding[] = [];
  const expected: Finding[] = [];
  const informational: Finding[] = [];
  const stale: ExpectedFailure[] = [];
  const unknown = entries.filter((entry) => !options.knownScenarios.has(entry.scenario));

  for (const result of results) {
    const verdicts = collapseChecks(result.checks);
    const problems = verdicts.filter(isProblem);
    const mine = entries.filter((entry) => entry.scenario === result.scenario);
    const whole = mine.find((entry) => entry.check === undefined);

    if (options.informational?.has(result.scenario)) {
      informational.push(...problems.map((check) => ({ scenario: result.scenario, check })));
      stale.push(...mine);
      continue;
    }
    if (whole) {
      if (problems.length === 0) stale.push(whole);
      expected.push(...problems.map((check) => ({ scenario: result.scenario, check, reason: whole.reason })));
      continue;
    }
    for (const check of problems) {
      const entry = mine.find((candidate) => candidate.check === check.id);
      if (entry) expected.push({ scenario: result.scenario, check, reason: entry.reason });
      else unexpected.push({ scenario: result.scenario, check });
    }
    for (const entry of mine) {
      const verdict = verdicts.find((check) => check.id === entry.check);
      if (verdict?.status === 'SUCCESS') stale.push(entry);
    }
  }
  return { unexpected, expected, informational, stale, unknown };
}

/** True when the verdict fails the run. */
export function verdictFails(verdict: Verdict): boolean {
  return verdict.unexpected.length > 0 || verdict.stale.length > 0 || verdict.unknown.length > 0;
}
