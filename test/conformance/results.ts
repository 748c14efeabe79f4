/**
 * The suite's results, read from the `checks.json` files it writes with `-o <dir>` and from the few stable lines
 * it prints about the client process. Pure functions only.
 */

export type CheckStatus = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';

/** One check as the suite reports it (only the fields the harness uses). */
export interface ConformanceCheck {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly status: CheckStatus;
  readonly errorMessage?: string;
}

/** All checks of one scenario run, including the harness's own synthetic `runner:*` checks. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly checks: readonly ConformanceCheck[];
  readonly durationMs: number;
}

export interface CheckCounts {
  readonly passed: number;
  readonly failed: number;
  readonly warnings: number;
}

export class ResultFormatError extends Error {
  override readonly name = 'ResultFormatError';
}

const STATUSES: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'WARNING', 'SKIPPED', 'INFO']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStatus(value: unknown): value is CheckStatus {
  return typeof value === 'string' && STATUSES.has(value);
}

/** Parses the text of a `checks.json` file; anything that is not an array of checks is a `ResultFormatError`. */
export function parseChecksJson(text: string): ConformanceCheck[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ResultFormatError(
      `checks.json is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!Array.isArray(parsed)) throw new ResultFormatError('checks.json must hold an array of checks');
  return parsed.map((item: unknown, index) => {
    if (!isRecord(item) || typeof item.id !== 'string' || item.id === '' || !isStatus(item.status)) {
      throw new ResultFormatError(`checks.json entry ${index} lacks a string "id" and a known "status"`);
    }
    const check: ConformanceCheck = {
      id: item.id,
      name: typeof item.name === 'string' ? item.name : item.id,
      description: typeof item.description === 'string' ? item.description : '',
      status: item.status,
      ...(typeof item.errorMessage === 'string' ? { errorMessage: item.errorMessage } : {}),
    };
    return check;
  });
}

/** Counts checks the way the suite's own summary does: every occurrence, INFO and SKIPPED not counted. */
export function countChecks(checks: readonly ConformanceCheck[]): CheckCounts {
  let passed = 0;
  let failed = 0;
  let warnings = 0;
  for (const check of checks) {
    if (check.status === 'SUCCESS') passed += 1;
    else if (check.status === 'FAILURE') failed += 1;
    else if (check.status === 'WARNING') warnings += 1;
  }
  return { passed, failed, warnings };
}

export function addCounts(a: CheckCounts, b: CheckCounts): CheckCounts {
  return { passed: a.passed + b.passed, failed: a.failed + b.failed, warnings: a.warnings + b.warnings };
}

const SEVERITY: Record<CheckStatus, number> = { FAILURE: 3, WARNING: 2, SUCCESS: 1, SKIPPED: 0, INFO: 0 };

/**
 * One verdict per check id: ids repeat when a flow repeats (a retried token request), and the most severe
 * occurrence wins so that a failure is never hidden by a later success. INFO entries are log lines, not verdicts,
 * and are dropped.
 */
export function collapseChecks(checks: readonly ConformanceCheck[]): ConformanceCheck[] {
  const byId = new Map<string, ConformanceCheck>();
  for (const check of checks) {
    if (check.status === 'INFO') continue;
    const current = byId.get(check.id);
    if (current === undefined || SEVERITY[check.status] >= SEVERITY[current.status])
      byId.set(check.id, check);
  }
  return [...byId.values()];
}

/** FAILURE and WARNING both fail a run (as in the suite's own exit code for client runs). */
export function isProblem(check: ConformanceCheck): boolean {
  return check.status === 'FAILURE' || check.status === 'WARNING';
}

/** Id prefix of checks the harness adds itself (timeouts, crashed client, missing results). */
export const RUNNER_CHECK_PREFIX = 'runner:';

export function runnerFailure(id: string, description: string, errorMessage: string): ConformanceCheck {
  return { id: `${RUNNER_CHECK_PREFIX}${id}`, name: id, description, status: 'FAILURE', errorMessage };
}

/**
 * Failures for a scenario that did not exercise what it reports on: SKIPPED checks (the suite skips what it could
 * not run and still exits 0), one failure naming them all, or no verdict at all (nothing, or only INFO log lines):
 * a pass nobody earned. `inapplicable` names skipped checks the wire revision makes impossible to exercise.
 */
export function unexercisedFailures(
  checks: readonly ConformanceCheck[],
  inapplicable: (check: ConformanceCheck) => boolean = () => false,
): ConformanceCheck[] {
  const skipped = checks.filter((check) => check.status === 'SKIPPED' && !inapplicable(check));
  if (skipped.length > 0) {
    const list = skipped
      .map((check) => (check.errorMessage === undefined ? check.id : `${check.id} (${check.errorMessage})`))
      .join('; ');
    return [runnerFailure('skipped', 'The scenario ran every check', `skipped: ${list}`)];
  }
  const { passed, failed, warnings } = countChecks(checks);
  return passed + failed + warnings === 0
    ? [runnerFailure('no-checks', 'The scenario reported checks', 'the suite reported no check for it')]
    : [];
}

/** What a finished `conformance client --scenario …` process told about itself beyond checks.json. */
export interface ClientRunOutcome {
  readonly exitCode: number | null;
  /** The harness killed the suite process (its own hard limit). */
  readonly harnessTimedOut: boolean;
  readonly stderr: string;
}

// These two lines are printed by the suite's client runner to stderr; they are the only record of a client that
// timed out or exited non-zero (checks.json does not hold them).
const CLIENT_TIMED_OUT = /CLIENT TIMED OUT/;
const CLIENT_EXIT_ERROR = /CLIENT EXITED WITH ERROR \(code (-?\d+)\)/;

/**
 * Synthetic failures for what the suite reports outside checks.json: a client that timed out or exited with an
 * error (in scenarios that do not allow it), a suite killed by the harness, or a non-zero exit left unexplained.
 */
export function clientRunFailures(
  outcome: ClientRunOutcome,
  checks: readonly ConformanceCheck[],
): ConformanceCheck[] {
  const failures: ConformanceCheck[] = [];
  if (outcome.harnessTimedOut) {
    failures.push(
      runnerFailure(
        'suite-timeout',
        'The conformance suite finished in time',
        'killed by the harness time limit',
      ),
    );
    return failures;
  }
  if (CLIENT_TIMED_OUT.test(outcome.stderr)) {
    failures.push(
      runnerFailure('client-timeout', 'The client finished in time', 'the suite reported a client timeout'),
    );
  }
  const exitMatch = CLIENT_EXIT_ERROR.exec(outcome.stderr);
  if (exitMatch) {
    failures.push(
      runnerFailure(
        'client-exit',
        'The client exited with code 0',
        `the client exited with code ${exitMatch[1] ?? '?'}`,
      ),
    );
  }
  const explained = failures.length > 0 || checks.some(isProblem);
  if (outcome.exitCode !== 0 && !explained) {
    failures.push(
      runnerFailure(
        'suite-exit',
        'The conformance suite exited with code 0',
        `exit code ${String(outcome.exitCode)} without a failing check (see its output)`,
      ),
    );
  }
  return failures;
}

/**
 * Every check of one client scenario: the suite's own (or `no-results` without a checks.json), then the harness's
 * verdicts on what the suite left unsaid (skipped or missing checks, the client's and the suite's exit).
 */
export function clientScenarioChecks(
  found: readonly ConformanceCheck[] | undefined,
  outcome: ClientRunOutcome,
  inapplicable?: (check: ConformanceCheck) => boolean,
): ConformanceCheck[] {
  const checks = found ?? [
    runnerFailure('no-results', 'The suite wrote checks.json', 'no checks.json for this scenario'),
  ];
  return [...checks, ...unexercisedFailures(checks, inapplicable), ...clientRunFailures(outcome, checks)];
}

const RESULT_DIR_TIMESTAMP = /-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/**
 * The scenario a result directory belongs to: the suite names them `<prefix>-<scenario>-<ISO time with : and .
 * replaced by ->` (prefix `authorization-server` for that command, none for client runs).
 */
export function scenarioOfResultDir(dirName: string, prefix = ''): string | undefined {
  const match = RESULT_DIR_TIMESTAMP.exec(dirName);
  if (!match) return undefined;
  const withoutTime = dirName.slice(0, match.index);
  if (prefix === '') return withoutTime || undefined;
  const head = `${prefix}-`;
  return withoutTime.startsWith(head) && withoutTime.length > head.length
    ? withoutTime.slice(head.length)
    : undefined;
}
