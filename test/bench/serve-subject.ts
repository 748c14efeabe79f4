/**
 * Child process of the HTTP rows: serves one subject on 127.0.0.1, makes each route's pool of single-use requests
 * inside its own process, and sends the parent its URL and the requests by route (IPC). The load generator runs in the
 * parent, so the server under test has a core's worth of event loop to itself, as a real server would.
 *
 * Usage (by the bench only): node --import tsx --expose-gc serve-subject.ts <subject> <poolSize>
 */
import { startMockAuthServer } from '../../mock-server/runtimes/node-mock-server.js';
import { loadSettings, mockWorkload } from './subjects/mock-workloads.js';
import { oauth2MockRefreshWorkload, startOAuth2MockServer } from './subjects/oauth2-mock-server.js';
import { sdkWorkload, startSdkAuthServer } from './subjects/sdk-server.js';
import type { ChildMessage, ParentMessage, Subject } from './support/child-protocol.js';
import { ROUTES, type RequestSpec, type RouteName, type RouteWorkload } from './support/workload.js';

const [subjectArgument, poolArgument] = process.argv.slice(2);
const subject = subjectArgument as Subject;
const poolSize = Number(poolArgument);
if (!Number.isSafeInteger(poolSize) || poolSize < 1) {
  throw new Error(`usage: serve-subject <mock|sdk|oauth2-mock-server> <poolSize>`);
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

function materialize(workload: RouteWorkload): RequestSpec[] {
  const count = Number.isFinite(workload.capacity) ? workload.capacity : 1;
  // A repeating workload is one request; tools/call numbers its ids, so give it a few to cycle through.
  const length = workload.route === 'tools/call' ? 1000 : count;
  return Array.from({ length }, () => workload.next());
}

type Requests = Partial<Record<RouteName, RequestSpec[]>>;

async function start(): Promise<{ url: string; requests: Requests; close: () => Promise<void> }> {
  const requests: Requests = {};
  if (subject === 'mock') {
    const server = await startMockAuthServer(loadSettings());
    for (const route of ROUTES) {
      requests[route] = materialize(await mockWorkload(server.mock, server.url, route, poolSize));
    }
    return { url: server.url, requests, close: () => server.close() };
  }
  if (subject === 'oauth2-mock-server') {
    const server = await startOAuth2MockServer();
    requests['token (refresh)'] = materialize(oauth2MockRefreshWorkload());
    return { url: server.url, requests, close: () => server.close() };
  }
  const server = await startSdkAuthServer();
  for (const route of ROUTES) {
    if (route !== 'token (refresh)')
      requests[route] = materialize(await sdkWorkload(server, route, poolSize));
  }
  return { url: server.url, requests, close: () => server.close() };
}

const running = await start();
send({ type: 'ready', url: running.url, requests: running.requests });
process.on('message', (message: ParentMessage) => {
  if (message.type === 'memory') {
    globalThis.gc?.();
    send({ type: 'memory', heapUsed: process.memoryUsage().heapUsed });
  } else if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ type: 'cpu', microseconds: user + system });
  } else if (message.type === 'stop') {
    void running.close().finally(() => process.exit(0));
  }
});
