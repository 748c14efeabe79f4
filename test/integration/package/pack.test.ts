/**
 * The package as a user gets it: build, `npm pack`, install the tarball into an empty project, then import every
 * entry point in plain Node ESM (its exports compared with an explicit list), type-check a consumer against the
 * shipped declarations, and run the installed bin.
 *
 * The build goes to a temporary directory (not the repository's dist/), so concurrent work is never disturbed.
 * Dependencies come from the npm registry / local cache; msw and vite are installed next to the tarball as a user
 * of `mcp-authed-client/msw` and `/vite` would (they are optional peers, not dependencies).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startCli, stopAllClis } from '../runtimes/cli-process.js';

const run = promisify(execFile);
const SETUP_TIMEOUT_MS = 420_000;

interface PackageJson {
  name: string;
  exports: Record<string, string | { types: string; import: string }>;
  bin: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * The runtime exports of every entry point, sorted (JavaScript's default order: capitals first). Compared with what
 * the installed package really exports, so an export added or removed fails here until this list is updated on
 * purpose. (Types are covered by the API reports in test/api/.)
 */
const EXPECTED_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  'mcp-authed-client': [
    'AuthorizationError',
    'ClientRegistrationError',
    'DiscoveryError',
    'HeadlessAuthorizeError',
    'McpAuthError',
    'SessionAuthError',
    'TokenError',
    'completeAuthorization',
    'createAuthedMcpClient',
    'headlessAuthorize',
    'inProcessLocks',
    'indexedDbStorage',
    'isAuthorizationCallback',
    'memoryStorage',
    'popupAuthorize',
    'redirectAuthorize',
    'webLocks',
    'webStorage',
  ],
  'mcp-authed-client/mock-server': [
    'ApproveError',
    'AuthorizeError',
    'ControlUnsupportedError',
    'InMemoryProvider',
    'MOCK_SERVER_PRESET_NAMES',
    'REDACTED_PARAMETERS',
    'RegistrationError',
    'SettingsError',
    'TokenEndpointError',
    'approve',
    'createControlApiHandler',
    'createManualClock',
    'createMockAuthServer',
    'protectedResourceMetadataUrl',
    'resourceMovedTo',
    'validateSettings',
  ],
  'mcp-authed-client/msw': ['ApproveError', 'approve', 'createMswHandlers'],
  'mcp-authed-client/vite': ['mockAuthServerPlugin'],
};

let workDir = '';
let consumerDir = '';
let packedFiles: string[] = [];
let manifest: PackageJson;

/** Runs a command, failing with its output (not just "exit code 1") when it fails. */
async function sh(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env },
    });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${failure.stdout ?? ''}\n${failure.stderr ?? failure.message}`,
    );
  }
}

function installedVersion(name: string): Promise<string> {
  return readFile(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8').then(
    (text) => (JSON.parse(text) as { version: string }).version,
  );
}

beforeAll(async () => {
  manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
  workDir = await mkdtemp(join(tmpdir(), 'mcp-authed-client-pack-'));
  const staging = join(workDir, 'package');
  await mkdir(staging);
  await cp(join(REPO_ROOT, 'package.json'), join(staging, 'package.json'));
  await cp(join(REPO_ROOT, 'README.md'), join(staging, 'README.md')).catch(() => undefined);
  await sh(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      join(staging, 'dist'),
    ],
    REPO_ROOT,
  );
  const packed = JSON.parse(
    await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], staging),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(workDir, packed[0]?.filename ?? '');
  packedFiles = packed[0]?.files.map((file) => file.path) ?? [];

  consumerDir = join(workDir, 'consumer');
  await mkdir(consumerDir);
  await writeFile(
    join(consumerDir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  const peers = await Promise.all(
    ['msw', 'vite'].map(async (name) => `${name}@${await installedVersion(name)}`),
  );
  await sh(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, ...peers],
    consumerDir,
  );
}, SETUP_TIMEOUT_MS);

afterEach(stopAllClis);
afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships every file its exports map and bin point to, and no sources or tests', () => {
    const targets = Object.values(manifest.exports).flatMap((target) =>
      typeof target === 'string' ? [target] : [target.types, target.import],
    );
    for (const target of [...targets, ...Object.values(manifest.bin)]) {
      expect(packedFiles, `missing ${target}`).toContain(target.replace(/^\.\//, ''));
    }
    expect(
      packedFiles.filter((file) => /^(src|test|mock-server)\//.test(file) || file.endsWith('.test.js')),
    ).toEqual([]);
  });

  it('imports every entry point in plain Node ESM, each with exactly the expected exports', async () => {
    const entryPoints = Object.keys(manifest.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => `${manifest.name}${subpath.slice(1)}`);
    expect(entryPoints.sort()).toEqual(Object.keys(EXPECTED_EXPORTS).sort());
    const script = `
      const results = {};
      for (const specifier of ${JSON.stringify(entryPoints)}) {
        results[specifier] = Object.keys(await import(specifier)).sort();
      }
      const { createMockAuthServer } = await import('mcp-authed-client/mock-server');
      const mock = createMockAuthServer({ issuerUrl: 'http://localhost:8000' });
      const response = await mock.fetch(new Request('http://localhost:8000/.well-known/oauth-authorization-server'));
      results.issuer = (await response.json()).issuer;
      console.log(JSON.stringify(results));
    `;
    const output = await sh(process.execPath, ['--input-type=module', '-e', script], consumerDir);
    expect(JSON.parse(output)).toEqual({ ...EXPECTED_EXPORTS, issuer: 'http://localhost:8000/' });
  });

  it('keeps the expected export lists sorted, so a change shows as one line in a diff', () => {
    for (const names of Object.values(EXPECTED_EXPORTS)) expect(names).toEqual([...names].sort());
  });

  it('type-checks a consumer against the shipped declarations (NodeNext)', async () => {
    await writeFile(
      join(consumerDir, 'consumer.ts'),
      `import * as client from 'mcp-authed-client';
import { createMockAuthServer, SettingsError, type MockAuthServerSettings } from 'mcp-authed-client/mock-server';
import { createMswHandlers } from 'mcp-authed-client/msw';
import { mockAuthServerPlugin } from 'mcp-authed-client/vite';

const settings: MockAuthServerSettings = { issuerUrl: 'http://localhost:8000', clientRegistrationOptions: { enabled: true } };
const mock = createMockAuthServer(settings);
const response: Promise<Response> = mock.fetch(new Request('http://localhost:8000/token'));
const handlerCount: number = createMswHandlers(mock).length;
const pluginName: string = mockAuthServerPlugin({ approval: 'consent' }).name;
const error: Error = new SettingsError('issuerUrl', 'bad');
// The declarations are real types, not any: a wrong setting must be a type error.
// @ts-expect-error issuerUrl is a string
createMockAuthServer({ issuerUrl: 42 });
export { client, response, handlerCount, pluginName, error };
`,
    );
    await writeFile(
      join(consumerDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    await sh(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      consumerDir,
    );
  });

  it('installs a working mcp-mock-auth-server bin', async () => {
    const bin = join(consumerDir, 'node_modules', '.bin', 'mcp-mock-auth-server');
    const cli = await startCli([], { command: { command: bin, args: ['--port', '0'], cwd: consumerDir } });
    const response = await fetch(`${cli.url}/.well-known/oauth-authorization-server`);
    expect(((await response.json()) as { issuer: string }).issuer).toBe(cli.issuer);
    const exit = await cli.stop('SIGTERM');
    expect(exit.code).toBe(0);
  });
});
