/**
 * Authorization-server conformance: starts our mock server with a pre-registered client, runs the suite's
 * `authorization` command (scenarios authorization-server-metadata-endpoint and authorization-code-grant) on the
 * Node 24 binary, completes the authorization step headlessly, and fails on any FAILURE, SKIPPED check, scenario
 * without checks, warning not tolerated, or non-zero exit of the suite that no failing check explains.
 *
 *   tsx test/conformance/run-authorization-server.ts [--variant confidential|public]… [--spec fastmcp|latest]…
 *     [--server-command "<cmd>"] [--timeout 120000] [--verbose]
 *
 * Variants: `confidential` registers a `client_secret_post` client and gives the suite its secret; `public`
 * registers a `none` client (PKCE only). Both run by default, each against a fresh server.
 *
 * Specs: `fastmcp` runs the mock as FastMCP (the suite warns that CIMD is not advertised: that one warning is
 * tolerated, any other fails); `latest` adds `--spec latest` and then every check must be SUCCESS. Both run by
 * default. In `latest` mode the confidential variant also gets `--no-advertise-none`: the suite sends no secret at
 * all whenever the server lists `none` (its `selectTokenAuthMethod`), so a confidential client cannot be tested
 * otherwise.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { DEFAULT_SERVER_COMMAND, startAuthorizationServer } from './authorization-server-process.js';
import type { PreRegisteredClient, RunningAuthorizationServer } from './authorization-server-process.js';
import { makeOutputDir, readResultDir, removeOutputDir, startSuite } from './conformance-cli.js';
import {
  callbackOrigin,
  completeAuthorization,
  INITIAL_PROMPT_STATE,
  readPromptLine,
} from './headless-authorization.js';
import type { PromptState } from './headless-authorization.js';
import { isEntryPoint, runAsProgram } from './main.js';
import type { PartOutcome } from './main.js';
import { oneLine, scenarioLine, stripAnsi, totalsLines } from './reporting.js';
import {
  addCounts,
  collapseChecks,
  countChecks,
  isProblem,
  runnerFailure,
  unexercisedFailures,
} from './results.js';
import type { CheckCounts, ConformanceCheck, ScenarioResult } from './results.js';
import { AUTHORIZATION_SERVER_SCENARIOS } from './scenarios.js';
import { ensureToolchain } from './toolchain.js';
import type { Toolchain } from './toolchain.js';

export type ClientVariant = 'confidential' | 'public';
export type SpecMode = 'fastmcp' | 'latest';

export interface AuthorizationServerRunOptions {
  readonly variants: readonly ClientVariant[];
  readonly specs: readonly SpecMode[];
  readonly serverCommand: readonly string[];
  readonly timeoutMs: number;
  readonly verbose: boolean;
}

export function parseAuthorizationServerArgs(argv: readonly string[]): AuthorizationServerRunOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      variant: { type: 'string', multiple: true, default: [] },
      spec: { type: 'string', multiple: true, default: [] },
      'server-command': { type: 'string' },
      timeout: { type: 'string', default: '120000' },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const variants = values.variant.length === 0 ? ['confidential', 'public'] : values.variant;
  for (const variant of variants) {
    if (variant !== 'confidential' && variant !== 'public') {
      throw new Error(`--variant must be confidential or public, not ${variant}`);
    }
  }
  const specs = values.spec.length === 0 ? ['fastmcp', 'latest'] : values.spec;
  for (const spec of specs) {
    if (spec !== 'fastmcp' && spec !== 'latest')
      throw new Error(`--spec must be fastmcp or latest, not ${spec}`);
  }
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 5_000) throw new Error('--timeout is in ms, ≥ 5000');
  const serverCommand = values['server-command']?.trim().split(/\s+/) ?? DEFAULT_SERVER_COMMAND;
  return {
    variants: variants as ClientVariant[],
    specs: specs as SpecMode[],
    serverCommand,
    timeoutMs,
    verbose: values.verbose,
  };
}

/** A port that was free a moment ago (the suite's callback server must listen on a port we register up front). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('could not read the probe port'));
      });
    });
  });
}

export function preRegisteredClient(variant: ClientVariant, callbackPort: number): PreRegisteredClient {
  const base = {
    client_id: `conformance-${variant}-${randomBytes(6).toString('hex')}`,
    client_name: `MCP conformance suite (${variant} client)`,
    redirect_uris: [`${callbackOrigin(callbackPort)}/callback`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  return variant === 'confidential'
    ? {
        ...base,
        client_secret: randomBytes(32).toString('hex'),
        token_endpoint_auth_method: 'client_secret_post',
      }
    : { ...base, token_endpoint_auth_method: 'none' };
}

/** How the suite process ended, as far as the verdict is concerned. */
export interface SuiteExit {
  readonly code: number | null;
  readonly timedOut: boolean;
}

