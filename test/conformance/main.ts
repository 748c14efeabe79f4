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
  readonly counts: CheckCounts;
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

/** Runs `part`, prints a failure clearly, and exits 0 only when it succeeded. */
export function runAsProgram(part: () => Promise<boolean>): void {
  part().then(
    (ok) => {
      killAllProcesses();
      process.exit(ok ? 0 : 1);
    },
    (error: unknown) => {
      killAllProcesses();
      console.error(
        `conformance: ERROR ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
      process.exit(1);
    },
  );
}
