/**
 * The conformance harness's entry point (`npm test` runs it without arguments: both parts).
 *
 *   tsx test/conformance/run.ts                          both parts, authorization server first
 *   tsx test/conformance/run.ts authorization-server …   see run-authorization-server.ts for its options
 *   tsx test/conformance/run.ts client …                 see run-client.ts for its options
 */
import { isEntryPoint, runAsProgram } from './main.js';
import type { PartOutcome } from './main.js';
import { summaryLines } from './reporting.js';
import {
  parseAuthorizationServerArgs,
  runAuthorizationServerConformance,
} from './run-authorization-server.js';
import { parseClientArgs, runClientConformance } from './run-client.js';

const PARTS = {
  'authorization-server': (argv: readonly string[]) =>
    runAuthorizationServerConformance(parseAuthorizationServerArgs(argv)),
  client: (argv: readonly string[]) => runClientConformance(parseClientArgs(argv)),
} as const;

type PartName = keyof typeof PARTS;

function isPartName(name: string | undefined): name is PartName {
  return name !== undefined && Object.hasOwn(PARTS, name);
}

const FAILED_TO_RUN: PartOutcome = {
  counts: { passed: 0, failed: 0, warnings: 0 },
  unscored: { passed: 0, failed: 0, warnings: 0 },
  ok: false,
};

/** Runs one part; an error (toolchain, missing program, bad options) fails that part but not the others. */
async function runPart(name: PartName, argv: readonly string[]): Promise<PartOutcome> {
  try {
    return await PARTS[name](argv);
  } catch (error) {
    console.error(
      `conformance ${name}: ERROR ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    return FAILED_TO_RUN;
  }
}

export async function runConformance(argv: readonly string[]): Promise<boolean> {
  const [first, ...rest] = argv;
  if (isPartName(first)) return (await runPart(first, rest)).ok;
  if (first !== undefined) {
    throw new Error(`usage: run.ts [authorization-server|client] [options…]; unknown subcommand ${first}`);
  }

  const started = Date.now();
  const outcomes: [PartName, PartOutcome][] = [];
  for (const name of Object.keys(PARTS) as PartName[]) {
    console.log(`\n== conformance ${name}`);
    outcomes.push([name, await runPart(name, [])]);
  }
  console.log(`\n${summaryLines(outcomes, Date.now() - started).join('\n')}`);
  return outcomes.every(([, outcome]) => outcome.ok);
}

if (isEntryPoint(import.meta.url)) {
  runAsProgram(() => runConformance(process.argv.slice(2)));
}
