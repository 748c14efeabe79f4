/** The bench's one table (Markdown, so the README can show it as printed) and the check that every row has numbers. */
import type { BundleFigures } from '../rows/bundle.js';
import type { FlowRow } from '../rows/client-flows.js';
import type { LoadRow } from '../rows/http-load.js';
import type { WholeFlows } from '../rows/in-process-flows.js';
import type { InProcessRouteResult } from '../rows/in-process-routes.js';
import type { ClientMemory } from '../rows/client-memory.js';
import type { StateMemory, SustainedMemory } from '../rows/memory.js';
import { spreadPercent, type Summary } from './stats.js';

export interface BenchReport {
  readonly mode: string;
  readonly date: string;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly node: string;
    readonly platform: string;
  };
  readonly inProcessRoutes: readonly InProcessRouteResult[];
  readonly wholeFlows: WholeFlows;
  readonly clientFlows: readonly FlowRow[];
  readonly http: readonly LoadRow[];
  readonly bundles: readonly BundleFigures[];
  readonly stateMemory: StateMemory;
  readonly sessionMemory: {
    readonly sessions: number;
    readonly mockBytesPer1000: number;
    readonly sdkBytesPer1000: number;
  };
  readonly clientMemory: ClientMemory;
  readonly sustained: SustainedMemory;
  seconds: number;
}

