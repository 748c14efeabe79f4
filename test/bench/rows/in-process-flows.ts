/**
 * Row 6: whole flows per second through the mock's fetch handler, ten at a time: authorize, token, MCP initialize,
 * `tools/call`, session close. The SDK's router is an Express app, which needs a socket: it has no in-process figure
 * (row 5 compares both over loopback HTTP).
 */
import { createMockAuthServer } from '../../../mock-server/index.js';
import { loadSettings, openMcpSession } from '../subjects/mock-workloads.js';
import { summarize, type Summary } from '../support/stats.js';
import { toolsCallBody } from '../support/workload.js';

const ORIGIN = 'http://127.0.0.1:8000';
const AT_ONCE = 10;

export interface WholeFlows {
  readonly flowsPerSecond: Summary;
  /** Requests one flow makes. */
  readonly requestsPerFlow: number;
}

async function flowsFor(seconds: number): Promise<{ flows: number; perSecond: number; requests: number }> {
  const mock = createMockAuthServer({ issuerUrl: ORIGIN, ...loadSettings() });
  let requests = 0;
  const send = (request: Request): Promise<Response> => {
    requests++;
    return mock.fetch(request);
  };
  const flow = async (): Promise<void> => {
    const headers = await openMcpSession(send, ORIGIN);
    const call = await send(
      new Request(`${ORIGIN}/mcp`, { method: 'POST', headers, body: toolsCallBody(1) }),
    );
    const text = await call.text();
    if (call.status !== 200 || !text.includes('bench')) throw new Error(`tools/call failed (${call.status})`);
    const closed = await send(new Request(`${ORIGIN}/mcp`, { method: 'DELETE', headers }));
    await closed.arrayBuffer();
  };
  let flows = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  while (performance.now() < end) {
    await Promise.all(Array.from({ length: AT_ONCE }, flow));
    flows += AT_ONCE;
  }
  return { flows, perSecond: (flows * 1000) / (performance.now() - started), requests };
}

export async function measureInProcessFlows(options: {
  seconds: number;
  rounds: number;
}): Promise<WholeFlows> {
  await flowsFor(Math.min(1, options.seconds));
  const rounds: number[] = [];
  let requestsPerFlow = 0;
  for (let round = 0; round < options.rounds; round++) {
    const result = await flowsFor(options.seconds);
    rounds.push(result.perSecond);
    requestsPerFlow = result.requests / result.flows;
  }
  return { flowsPerSecond: summarize(rounds), requestsPerFlow };
}
