/**
 * Shared plumbing for the harness's entry points: what one part of a run returns, and how a script runs as a
 * program (exit code, clear error, every child process gone).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { killAllProcesses } from './processes.js';
import type { CheckCounts } from './results.js';

/** The outcome of one harness part (authorization-server or client). */
export interface PartOutcome {
  /** Checks of scored scenarios. */
  readonly counts: CheckCounts;
  /** Checks of scenarios run for information only (they never fail the run). */
  readonly unscored: CheckCounts;
  readonly ok: boolean;
}

/** True when the module at `moduleUrl` is the script node was asked to run. */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function exitNow(code: number): never {
  killAllProcesses();
  process.exit(code);
}

/**
 * A promise rejection nobody handles is a harness bug that may have cut a check short: it fails the run with the
 * reason, whatever the parts concluded.
 */
function failOnUnhandledRejection(): void {
  process.on('unhandledRejection', (reason: unknown) => {
    console.error(`conformance: ERROR unhandled promise rejection: ${describeError(reason)}`);
    exitNow(1);
  });
}

/**
 * Runs `part`, prints a failure clearly, and exits 0 only when it succeeded and no promise rejection went
 * unhandled. The exit waits for one macrotask: Node reports unhandled rejections only once the microtask queue
 * is empty, and an immediate exit would let one made on the way out pass unseen.
 */
export function runAsProgram(part: () => Promise<boolean>): void {
  failOnUnhandledRejection();
  part().then(
    (ok) => {
      setImmediate(() => exitNow(ok ? 0 : 1));
    },
    (error: unknown) => {
      console.error(`conformance: ERROR ${describeError(error)}`);
      exitNow(1);
    },
  );
}
