/**
 * Running the conformance CLI on the Node 24 binary, and reading the `checks.json` files it writes.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from './processes.js';
import type { OutputStream, RunningProcess } from './processes.js';
import { parseChecksJson, scenarioOfResultDir } from './results.js';
import type { ConformanceCheck } from './results.js';
import type { Toolchain } from './toolchain.js';

/** The repository root: clients are started from here, so commands like `npx tsx test/…` resolve. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

export interface SuiteRunOptions {
  readonly timeoutMs: number;
  readonly onLine?: (stream: OutputStream, line: string) => void;
  readonly cwd?: string;
}

/** Starts `node24 conformance <args…>`. */
export function startSuite(
  toolchain: Toolchain,
  args: readonly string[],
  options: SuiteRunOptions,
): RunningProcess {
  return startProcess(toolchain.nodeBinary, [toolchain.conformanceEntry, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    // Honoured by some of the suite's dependencies; its own check listings are coloured regardless.
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeoutMs: options.timeoutMs,
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
}

const outputDirs = new Set<string>();
let exitCleanupInstalled = false;

/** A fresh directory for one suite run's `-o` output; removed at exit at the latest, interrupted or not. */
export async function makeOutputDir(label: string): Promise<string> {
  if (!exitCleanupInstalled) {
    exitCleanupInstalled = true;
    process.once('exit', () => {
      for (const dir of outputDirs) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = await mkdtemp(join(tmpdir(), `mcp-conformance-${label.replace(/[^a-z0-9]+/gi, '-')}-`));
  outputDirs.add(dir);
  return dir;
}

export async function removeOutputDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  outputDirs.delete(dir);
}

/** Every `checks.json` under `dir`, keyed by the path of its directory relative to `dir`. */
async function findChecksFiles(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || entry.name !== 'checks.json') continue;
    const parent = entry.parentPath;
    const relative = parent === dir ? '' : parent.slice(dir.length + 1);
    found.set(relative, join(parent, entry.name));
  }
  return found;
}

/**
 * Checks per scenario from an output directory: the scenario is read from each result directory's name
 * (`<prefix>-<scenario>-<time>`; client scenario names contain `/`, so their directories nest).
 */
export async function readResultDir(dir: string, prefix = ''): Promise<Map<string, ConformanceCheck[]>> {
  const byScenario = new Map<string, ConformanceCheck[]>();
  for (const [relative, file] of await findChecksFiles(dir)) {
    const scenario = scenarioOfResultDir(relative, prefix);
    if (scenario === undefined) continue;
    byScenario.set(scenario, parseChecksJson(await readFile(file, 'utf8')));
  }
  return byScenario;
}
