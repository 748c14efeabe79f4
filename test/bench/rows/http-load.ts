/**
 * Row 5: each route over loopback HTTP, the mock's Node server against the SDK's `mcpAuthRouter` (demo provider,
 * Express) — and oauth2-mock-server for the refresh grant the demo provider lacks. Each server runs in its own
 * process; autocannon drives it from this one. Rounds alternate between the two so both see the same noise.
 */
import autocannon from 'autocannon';
import { serveSubject, type ServedSubject, type Subject } from '../support/child-protocol.js';
import { summarize, type Summary } from '../support/stats.js';
import { ROUTES, type RequestSpec, type RouteName } from '../support/workload.js';

export interface LoadOptions {
  /** Seconds per round (a pooled route may end sooner, when its pool is used up). */
  readonly seconds: number;
  readonly rounds: number;
  /** Single-use credentials per round, for the token routes. */
  readonly poolPerRound: number;
  readonly connections: number;
}

export interface LoadFigures {
  readonly subject: Subject;
  readonly requestsPerSecond: Summary;
  readonly p50Ms: Summary;
  readonly p99Ms: Summary;
  /** The server process's CPU time per answered request, in µs. */
  readonly cpuMicrosecondsPerRequest: Summary;
}

export interface LoadRow {
  readonly route: RouteName;
  readonly mock: LoadFigures;
  readonly peer: LoadFigures;
}

interface Round {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuPerRequest: number;
}

const POOLED: ReadonlySet<RouteName> = new Set(['token (code)', 'token (refresh)']);

/** One autocannon run over `requests[from, from + count)` (cycling when the route repeats). */
async function load(
  served: ServedSubject,
  route: RouteName,
  from: number,
  count: number | undefined,
  options: LoadOptions,
  seconds: number,
): Promise<Round> {
  let next = from;
  const requests = served.requestsFor(route);
  const take = (): RequestSpec => {
    const request = requests[next++ % requests.length];
    if (request === undefined) throw new Error('empty request list');
    return request;
  };
  // autocannon notices that `amount` is reached only at its next one-second tick: the rate is taken from the last
  // answer's arrival instead of from its end time.
  let lastAnswer = 0;
  const cpuBefore = await served.cpuMicroseconds();
  const started = performance.now();
  const result = await autocannon({
    url: served.url,
    connections: options.connections,
    duration: seconds,
    ...(count === undefined ? {} : { amount: count }),
    requests: [
      {
        setupRequest: (request) => {
          const spec = take();
          return {
            ...request,
            method: spec.method,
            path: spec.path,
            headers: { ...spec.headers },
            ...(spec.body === undefined ? {} : { body: spec.body }),
          };
        },
        onResponse: () => {
          lastAnswer = performance.now();
        },
      },
    ],
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(
      `${served.url}: ${result.errors} connection errors, ${result.non2xx} non-2xx answers (${JSON.stringify(result.statusCodeStats)})`,
    );
  }
  const answered = result['2xx'];
  if (answered === 0) throw new Error(`${served.url}: no request answered`);
  const cpuAfter = await served.cpuMicroseconds();
  return {
    requestsPerSecond: (answered * 1000) / (lastAnswer - started),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequest: (cpuAfter - cpuBefore) / answered,
  };
}

function figures(subject: Subject, rounds: readonly Round[]): LoadFigures {
  return {
    subject,
    requestsPerSecond: summarize(rounds.map((round) => round.requestsPerSecond)),
    p50Ms: summarize(rounds.map((round) => round.p50)),
    p99Ms: summarize(rounds.map((round) => round.p99)),
    cpuMicrosecondsPerRequest: summarize(rounds.map((round) => round.cpuPerRequest)),
  };
}

function peerOf(route: RouteName): Subject {
  return route === 'token (refresh)' ? 'oauth2-mock-server' : 'sdk';
}

export async function measureHttpLoad(options: LoadOptions): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  const warmUpSeconds = Math.max(0.3, options.seconds / 3);
  const poolSize = options.poolPerRound * (options.rounds + 1);
  const servers = await Promise.all(
    (['mock', 'sdk', 'oauth2-mock-server'] as const).map((subject) => serveSubject(subject, poolSize)),
  );
  const [mock, sdk, oauth2Mock] = servers as [ServedSubject, ServedSubject, ServedSubject];
  try {
    for (const route of ROUTES) {
      const pooled = POOLED.has(route);
      const sides = { mock, peer: peerOf(route) === 'sdk' ? sdk : oauth2Mock };
      const amount = pooled ? options.poolPerRound : undefined;
      const rounds: { mock: Round[]; peer: Round[] } = { mock: [], peer: [] };
      for (const side of ['mock', 'peer'] as const)
        await load(sides[side], route, 0, amount, options, warmUpSeconds);
      for (let round = 0; round < options.rounds; round++) {
        // Alternating the order too, so neither side always runs right after the other's load.
        const order = round % 2 === 0 ? (['mock', 'peer'] as const) : (['peer', 'mock'] as const);
        for (const side of order) {
          const from = options.poolPerRound * (round + 1);
          rounds[side].push(await load(sides[side], route, from, amount, options, options.seconds));
        }
      }
      rows.push({ route, mock: figures('mock', rounds.mock), peer: figures(peerOf(route), rounds.peer) });
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  return rows;
}
