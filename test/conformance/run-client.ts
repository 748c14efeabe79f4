/**
 * Client conformance: runs the suite's client auth scenarios and the client scenarios of the 2025-11-25 requirement
 * set at the 2025-11-25 wire, then the client scenarios of the 2026-07-28 set at its own (stateless) wire, against
 * our conformance client (`test/conformance/client.ts`), one `--scenario` per suite process, with bounded
 * parallelism, and judges each wire's results against `expected-failures.json`.
 *
 *   tsx test/conformance/run-client.ts [--client-command "<cmd>"] [--scenario <name>]… [--group auth|requirements]
 *     [--wire 2025-11-25|2026-07-28]… [--concurrency 2] [--client-timeout 30000] [--expected-failures <file>]
 *     [--verbose]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeOutputDir, readResultDir, REPO_ROOT, removeOutputDir, startSuite } from './conformance-cli.js';
import { ExpectedFailuresError, judge, parseExpectedFailures, verdictFails } from './expected-failures.js';
import type { ExpectedFailure } from './expected-failures.js';
import { isEntryPoint, runAsProgram } from './main.js';
import type { PartOutcome } from './main.js';
import { mapWithConcurrency } from './pool.js';
import { scenarioLine, stripAnsi, totalsLines, verdictLines } from './reporting.js';
import { addCounts, clientScenarioChecks, countChecks } from './results.js';
import type { CheckCounts, ScenarioResult } from './results.js';
import {
  CLIENT_AUTH_SCENARIOS,
  CLIENT_WIRES,
  isInapplicable,
  parseRequirementSet,
  parseScenarioListing,
  planClientScenarios,
} from './scenarios.js';
import type { ClientWire, PlannedScenario, RequirementSet, ScenarioGroup } from './scenarios.js';
import { ensureToolchain } from './toolchain.js';
import type { Toolchain } from './toolchain.js';

export const DEFAULT_CLIENT_COMMAND = 'npx tsx test/conformance/client.ts';
export const EXPECTED_FAILURES_FILE = fileURLToPath(new URL('./expected-failures.json', import.meta.url));
/**
 * Added to the client's time limit for the suite process as a whole. The suite's own client timeout only
 * signals the shell it started, and it then waits for the client's output pipes to close, so a client that
 * ignores SIGTERM keeps the suite alive until the harness kills the whole process group.
 */
const SUITE_OVERHEAD_MS = 15_000;
const LIST_TIMEOUT_MS = 60_000;

export interface ClientRunOptions {
  readonly clientCommand: string;
  readonly scenarios: readonly string[];
  readonly groups: readonly ScenarioGroup[];
  readonly wires: readonly ClientWire[];
  readonly concurrency: number;
  readonly clientTimeoutMs: number;
  readonly expectedFailuresFile: string;
  readonly verbose: boolean;
}

export function parseClientArgs(argv: readonly string[]): ClientRunOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'client-command': { type: 'string', default: DEFAULT_CLIENT_COMMAND },
      scenario: { type: 'string', multiple: true, default: [] },
      group: { type: 'string', multiple: true, default: [] },
      wire: { type: 'string', multiple: true, default: [] },
      concurrency: { type: 'string', default: '2' },
      'client-timeout': { type: 'string', default: '30000' },
      'expected-failures': { type: 'string', default: EXPECTED_FAILURES_FILE },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const groups = values.group.length === 0 ? ['auth', 'requirements'] : values.group;
  for (const group of groups) {
    if (group !== 'auth' && group !== 'requirements')
      throw new Error(`--group must be auth or requirements, not ${group}`);
  }
  const wires =
    values.wire.length === 0 ? CLIENT_WIRES : CLIENT_WIRES.filter((w) => values.wire.includes(w.revision));
  const unknownWires = values.wire.filter((revision) => !CLIENT_WIRES.some((w) => w.revision === revision));
  if (unknownWires.length > 0) {
    throw new Error(
      `--wire must be one of ${CLIENT_WIRES.map((w) => w.revision).join(', ')}, not ${unknownWires.join(', ')}`,
    );
  }
  const concurrency = Number(values.concurrency);
  const clientTimeoutMs = Number(values['client-timeout']);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('--concurrency must be a positive integer');
  if (!Number.isInteger(clientTimeoutMs) || clientTimeoutMs < 1_000)
    throw new Error('--client-timeout is in ms, ≥ 1000');
  return {
    clientCommand: values['client-command'],
    scenarios: values.scenario,
    groups: groups as ScenarioGroup[],
    wires,
    concurrency,
    clientTimeoutMs,
    expectedFailuresFile: values['expected-failures'],
    verbose: values.verbose,
  };
}

