/** Messages between the bench and a served subject (serve-subject.ts), and how the bench starts and stops one. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RequestSpec, RouteName } from './workload.js';

/** Who answers: this project's mock, the SDK's router (demo provider), or oauth2-mock-server. */
export type Subject = 'mock' | 'sdk' | 'oauth2-mock-server';

export type ChildMessage =
  | { type: 'ready'; url: string; requests: Partial<Record<RouteName, RequestSpec[]>> }
  | { type: 'memory'; heapUsed: number }
  | { type: 'cpu'; microseconds: number };

export type ParentMessage = { type: 'memory' } | { type: 'cpu' } | { type: 'stop' };

export interface ServedSubject {
  readonly url: string;
  /** The requests to send, by route (a repeating route has a few, a pooled one its whole pool). */
  requestsFor(route: RouteName): readonly RequestSpec[];
  /** Heap in use after a full garbage collection, in bytes. */
  heapUsed(): Promise<number>;
  /**
   * CPU time (user + system) the subject's process has used so far, in µs. Per request, it is the cost of an answer
   * that the other processes on a shared machine disturb least (unlike requests per second).
   */
  cpuMicroseconds(): Promise<number>;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('../serve-subject.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

function nextMessage<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`the ${type} message took over a minute`)),
      START_TIMEOUT_MS,
    );
    const onMessage = (message: ChildMessage): void => {
      if (message.type !== type) return;
      cleanUp();
      resolve(message as Extract<ChildMessage, { type: T }>);
    };
    const onExit = (code: number | null): void => fail(new Error(`the served subject exited (${code})`));
    const fail = (error: Error): void => {
      cleanUp();
      reject(error);
    };
    const cleanUp = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Starts `subject` in a child process, with pools of `poolSize` single-use requests for the token routes. */
export async function serveSubject(subject: Subject, poolSize: number): Promise<ServedSubject> {
  const child = fork(SCRIPT, [subject, String(poolSize)], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextMessage(child, 'ready').catch((error: unknown) => {
    child.kill();
    throw error;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: ready.url,
    requestsFor(route) {
      const requests = ready.requests[route];
      if (requests === undefined || requests.length === 0) throw new Error(`${subject} serves no ${route}`);
      return requests;
    },
    async heapUsed() {
      const reply = nextMessage(child, 'memory');
      child.send({ type: 'memory' } satisfies ParentMessage);
      return (await reply).heapUsed;
    },
    async cpuMicroseconds() {
      const reply = nextMessage(child, 'cpu');
      child.send({ type: 'cpu' } satisfies ParentMessage);
      return (await reply).microseconds;
    },
    async stop() {
      child.send({ type: 'stop' } satisfies ParentMessage);
      const killer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
