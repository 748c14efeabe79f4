/**
 * `npm run bench`: every row of the benchmark side by side with its peers, printed as one table and written as JSON
 * to test/bench/results/ (not committed). `--quick` runs each row briefly (npm test runs it to keep the benchmarks
 * working: it checks that every row produced numbers, not how fast they are); `--soak` adds the five-minute memory
 * soak and the full 100,000-operation state row.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureBundles } from './rows/bundle.js';
import { measureClientFlows } from './rows/client-flows.js';
import { measureHttpLoad } from './rows/http-load.js';
import { measureInProcessFlows } from './rows/in-process-flows.js';
import { measureInProcessRoutes } from './rows/in-process-routes.js';
import { measureClientMemory } from './rows/client-memory.js';
import { measureSessionMemory, measureStateMemory, measureSustainedMemory } from './rows/memory.js';
import { renderReport, unmeasured, type BenchReport } from './support/report.js';

type Mode = 'quick' | 'full' | 'soak';

const PLANS = {
  quick: {
    inProcess: { perRound: 40, rounds: 3 },
    http: { seconds: 0.3, rounds: 1, poolPerRound: 100, connections: 10 },
    flows: { rounds: 1, concurrency: 100 },
    wholeFlows: { seconds: 0.5, rounds: 2 },
    stateOperations: 1000,
    sessions: 100,
    clientInstances: 20,
    sustained: { seconds: 2, samples: 2 },
  },
  full: {
    inProcess: { perRound: 300, rounds: 5 },
    http: { seconds: 2, rounds: 5, poolPerRound: 1500, connections: 10 },
    flows: { rounds: 3, concurrency: 100 },
    wholeFlows: { seconds: 2, rounds: 3 },
    stateOperations: 20_000,
    sessions: 1000,
    clientInstances: 100,
    sustained: { seconds: 30, samples: 6 },
  },
  soak: {
    inProcess: { perRound: 300, rounds: 5 },
    http: { seconds: 2, rounds: 5, poolPerRound: 1500, connections: 10 },
    flows: { rounds: 3, concurrency: 100 },
    wholeFlows: { seconds: 2, rounds: 3 },
    stateOperations: 100_000,
    sessions: 1000,
    clientInstances: 100,
    sustained: { seconds: 300, samples: 10 },
  },
} as const;

function modeOf(args: readonly string[]): Mode {
  const known = new Set(['--quick', '--soak']);
  const unknown = args.filter((arg) => !known.has(arg));
  if (unknown.length > 0)
    throw new Error(`unknown argument(s): ${unknown.join(' ')} (known: --quick, --soak)`);
  if (args.includes('--quick') && args.includes('--soak'))
    throw new Error('--quick and --soak exclude each other');
  return args.includes('--quick') ? 'quick' : args.includes('--soak') ? 'soak' : 'full';
}

async function main(): Promise<void> {
  const mode = modeOf(process.argv.slice(2));
  const plan = PLANS[mode];
  const started = performance.now();
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const at = performance.now();
    process.stderr.write(`bench: ${name}…`);
    const result = await run();
    process.stderr.write(` ${((performance.now() - at) / 1000).toFixed(1)} s\n`);
    return result;
  };
  // The SDK clients warn on stderr for every refresh they retry; the counts are in the table instead.
  const quiet = console.warn;
  const report: BenchReport = {
    mode,
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    inProcessRoutes: await step('in-process routes', () => measureInProcessRoutes(plan.inProcess)),
    wholeFlows: await step('whole flows in process', () => measureInProcessFlows(plan.wholeFlows)),
    clientFlows: await step('client flows', async () => {
      console.warn = () => undefined;
      try {
        return await measureClientFlows(plan.flows);
      } finally {
        console.warn = quiet;
      }
    }),
    http: await step('HTTP load', () => measureHttpLoad(plan.http)),
    bundles: await step('bundles', () => measureBundles()),
    stateMemory: await step('state memory', () => measureStateMemory(plan.stateOperations)),
    sessionMemory: await step('session memory', async () => ({
      sessions: plan.sessions,
      mockBytesPer1000: await measureSessionMemory('mock', plan.sessions),
      sdkBytesPer1000: await measureSessionMemory('sdk', plan.sessions),
    })),
    clientMemory: await step('client memory', async () => {
      console.warn = () => undefined;
      try {
        return await measureClientMemory(plan.clientInstances);
      } finally {
        console.warn = quiet;
      }
    }),
    sustained: await step('sustained load memory', () =>
      measureSustainedMemory(plan.sustained.seconds, plan.sustained.samples),
    ),
    seconds: 0,
  };
  report.seconds = (performance.now() - started) / 1000;
  console.log(renderReport(report));
  const directory = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(directory, { recursive: true });
  const file = `${directory}${mode}.json`;
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nJSON: ${file} (${report.seconds.toFixed(0)} s)`);
  const missing = unmeasured(report);
  if (missing.length > 0) {
    console.error(`\nbench: rows without numbers:\n  ${missing.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main()
  // Served subjects are stopped and mocks hold no timers, but a peer library may leave a handle open.
  .then(() => process.exit())
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
