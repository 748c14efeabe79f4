/**
 * The package as a user gets it, for pack.test.ts: build it and `npm pack` it in a staging copy (never the
 * repository's dist/, so concurrent work is not disturbed), install the tarball into fresh projects from the npm
 * cache, and compile or run code there.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../runtimes/cli-process.js';

const run = promisify(execFile);
const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');

/** What `npm pack` made. */
export interface PackedTarball {
  path: string;
  /** Paths inside the package, e.g. `dist/src/index.js`. */
  files: string[];
  /** Bytes of the compressed tarball. */
  size: number;
}

/** Runs a command, failing with its output (not just "exit code 1") when it fails. */
export async function sh(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ...env },
    });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${failure.stdout ?? ''}\n${failure.stderr ?? failure.message}`,
    );
  }
}

/**
 * Copies what the package is built from into `workDir/package`, builds it there as `npm run build` does, and packs
 * it. Building in the copy keeps the source maps' relative paths (`../../src/…`) what they are in a real release.
 */
export async function buildAndPack(workDir: string): Promise<PackedTarball> {
  const staging = join(workDir, 'package');
  await mkdir(staging);
  for (const entry of [
    'package.json',
    'README.md',
    'LICENSE',
    'tsconfig.json',
    'tsconfig.build.json',
    'src',
    'mock-server',
  ]) {
    await cp(join(REPO_ROOT, entry), join(staging, entry), { recursive: true });
  }
  // The build resolves the dependencies' types; npm pack never includes node_modules.
  await symlink(join(REPO_ROOT, 'node_modules'), join(staging, 'node_modules'), 'dir');
  await sh(process.execPath, [TSC, '-p', 'tsconfig.build.json'], staging);
  const [packed] = JSON.parse(
    await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], staging),
  ) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>;
  if (packed === undefined) throw new Error('npm pack reported no tarball');
  return {
    path: join(workDir, packed.filename),
    files: packed.files.map((file) => file.path),
    size: packed.size,
  };
}

/** The version of a package installed in this repository, to install the same one elsewhere. */
export async function repoVersion(name: string): Promise<string> {
  const manifest = JSON.parse(
    await readFile(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'),
  ) as {
    version: string;
  };
  return manifest.version;
}

/** Creates an ESM project in `dir` and installs `packages` (the tarball among them) into it, from the npm cache. */
export async function installProject(dir: string, packages: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  await sh(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packages],
    dir,
  );
}

/** One `error TS…` line of `tsc`: the file as tsc names it (relative to the project) and the message. */
export interface CompileError {
  file: string;
  message: string;
}

/**
 * Compiles the project whose `tsconfig.json` is in `dir` with the repository's TypeScript (types for Node from the
 * repository's `@types`, as `typeRoots` in the tsconfig says) and returns its errors; emitted files are written even
 * when there are errors.
 */
export async function compile(dir: string): Promise<CompileError[]> {
  const output = await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--pretty', 'false'], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string; message: string }) => error.stdout ?? error.message,
  );
  return output
    .split('\n')
    .map((line) => /^(.+?)\(\d+,\d+\): error (TS\d+: .*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ file: match[1] ?? '', message: match[2] ?? '' }));
}

/** Compiler options shared by the consumer projects: as strict as a careful user's, library checking on. */
export function strictCompilerOptions(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    target: 'ES2022',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
    types: ['node'],
    outDir: 'out',
    ...overrides,
  };
}
