/**
 * Rows 1–4: what each client costs the server, and whether calls survive an expired token. Each client talks to its
 * own in-process mock (identical settings) through a fetch that counts requests, token requests and answers.
 */
import { createMockAuthServer, type MockAuthServer } from '../../../mock-server/index.js';
import { CLIENT_NAMES, newClientState, type ClientName } from '../subjects/clients.js';
import { loadSettings } from '../subjects/mock-workloads.js';
import { summarize, type Summary } from '../support/stats.js';

const ORIGIN = 'http://127.0.0.1:8000';
const MCP_URL = `${ORIGIN}/mcp`;

export interface FlowFigures {
  readonly client: ClientName;
  /** Requests the server saw (median over rounds; they do not vary for a correct client). */
  readonly requests: number;
  readonly tokenRequests: number;
  readonly failedCalls: number;
  /** Milliseconds for the whole step. */
  readonly ms: Summary;
  /** Why the client could not do the step at all, if it could not. */
  readonly error?: string;
}

export interface FlowRow {
  readonly flow: 'cold connect' | 'warm connect' | 'expiry during use' | '100 calls, expired token';
  readonly clients: readonly FlowFigures[];
}

interface Counter {
  requests: number;
  tokenRequests: number;
}

function countingFetch(mock: MockAuthServer, counter: Counter): typeof globalThis.fetch {
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    counter.requests++;
    if (new URL(request.url).pathname === '/token') counter.tokenRequests++;
    return mock.fetch(request);
  };
}

function freshMock(): MockAuthServer {
  return createMockAuthServer({ issuerUrl: ORIGIN, ...loadSettings() });
}

interface Measured {
  readonly counter: Counter;
  readonly failedCalls: number;
  readonly ms: number;
}

/** One round of `flow` for a client: setup is not timed or counted, the step is. */
async function runFlow(flow: FlowRow['flow'], name: ClientName, concurrency: number): Promise<Measured> {
  const mock = freshMock();
  const state = newClientState(name);
  const setupCounter: Counter = { requests: 0, tokenRequests: 0 };
  const counter: Counter = { requests: 0, tokenRequests: 0 };
  const counted = countingFetch(mock, counter);
  if (flow === 'cold connect') {
    const started = performance.now();
    const client = await state.connect(counted, MCP_URL);
    await client.listTools();
    const ms = performance.now() - started;
    await client.close();
    return { counter, failedCalls: 0, ms };
  }
  const first = await state.connect(countingFetch(mock, setupCounter), MCP_URL);
  await first.listTools();
  if (flow === 'warm connect') {
    await first.close();
    const started = performance.now();
    const client = await state.connect(counted, MCP_URL);
    await client.listTools();
    const ms = performance.now() - started;
    await client.close();
    return { counter, failedCalls: 0, ms };
  }
  await first.close();
  const client = await state.connect(counted, MCP_URL);
  await client.listTools();
  counter.requests = 0;
  counter.tokenRequests = 0;
  mock.control.expireAllTokens('access');
  const calls = flow === 'expiry during use' ? 1 : concurrency;
  const started = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: calls }, (_unused, index) => client.callEcho(`${index}`)),
  );
  const ms = performance.now() - started;
  await client.close().catch(() => undefined);
  return { counter, failedCalls: results.filter((result) => result.status === 'rejected').length, ms };
}

export interface FlowOptions {
  readonly rounds: number;
  readonly concurrency: number;
}

export async function measureClientFlows(options: FlowOptions): Promise<FlowRow[]> {
  const flows: Array<FlowRow['flow']> = [
    'cold connect',
    'warm connect',
    'expiry during use',
    '100 calls, expired token',
  ];
  const rows: FlowRow[] = [];
  for (const flow of flows) {
    const clients: FlowFigures[] = [];
    for (const name of CLIENT_NAMES) {
      try {
        await runFlow(flow, name, options.concurrency); // warm-up
        const rounds: Measured[] = [];
        for (let round = 0; round < options.rounds; round++)
          rounds.push(await runFlow(flow, name, options.concurrency));
        const last = rounds[rounds.length - 1] as Measured;
        clients.push({
          client: name,
          requests: last.counter.requests,
          tokenRequests: last.counter.tokenRequests,
          failedCalls: last.failedCalls,
          ms: summarize(rounds.map((round) => round.ms)),
        });
      } catch (error) {
        clients.push({
          client: name,
          requests: Number.NaN,
          tokenRequests: Number.NaN,
          failedCalls: Number.NaN,
          ms: summarize([Number.NaN]),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    rows.push({ flow, clients });
  }
  return rows;
}