/**
 * The verdict per scenario: a missing checks.json, a scenario without checks or with a SKIPPED check (the grant
 * was not exercised) is a failure here, a headless-driver problem is reported against authorization-code-grant, and
 * so is a non-zero exit of the suite that no failing check explains (it exits 1 only on a FAILURE).
 */
export function authorizationServerChecks(
  found: ReadonlyMap<string, readonly ConformanceCheck[]>,
  driverError: string | undefined,
  exit: SuiteExit,
): Map<string, ConformanceCheck[]> {
  const byScenario = new Map<string, ConformanceCheck[]>();
  for (const scenario of AUTHORIZATION_SERVER_SCENARIOS) {
    const checks = [...(found.get(scenario) ?? [])];
    const driverStoppedIt = scenario === 'authorization-code-grant' && driverError !== undefined;
    if (!found.has(scenario) && !driverStoppedIt) {
      const why = exit.timedOut
        ? 'the suite was stopped at the time limit'
        : 'the suite wrote no checks.json for it';
      checks.push(runnerFailure('no-results', 'The suite reported this scenario', why));
    }
    if (driverError !== undefined && scenario === 'authorization-code-grant') {
      checks.push(
        runnerFailure('headless-authorization', 'The harness completed the authorization step', driverError),
      );
    }
    if (found.has(scenario)) checks.push(...unexercisedFailures(found.get(scenario) ?? []));
    byScenario.set(scenario, checks);
  }
  const explained = [...byScenario.values()].some((checks) =>
    checks.some((check) => check.status === 'FAILURE'),
  );
  if (exit.code !== 0 && !explained) {
    const last = AUTHORIZATION_SERVER_SCENARIOS[AUTHORIZATION_SERVER_SCENARIOS.length - 1] ?? '';
    const why = exit.timedOut ? ', stopped at the time limit' : '';
    byScenario
      .get(last)
      ?.push(
        runnerFailure(
          'suite-exit',
          'The conformance suite exited with code 0',
          `exit code ${String(exit.code)}${why} without a failing check (see its output)`,
        ),
      );
  }
  return byScenario;
}

/**
 * Warnings FastMCP mode accepts, as `scenario` and check id: the mock mirrors FastMCP, which does not advertise
 * `client_id_metadata_document_supported`. Any other warning fails, as in `latest` mode.
 */
export const FASTMCP_TOLERATED_WARNINGS: readonly { readonly scenario: string; readonly check: string }[] = [
  { scenario: 'authorization-server-metadata-endpoint', check: 'authorization-server-metadata-cimd' },
];

export function isToleratedWarning(spec: SpecMode, scenario: string, check: ConformanceCheck): boolean {
  return (
    spec === 'fastmcp' &&
    check.status === 'WARNING' &&
    FASTMCP_TOLERATED_WARNINGS.some((known) => known.scenario === scenario && known.check === check.id)
  );
}

/** True when `check` fails the run in this spec mode: any FAILURE, any WARNING not tolerated. */
export function failsAuthorizationServerRun(
  spec: SpecMode,
  scenario: string,
  check: ConformanceCheck,
): boolean {
  return isProblem(check) && !isToleratedWarning(spec, scenario, check);
}

interface VariantResult {
  readonly variant: ClientVariant;
  readonly results: readonly ScenarioResult[];
  readonly log: string;
}

/** Extra arguments for the server in a spec mode (see the module comment for `--no-advertise-none`). */
export function specServerArgs(spec: SpecMode, variant: ClientVariant): string[] {
  if (spec === 'fastmcp') return [];
  return variant === 'confidential' ? ['--spec', 'latest', '--no-advertise-none'] : ['--spec', 'latest'];
}