async function listOutput(toolchain: Toolchain, args: readonly string[]): Promise<string> {
  const run = startSuite(toolchain, ['list', ...args], { timeoutMs: LIST_TIMEOUT_MS });
  const exit = await run.exited;
  if (exit.code !== 0) {
    throw new Error(
      `conformance list ${args.join(' ')} failed (exit ${String(exit.code)}): ${run.output('stderr')}`,
    );
  }
  return run.output('stdout');
}

function loadExpectedFailures(file: string): ExpectedFailure[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ExpectedFailuresError(
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseExpectedFailures(json);
}

/** Runs one client scenario at `wire`'s revision in its own suite process and output directory. */
export async function runClientScenario(
  toolchain: Toolchain,
  scenario: string,
  options: Pick<ClientRunOptions, 'clientCommand' | 'clientTimeoutMs'>,
  wire: ClientWire,
): Promise<ScenarioResult & { readonly log: string }> {
  const started = Date.now();
  const outputDir = await makeOutputDir(scenario);
  try {
    // prettier-ignore
    const args = [
      'client', '--command', options.clientCommand, '--scenario', scenario,
      '--spec-version', wire.revision, '--force',
      '--timeout', String(options.clientTimeoutMs), '-o', outputDir,
    ];
    const run = startSuite(toolchain, args, { timeoutMs: options.clientTimeoutMs + SUITE_OVERHEAD_MS });
    const exit = await run.exited;
    const stderr = run.output('stderr');
    const checks = clientScenarioChecks(
      (await readResultDir(outputDir)).get(scenario),
      { exitCode: exit.code, harnessTimedOut: exit.timedOut, stderr },
      (check) => isInapplicable(wire, scenario, check),
    );
    return {
      scenario,
      checks,
      durationMs: Date.now() - started,
      log: stripAnsi(`${run.output('stdout')}${stderr}`),
    };
  } finally {
    await removeOutputDir(outputDir);
  }
}

function describePlan(
  plan: readonly PlannedScenario[],
  requirements: RequirementSet | undefined,
  wire: string,
): string {
  const auth = plan.filter((p) => p.groups.includes('auth')).length;
  const required = plan.filter((p) => p.groups.includes('requirements')).length;
  const informational = plan.filter((p) => p.informational).length;
  const parts = auth > 0 ? [`${auth} auth`] : [];
  if (requirements)
    parts.push(`${required} from requirements ${requirements.revision} (${informational} not scored)`);
  return `${plan.length} client scenarios (${parts.join(', ')}), wire ${wire} with --force`;
}

/** The client part of the harness: every wire in turn; prints as it goes and returns the totals and verdict. */
export async function runClientConformance(options: ClientRunOptions): Promise<PartOutcome> {
  if (
    options.clientCommand === DEFAULT_CLIENT_COMMAND &&
    !existsSync(join(REPO_ROOT, 'test/conformance/client.ts'))
  ) {
    throw new Error('test/conformance/client.ts does not exist yet: the client conformance run needs it');
  }
  const entries = loadExpectedFailures(options.expectedFailuresFile);
  const toolchain = await ensureToolchain();
  const listing = parseScenarioListing(await listOutput(toolchain, ['--client']));
  const known = new Set(listing.client);
  const missing = CLIENT_AUTH_SCENARIOS.filter((scenario) => !known.has(scenario));
  if (missing.length > 0) {
    throw new Error(`conformance ${toolchain.conformanceVersion} lacks scenarios: ${missing.join(', ')}`);
  }
  const unknown = options.scenarios.filter((scenario) => !known.has(scenario));
  if (unknown.length > 0) throw new Error(`unknown client scenarios: ${unknown.join(', ')}`);

  const outcomes: PartOutcome[] = [];
  for (const wire of options.wires) {
    outcomes.push(await runWire(toolchain, wire, known, entries, options));
  }
  const sum = (pick: (outcome: PartOutcome) => CheckCounts): CheckCounts =>
    outcomes.reduce<CheckCounts>((total, outcome) => addCounts(total, pick(outcome)), NO_COUNTS);
  const total: PartOutcome = {
    counts: sum((outcome) => outcome.counts),
    unscored: sum((outcome) => outcome.unscored),
    ok: outcomes.every((outcome) => outcome.ok),
  };
  console.log(`\n${totalsLines(total.counts, 'conformance', total.unscored).join('\n')}`);
  console.log(`conformance client: ${total.ok ? 'OK' : 'FAILED'}`);
  return total;
}

const NO_COUNTS: CheckCounts = { passed: 0, failed: 0, warnings: 0 };

/** The scenarios of one wire revision: planned, run, judged, reported (`conformance <revision>: …` lines). */
async function runWire(
  toolchain: Toolchain,
  wire: ClientWire,
  known: ReadonlySet<string>,
  entries: readonly ExpectedFailure[],
  options: ClientRunOptions,
): Promise<PartOutcome> {
  const requirements = options.groups.includes('requirements')
    ? parseRequirementSet(await listOutput(toolchain, ['--requirements', wire.revision]))
    : undefined;
  let plan = planClientScenarios(
    options.groups.includes('auth') && wire.auth ? CLIENT_AUTH_SCENARIOS : [],
    requirements,
    { extensions: wire.extensions, required: wire.required },
  );
  if (requirements) {
    // A scenario required here that the set no longer lists would silently stop being run.
    const absent = wire.required.filter((scenario) => !plan.some((p) => p.scenario === scenario));
    if (absent.length > 0) {
      throw new Error(
        `requirements ${wire.revision} no longer list required scenarios: ${absent.join(', ')}`,
      );
    }
  }
  if (options.scenarios.length > 0) {
    plan = options.scenarios.map(
      (scenario) =>
        plan.find((p) => p.scenario === scenario) ?? { scenario, groups: [], informational: false },
    );
  }
  if (plan.length === 0) return { counts: NO_COUNTS, unscored: NO_COUNTS, ok: true };

  const label = `conformance ${wire.revision}`;
  console.log(
    `conformance client: ${describePlan(plan, requirements, wire.revision)}; ${options.concurrency} at a time; ` +
      `command: ${options.clientCommand}`,
  );
  const started = Date.now();
  const results = await mapWithConcurrency(plan, options.concurrency, async (planned) => {
    const result = await runClientScenario(toolchain, planned.scenario, options, wire);
    console.log(scenarioLine(result, planned.informational ? '[not scored]' : ''));
    return result;
  });

  const informational = new Set(plan.filter((p) => p.informational).map((p) => p.scenario));
  const verdict = judge(results, entries, { knownScenarios: known, informational });
  const failingScenarios = new Set(verdict.unexpected.map((finding) => finding.scenario));
  for (const result of results) {
    if (options.verbose && failingScenarios.has(result.scenario)) {
      console.log(
        `\n--- suite output for ${result.scenario} (${wire.revision}) ---\n${result.log}--- end of ${result.scenario} ---`,
      );
    }
  }
  const lines = verdictLines(verdict, options.expectedFailuresFile);
  if (lines.length > 0) console.log(`\n${lines.join('\n')}`);
  if (failingScenarios.size > 0 && !options.verbose) {
    console.log(
      `(rerun one scenario with --wire ${wire.revision} --scenario <name> --verbose to see the suite and client output)`,
    );
  }

  // Scenarios the requirement set does not score are reported apart, so the totals speak of what is judged.
  const sum = (scored: boolean): CheckCounts =>
    results
      .filter((r) => informational.has(r.scenario) !== scored)
      .reduce<CheckCounts>((total, r) => addCounts(total, countChecks(r.checks)), NO_COUNTS);
  const counts = sum(true);
  const unscored = sum(false);
  const ok = !verdictFails(verdict);
  console.log(`\n${totalsLines(counts, label, unscored).join('\n')}`);
  if (informational.size > 0) {
    console.log(
      `(not scored, ${informational.size} scenarios: ${unscored.passed} checks passed, ${unscored.failed} failed, ${unscored.warnings} warnings)`,
    );
  }
  console.log(
    `${label} client: ${ok ? 'OK' : 'FAILED'} (${results.length} scenarios in ${((Date.now() - started) / 1000).toFixed(1)}s)`,
  );
  return { counts, unscored, ok };
}

if (isEntryPoint(import.meta.url)) {
  runAsProgram(async () => (await runClientConformance(parseClientArgs(process.argv.slice(2)))).ok);
}
