/**
 * Runs the `mcp-mock-auth-server` CLI as a real child process for tests: waits for its ready line, collects its
 * output, stops it with a signal and reports how it exited.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseListeningLine } from '../../../mock-server/runtimes/cli-settings.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  url: string;
  issuer: string;
  /** Sends `signal` and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/**
 * The command that runs the CLI from source. One `node` process with tsx's loader rather than `npx tsx`: `npx`
 * and `tsx` each add a parent process, and a signal sent to the outermost one is not what a user's Ctrl-C or a
 * process manager's SIGTERM does to the real bin (a single node process), nor does it reliably reach the server.
 */
export function cliCommand(args: readonly string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', 'mock-server/runtimes/cli.ts', ...args] };
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Run this executable instead of the source CLI (the installed bin). */
  command?: { command: string; args: string[]; cwd?: string };
}

/** Environment without inherited FASTMCP_* variables, so the developer's shell cannot change a test. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('FASTMCP_')) env[name] = value;
  }
  return { ...env, ...extra };
}

function spawnCli(
  args: readonly string[],
  options: StartOptions,
): { child: ChildProcess; exited: Promise<Exit> } {
  const { command, args: fullArgs, cwd } = options.command ?? { ...cliCommand(args), cwd: REPO_ROOT };
  const child = spawn(command, fullArgs, {
    cwd: cwd ?? REPO_ROOT,
    env: cleanEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    child.emit('stdout-data', stdout);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited };
}

/** Runs the CLI to completion (for invocations that should exit by themselves). */
export function runCliToExit(args: readonly string[], options: StartOptions = {}): Promise<Exit> {
  return spawnCli(args, options).exited;
}

const live = new Set<() => Promise<Exit>>();

/** Kills every CLI still running (call from `afterEach`, so a failed assertion never leaks a process). */
export async function stopAllClis(): Promise<void> {
  await Promise.all([...live].map((kill) => kill()));
}

/** Starts the CLI and resolves once it printed its ready line; rejects with its output if it exits first. */
export async function startCli(args: readonly string[], options: StartOptions = {}): Promise<RunningCli> {
  const { child, exited } = spawnCli(args, options);
  const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const kill = (): Promise<Exit> => stop('SIGKILL');
  live.add(kill);
  exited.then(
    () => live.delete(kill),
    () => live.delete(kill),
  );

  const ready = new Promise<{ url: string; issuer: string }>((resolve) => {
    child.on('stdout-data', (stdout: string) => {
      const line = stdout.split('\n')[0] ?? '';
      const parsed = stdout.includes('\n') ? parseListeningLine(line) : undefined;
      if (parsed) resolve(parsed);
    });
  });
  const early = exited.then((exit): never => {
    throw new Error(`CLI exited before it was ready (code ${exit.code}):\n${exit.stdout}\n${exit.stderr}`);
  });
  early.catch(() => undefined);
  const { url, issuer } = await Promise.race([ready, early]);
  return { url, issuer, stop };
}