async function runVariant(
  toolchain: Toolchain,
  variant: ClientVariant,
  spec: SpecMode,
  options: AuthorizationServerRunOptions,
): Promise<VariantResult> {
  const started = Date.now();
  const port = await freeLoopbackPort();
  const client = preRegisteredClient(variant, port);
  const outputDir = await makeOutputDir(`authorization-server-${variant}`);
  let server: RunningAuthorizationServer | undefined;
  try {
    server = await startAuthorizationServer(client, [
      ...options.serverCommand,
      ...specServerArgs(spec, variant),
    ]);
    // prettier-ignore
    const args = [
      'authorization', '--url', server.issuer, '--client-id', client.client_id, '--port', String(port),
      '-o', outputDir,
      ...(client.client_secret === undefined ? [] : ['--client-secret', client.client_secret]),
    ];
    let prompt: PromptState = INITIAL_PROMPT_STATE;
    let driving: Promise<string | undefined> | undefined;
    const suite = startSuite(toolchain, args, {
      timeoutMs: options.timeoutMs,
      onLine: (stream, line) => {
        if (stream !== 'stdout' || driving) return;
        prompt = readPromptLine(prompt, line, callbackOrigin(port));
        const url = prompt.authorizationUrl;
        if (url === undefined || !prompt.callbackReady) return;
        driving = completeAuthorization(url, port).then(
          () => undefined,
          (error: unknown) => {
            // The suite would wait five minutes for a callback that will not come.
            // (Output lines arrive asynchronously, after `suite` is assigned.)
            void suite.stop();
            return error instanceof Error ? error.message : String(error);
          },
        );
      },
    });
    const exit = await suite.exited;
    const driverError = await driving;
    const checks = authorizationServerChecks(
      await readResultDir(outputDir, 'authorization-server'),
      driverError,
      exit,
    );
    const durationMs = Date.now() - started;
    const results = [...checks].map(([scenario, scenarioChecks]) => ({
      scenario,
      checks: scenarioChecks,
      durationMs,
    }));
    return {
      variant,
      results,
      log: stripAnsi(`${suite.output('stdout')}${suite.output('stderr')}\n${server.output()}`),
    };
  } finally {
    await server?.stop();
    await removeOutputDir(outputDir);
  }
}

/** The authorization-server part of the harness. */
export async function runAuthorizationServerConformance(
  options: AuthorizationServerRunOptions,
): Promise<PartOutcome> {
  const toolchain = await ensureToolchain();
  console.log(
    `conformance authorization-server: ${AUTHORIZATION_SERVER_SCENARIOS.join(', ')}; ` +
      `variants: ${options.variants.join(', ')}; specs: ${options.specs.join(', ')}; ` +
      `server: ${options.serverCommand.join(' ')}`,
  );
  let counts: CheckCounts = { passed: 0, failed: 0, warnings: 0 };
  const failures: string[] = [];
  const warnings: string[] = [];
  // One variant at a time: each one's suite holds a callback port and drives its own server.
  for (const spec of options.specs) {
    for (const variant of options.variants) {
      const label = `${variant} client, spec ${spec}`;
      const { results, log } = await runVariant(toolchain, variant, spec, options);
      for (const result of results) {
        const fails = (check: ConformanceCheck): boolean =>
          failsAuthorizationServerRun(spec, result.scenario, check);
        console.log(scenarioLine({ ...result, scenario: `${result.scenario} [${label}]` }, '', fails));
        counts = addCounts(counts, countChecks(result.checks));
        for (const check of collapseChecks(result.checks).filter(isProblem)) {
          const line = `  - ${result.scenario}:${check.id} ${check.status} [${label}]: ${oneLine(check.errorMessage ?? check.description)}`;
          (fails(check) ? failures : warnings).push(line);
        }
      }
      const failed = results.some((result) =>
        result.checks.some((check) => failsAuthorizationServerRun(spec, result.scenario, check)),
      );
      if (options.verbose || failed) console.log(`--- suite output [${label}] ---\n${log}\n--- end ---`);
    }
  }
  if (failures.length > 0) console.log(`\nFailures (${failures.length}):\n${failures.join('\n')}`);
  if (warnings.length > 0)
    console.log(`\nKnown warnings (${warnings.length}, tolerated in FastMCP mode):\n${warnings.join('\n')}`);
  const ok = failures.length === 0;
  console.log(`\n${totalsLines(counts).join('\n')}`);
  console.log(`conformance authorization-server: ${ok ? 'OK' : 'FAILED'}`);
  return { counts, unscored: { passed: 0, failed: 0, warnings: 0 }, ok };
}

if (isEntryPoint(import.meta.url)) {
  runAsProgram(
    async () =>
      (await runAuthorizationServerConformance(parseAuthorizationServerArgs(process.argv.slice(2)))).ok,
  );
}
