/**
 * Text the harness prints. Pure functions returning lines, so the format is testable and the runners stay thin.
 */
import { formatEntry } from './expected-failures.js';
import type { ExpectedFailure, Finding, Verdict } from './expected-failures.js';
import { addCounts, collapseChecks, countChecks, isProblem } from './results.js';
import type { CheckCounts, ConformanceCheck, ScenarioResult } from './results.js';
import type { PartOutcome } from './main.js';

const MESSAGE_LIMIT = 300;

/** One line, bounded: suite messages can carry whole response bodies. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_LIMIT ? `${flat.slice(0, MESSAGE_LIMIT - 1)}…` : flat;
}

// The suite colours its check listings whatever NO_COLOR says.
const ANSI_SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The suite's output without colour codes, for logs. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_SGR, '');
}

/**
 * The plain totals line other tools read: `conformance: N passed, N failed`, exactly that start (CI parses it), with
 * warnings, when there are any, on a line of their own. Problems in scenarios that are not scored are appended to
 * that headline (`… (not scored: N failed, N warnings)`): they do not fail the run, but nobody reading only the
 * headline may miss them.
 */
export function totalsLines(counts: CheckCounts, label = 'conformance', unscored?: CheckCounts): string[] {
  const notScored =
    unscored !== undefined && unscored.failed + unscored.warnings > 0
      ? ` (not scored: ${unscored.failed} failed, ${unscored.warnings} warnings)`
      : '';
  const lines = [`${label}: ${counts.passed} passed, ${counts.failed} failed${notScored}`];
  if (counts.warnings > 0) lines.push(`${label} warnings: ${counts.warnings}`);
  return lines;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * `✓ scenario: 9 passed, 0 failed (2.1s)`; the mark reflects the scenario's checks before any baseline: it is ✗
 * when a check `fails` (by default any FAILURE or WARNING).
 */
export function scenarioLine(
  result: ScenarioResult,
  note = '',
  fails: (check: ConformanceCheck) => boolean = isProblem,
): string {
  const counts = countChecks(result.checks);
  const ok = !collapseChecks(result.checks).some(fails);
  const warnings = counts.warnings > 0 ? `, ${counts.warnings} warnings` : '';
  const suffix = note === '' ? '' : ` ${note}`;
  return `${ok ? '✓' : '✗'} ${result.scenario}: ${counts.passed} passed, ${counts.failed} failed${warnings} (${seconds(result.durationMs)})${suffix}`;
}

function findingLine(finding: Finding): string {
  const message = finding.check.errorMessage ?? finding.check.description;
  return `  - ${finding.scenario}:${finding.check.id} ${finding.check.status}: ${oneLine(message)}`;
}

function entryLine(entry: ExpectedFailure): string {
  return `  - ${formatEntry(entry)} (${oneLine(entry.reason)})`;
}

/** The verdict, most important first; empty sections are left out. */
export function verdictLines(verdict: Verdict, expectedFailuresFile: string): string[] {
  const lines: string[] = [];
  if (verdict.unexpected.length > 0) {
    lines.push(
      `Unexpected failures and warnings (${verdict.unexpected.length}):`,
      ...verdict.unexpected.map(findingLine),
    );
  }
  if (verdict.stale.length > 0) {
    lines.push(
      `Stale expected failures (${verdict.stale.length}): they pass now or are not scored; remove them from ${expectedFailuresFile}:`,
      ...verdict.stale.map(entryLine),
    );
  }
  if (verdict.unknown.length > 0) {
    lines.push(
      `Expected failures naming scenarios the suite does not have (${verdict.unknown.length}), in ${expectedFailuresFile}:`,
      ...verdict.unknown.map(entryLine),
    );
  }
  if (verdict.expected.length > 0) {
    lines.push(`Expected failures (${verdict.expected.length}, listed in ${expectedFailuresFile}):`);
    lines.push(
      ...verdict.expected.map((finding) => `${findingLine(finding)} [${oneLine(finding.reason ?? '')}]`),
    );
  }
  if (verdict.informational.length > 0) {
    lines.push(
      `Not scored, for information (${verdict.informational.length}):`,
      ...verdict.informational.map(findingLine),
    );
  }
  return lines;
}

const NO_COUNTS: CheckCounts = { passed: 0, failed: 0, warnings: 0 };

/**
 * The end of a combined run: each part's verdict and totals, then the overall totals and verdict. Problems in
 * scenarios that are not scored stay visible in the headlines (see `totalsLines`).
 */
export function summaryLines(
  outcomes: readonly (readonly [string, PartOutcome])[],
  durationMs: number,
): string[] {
  const lines: string[] = [];
  for (const [name, outcome] of outcomes) {
    lines.push(
      `${name}: ${outcome.ok ? 'OK' : 'FAILED'}`,
      ...totalsLines(outcome.counts, name, outcome.unscored),
    );
  }
  const total = outcomes.reduce((sum, [, outcome]) => addCounts(sum, outcome.counts), NO_COUNTS);
  const unscored = outcomes.reduce((sum, [, outcome]) => addCounts(sum, outcome.unscored), NO_COUNTS);
  lines.push(...totalsLines(total, 'conformance', unscored));
  const failed = outcomes.filter(([, outcome]) => !outcome.ok).map(([name]) => name);
  lines.push(
    failed.length === 0
      ? `conformance: OK (${seconds(durationMs)})`
      : `conformance: FAILED: ${failed.join(', ')} (${seconds(durationMs)})`,
  );
  return lines;
}
