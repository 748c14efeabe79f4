/**
 * Child processes for the conformance harness, each in its own process group so that stopping one also stops
 * everything it started (the suite spawns `sh -c "npx tsx …"`, which spawns more). Every live child is tracked,
 * and all of them are killed when the harness exits or is interrupted, whatever the path.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** How a child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the harness killed it because its time ran out. */
  readonly timedOut: boolean;
}

export type OutputStream = 'stdout' | 'stderr';

export interface StartOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Hard limit; the whole process group is killed when it passes. */
  readonly timeoutMs: number;
  /** Called for every complete output line (without the line break). */
  readonly onLine?: (stream: OutputStream, line: string) => void;
}

export interface RunningProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<ProcessExit>;
  /** Everything written so far (capped, the start is kept). */
  output(stream: OutputStream): string;
  /** Terminates the process group: SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<ProcessExit>;
}

const OUTPUT_CAP = 2_000_000;
const KILL_GRACE_MS = 3_000;
const live = new Set<ChildProcess>();
let cleanupInstalled = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  // Even when the leader has exited its group may still hold grandchildren, so always signal the group.
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

/** Kills every tracked process group immediately; safe to call from an `exit` handler. */
export function killAllProcesses(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
  live.clear();
}

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAllProcesses);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      killAllProcesses();
      process.exit(code);
    });
  }
}

/** Starts `command args…` (no shell) in a new process group, bounded by `timeoutMs`. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: StartOptions,
): RunningProcess {
  installCleanup();
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);

  const buffers: Record<OutputStream, string> = { stdout: '', stderr: '' };
  const partial: Record<OutputStream, string> = { stdout: '', stderr: '' };
  const collect = (stream: OutputStream) => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (buffers[stream].length < OUTPUT_CAP)
      buffers[stream] += text.slice(0, OUTPUT_CAP - buffers[stream].length);
    if (!options.onLine) return;
    const lines = (partial[stream] + text).split(/\r?\n/);
    partial[stream] = lines.pop() ?? '';
    for (const line of lines) options.onLine(stream, line);
  };
  child.stdout?.on('data', collect('stdout'));
  child.stderr?.on('data', collect('stderr'));

  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = (): void => {
    signalGroup(child, 'SIGTERM');
    killTimer ??= setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_GRACE_MS);
    killTimer.unref();
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    terminate();
  }, options.timeoutMs);
  deadline.unref();

  const exited = new Promise<ProcessExit>((resolve) => {
    let finished = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      if (killTimer) clearTimeout(killTimer);
      // Grandchildren can outlive the leader (a client that ignores SIGTERM): sweep the group.
      signalGroup(child, 'SIGKILL');
      live.delete(child);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] && options.onLine) options.onLine(stream, partial[stream]);
        partial[stream] = '';
      }
      resolve({ code, signal, timedOut });
    };
    child.on('error', (error) => {
      buffers.stderr += `\n[harness] could not start ${command}: ${error.message}\n`;
      finish(null, null);
    });
    child.on('close', finish);
  });

  return {
    pid: child.pid,
    exited,
    output: (stream) => buffers[stream],
    stop: () => {
      terminate();
      return exited;
    },
  };
}
