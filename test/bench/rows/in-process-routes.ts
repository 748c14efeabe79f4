/**
 * In-process cost per request of each route: the mock's fetch handler called directly (no socket), one request at a
 * time, the answer read to the end. Warm-up first, then rounds; the figure is microseconds per request.
 */
import { createMockAuthServer } from '../../../mock-server/index.js';
import { loadSettings, mockWorkload, toRequest } from '../subjects/mock-workloads.js';
import { summarize, type Summary } from '../support/stats.js';
import { ROUTES, type RouteName, type RouteWorkload } from '../support/workload.js';

const ORIGIN = 'http://127.0.0.1:8000';

export interface InProcessRouteResult {
  readonly route: RouteName;
  /** Microseconds per request, over the rounds. */
  readonly microseconds: Summary;
}

export interface InProcessOptions {
  readonly perRound: number;
  readonly rounds: number;
}

async function timeRequests(
  send: (request: Request) => Promise<Response>,
  workload: RouteWorkload,
  count: number,
): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const response = await send(toRequest(ORIGIN, workload.next()));
    await response.arrayBuffer();
    if (response.status !== workload.expectStatus) {
      throw new Error(`${workload.route}: expected ${workload.expectStatus}, got ${response.status}`);
    }
  }
  return ((performance.now() - started) * 1000) / count;
}

export async function measureInProcessRoutes(options: InProcessOptions): Promise<InProcessRouteResult[]> {
  const results: InProcessRouteResult[] = [];
  const warmUp = Math.max(20, Math.floor(options.perRound / 2));
  for (const route of ROUTES) {
    // A fresh mock per route, so the state one route leaves behind does not weigh on the next.
    const mock = createMockAuthServer({ issuerUrl: ORIGIN, ...loadSettings() });
    const send = (request: Request): Promise<Response> => mock.fetch(request);
    const workload = await mockWorkload(mock, ORIGIN, route, warmUp + options.perRound * options.rounds);
    await timeRequests(send, workload, warmUp);
    const rounds: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      rounds.push(await timeRequests(send, workload, options.perRound));
    }
    results.push({ route, microseconds: summarize(rounds) });
  }
  return results;
}