function fixed(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** `median ±spread%` of rounds. */
function withSpread(summary: Summary, digits = 0): string {
  return `${fixed(summary.median, digits)} ±${fixed(spreadPercent(summary))}%`;
}

function ratio(ours: number, theirs: number): string {
  return Number.isFinite(ours) && Number.isFinite(theirs) && theirs !== 0
    ? `×${(ours / theirs).toFixed(2)}`
    : 'n/a';
}

function kib(bytes: number): string {
  return `${fixed(bytes / 1024, 1)} KiB`;
}

function mib(bytes: number): string {
  return `${fixed(bytes / 2 ** 20, 1)} MiB`;
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function flowCell(figures: FlowRow['clients'][number]): string {
  if (figures.error !== undefined) return `fails: ${figures.error.slice(0, 60)}`;
  return `${figures.requests} req, ${figures.tokenRequests} token, ${figures.failedCalls} failed, ${withSpread(figures.ms, 1)} ms`;
}

export function renderReport(report: BenchReport): string {
  const { machine } = report;
  const lines: string[] = [
    `Benchmarks (${report.mode}, ${report.date.slice(0, 10)}): ${machine.cpu}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, Node ${machine.node.replace(/^v/, '')}, ${machine.platform}. ` +
      'Median of rounds after warm-up, ±half the min–max range.',
    '',
  ];
  const byName = (row: FlowRow, name: string) => row.clients.find((client) => client.client === name);
  lines.push(
    table(
      ['#', 'client flow (in-process mock)', 'this project', 'SDK v1', 'SDK v2'],
      report.clientFlows.map((row, index) => [
        String(index + 1),
        row.flow,
        ...['this project', 'SDK v1', 'SDK v2'].map((name) => {
          const figures = byName(row, name);
          return figures === undefined ? 'n/a' : flowCell(figures);
        }),
      ]),
    ),
    '',
  );
  lines.push(
    table(
      [
        '5',
        'loopback HTTP, route',
        'mock req/s',
        'peer req/s',
        'ratio',
        'mock p50 / p99 ms',
        'peer p50 / p99 ms',
        'server CPU µs/req, mock / peer',
        'peer',
      ],
      report.http.map((row) => [
        '',
        row.route,
        withSpread(row.mock.requestsPerSecond),
        withSpread(row.peer.requestsPerSecond),
        ratio(row.mock.requestsPerSecond.median, row.peer.requestsPerSecond.median),
        `${fixed(row.mock.p50Ms.median)} / ${fixed(row.mock.p99Ms.median)}`,
        `${fixed(row.peer.p50Ms.median)} / ${fixed(row.peer.p99Ms.median)}`,
        `${fixed(row.mock.cpuMicrosecondsPerRequest.median)} / ${fixed(row.peer.cpuMicrosecondsPerRequest.median)} (${ratio(row.peer.cpuMicrosecondsPerRequest.median, row.mock.cpuMicrosecondsPerRequest.median)})`,
        row.peer.subject === 'sdk' ? 'SDK mcpAuthRouter (Express)' : row.peer.subject,
      ]),
    ),
    '',
  );
  lines.push(
    table(
      ['6', 'in process (`mock.fetch`)', 'this project', 'SDK router'],
      [
        ...report.inProcessRoutes.map((row) => [
          '',
          `${row.route}, µs per request`,
          withSpread(row.microseconds),
          'n/a: Express needs a socket',
        ]),
        [
          '',
          `whole flows per second (${fixed(report.wholeFlows.requestsPerFlow, 1)} requests each, 10 at once)`,
          withSpread(report.wholeFlows.flowsPerSecond),
          'n/a: Express needs a socket',
        ],
      ],
    ),
    '',
  );
  const sdkV1 = report.bundles.find((bundle) => bundle.app === 'SDK v1');
  lines.push(
    table(
      [
        '7',
        'browser bundle (esbuild, minified)',
        'minified',
        'gzip',
        'gzip vs SDK v1',
        'largest parts (minified)',
      ],
      report.bundles.map((bundle) => [
        '',
        bundle.app,
        kib(bundle.minifiedBytes),
        kib(bundle.gzipBytes),
        sdkV1 === undefined
          ? 'n/a'
          : `${fixed(((bundle.gzipBytes - sdkV1.gzipBytes) / sdkV1.gzipBytes) * 100, 1)} %`,
        bundle.byOrigin
          .slice(0, 4)
          .map(([origin, bytes]) => `${origin} ${fixed(bytes / 1024, 0)}`)
          .join(', '),
      ]),
    ),
    '',
  );
  const { stateMemory, sessionMemory, clientMemory, sustained } = report;
  const perClient = clientMemory.bytesPerClient;
  lines.push(
    table(
      ['8', 'memory (heap after GC)', 'this project', 'SDK router / demo provider', 'ratio'],
      [
        [
          '',
          `${stateMemory.operations.toLocaleString('en')} registrations + token issuances, with expiry`,
          mib(stateMemory.mockBytes),
          mib(stateMemory.sdkBytes),
          ratio(stateMemory.mockBytes, stateMemory.sdkBytes),
        ],
        [
          '',
          `per 1,000 live MCP sessions (${sessionMemory.sessions} opened over HTTP)`,
          mib(sessionMemory.mockBytesPer1000),
          mib(sessionMemory.sdkBytesPer1000),
          ratio(sessionMemory.mockBytesPer1000, sessionMemory.sdkBytesPer1000),
        ],
        [
          '',
          `per connected client (${clientMemory.instances} warm instances; peer: SDK v1 client, SDK v2 ${fixed(perClient['SDK v2'] / 1024)} KiB)`,
          `${fixed(perClient['this project'] / 1024)} KiB`,
          `${fixed(perClient['SDK v1'] / 1024)} KiB`,
          ratio(perClient['this project'], perClient['SDK v1']),
        ],
        [
          '',
          `sustained load: ${sustained.flows.toLocaleString('en')} flows in ${fixed(sustained.seconds)} s, tokens expiring`,
          `${mib(sustained.samples[0] ?? Number.NaN)} → ${mib(sustained.samples.at(-1) ?? Number.NaN)} (${fixed(sustained.growthPercent, 1)} %)`,
          'n/a',
          '',
        ],
      ],
    ),
  );
  return lines.join('\n');
}

/** Rows that produced no number (a broken benchmark), by name; empty when every row ran. */
export function unmeasured(report: BenchReport): string[] {
  const missing: string[] = [];
  const check = (name: string, ...values: number[]): void => {
    if (values.some((value) => !Number.isFinite(value))) missing.push(name);
  };
  for (const row of report.clientFlows) {
    for (const client of row.clients) {
      // A peer client may legitimately fail a flow; this project's client must not.
      if (client.client === 'this project' || client.error === undefined) {
        check(`${row.flow} (${client.client})`, client.requests, client.ms.median);
      }
    }
  }
  for (const row of report.http) {
    check(
      `HTTP ${row.route}`,
      row.mock.requestsPerSecond.median,
      row.peer.requestsPerSecond.median,
      row.mock.cpuMicrosecondsPerRequest.median,
      row.peer.cpuMicrosecondsPerRequest.median,
    );
  }
  for (const row of report.inProcessRoutes) check(`in process ${row.route}`, row.microseconds.median);
  check('whole flows', report.wholeFlows.flowsPerSecond.median);
  for (const bundle of report.bundles) check(`bundle ${bundle.app}`, bundle.gzipBytes);
  check('state memory', report.stateMemory.mockBytes, report.stateMemory.sdkBytes);
  check('session memory', report.sessionMemory.mockBytesPer1000, report.sessionMemory.sdkBytesPer1000);
  check('sustained memory', report.sustained.growthPercent);
  check('client memory', ...Object.values(report.clientMemory.bytesPerClient));
  if (report.clientFlows.length !== 4) missing.push('client flows: not all four');
  if (report.http.length !== 5) missing.push('HTTP: not all five routes');
  if (report.bundles.length !== 3) missing.push('bundles: not all three');
  return missing;
}
