/**
 * `runAsProgram` decides the harness's exit code, so it is tested as a program: a tiny script runs it in its own
 * Node process (through tsx, as `npm run test:conformance` does) and the test reads the exit code and stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN_URL = new URL('../../conformance/main.ts', import.meta.url).href;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conformance-main-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface ProgramRun {
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs `runAsProgram(<part>)` in a fresh Node process; `part` is the source of an async function. */
async function runProgram(name: string, part: string): Promise<ProgramRun> {
  const script = join(dir, `${name}.ts`);
  await writeFile(
    script,
    `import { runAsProgram } from ${JSON.stringify(MAIN_URL)};\nrunAsProgram(${part});\n`,
  );
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr });
    });
  });
}

describe('runAsProgram', () => {
  it('exits 0 when the part succeeds, 1 when it fails', async () => {
    const [passed, failed] = await Promise.all([
      runProgram('passes', 'async () => true'),
      runProgram('fails', 'async () => false'),
    ]);
    expect(passed).toEqual({ code: 0, stderr: '' });
    expect(failed).toEqual({ code: 1, stderr: '' });
  });

  it('fails a run that succeeded but left a promise rejection unhandled, naming the reason', async () => {
    const run = await runProgram(
      'unhandled',
      `async () => { void Promise.reject(new Error('nobody awaited this')); return true; }`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'conformance: ERROR unhandled promise rejection: Error: nobody awaited this',
    );
  });

  it('fails on a rejection left behind by an earlier step, while the part is still running', async () => {
    const run = await runProgram(
      'unhandled-early',
      `async () => { void Promise.reject('plain reason'); await new Promise((r) => setTimeout(r, 200)); return true; }`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('conformance: ERROR unhandled promise rejection: plain reason');
  });
});
