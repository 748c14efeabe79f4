/**
 * The package as a user gets it: built and packed (package-projects.ts), installed from the tarball into two fresh
 * projects, and used there the way the README says.
 *
 * - The Node project has the tarball alone (msw and vite are optional peers) and compiles with `module: nodenext`,
 *   no DOM lib (`lib: ["ES2022"]`, `types: ["node"]`), `skipLibCheck: false` and `exactOptionalPropertyTypes`:
 *   the README's Node examples and consumers/node-app.ts run there, consumers/node-require.cts is a CommonJS
 *   module, and the bin starts.
 * - The web project adds msw and vite and compiles with `moduleResolution: bundler` and the DOM lib, also with
 *   `skipLibCheck: false`: every README example type-checks, the msw example runs, `vite build` bundles the popup
 *   example with the README's vite.config.ts, and every entry point is imported from plain ESM and CommonJS.
 *
 * The README's examples are found through their `<!-- example: path -->` markers (test/unit/readme-examples.test.ts
 * checks that each block equals its file), so what runs here is what the README shows.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startCli, stopAllClis } from '../runtimes/cli-process.js';
import {
  buildAndPack,
  compile,
  installProject,
  repoVersion,
  sh,
  strictCompilerOptions,
  type CompileError,
  type PackedTarball,
} from './package-projects.js';

const SETUP_TIMEOUT_MS = 600_000;
const RUN_TIMEOUT_MS = 90_000;

interface PackageJson {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
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
    'InteractionRequiredError',
    'McpAuthError',
    'SessionAuthError',
    'TokenError',
    'completeAuthorization',
    'createAuthedMcpClient',
    'createMcpAuthorization',
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
    'mintIdToken',
    'mintWorkloadJwt',
    'protectedResourceMetadataUrl',
    'resourceMovedTo',
    'validateSettings',
  ],
  'mcp-authed-client/node': ['createNodeDocumentFetch', 'listen', 'startMockAuthServer'],
  'mcp-authed-client/msw': ['ApproveError', 'approve', 'createMswHandlers'],
  'mcp-authed-client/vite': ['mockAuthServerPlugin'],
};

/** Entry points that need an optional peer (msw, vite) at run time. */
const PEER_ENTRY_POINTS = new Set(['mcp-authed-client/msw', 'mcp-authed-client/vite']);

/** Where each README example goes: compiled in the web project only (browser), or run too. */
const BROWSER_EXAMPLES_DIR = 'test/e2e/readme-app';
const NODE_EXAMPLES_DIR = 'test/integration/package/readme';
/** README examples that need an optional peer: compiled and used in the web project, not the Node one. */
const PEER_EXAMPLES = new Set(['msw.ts', 'vite.config.ts']);
/** The README's first example, run against the installed CLI as its comment says. */
const CLI_EXAMPLE = 'node-client.ts';

/**
 * The one error the Node project may show, in a dependency: the MCP SDK's declarations name the DOM-only
 * `HeadersInit` (modelcontextprotocol/typescript-sdk#2568). Anything else, and anything in this package, fails.
 */
const KNOWN_DEPENDENCY_ERROR = {
  file: /^node_modules\/@modelcontextprotocol\/sdk\//,
  message: "TS2304: Cannot find name 'HeadersInit'.",
};

let workDir = '';
let nodeDir = '';
let webDir = '';
let tarball: PackedTarball;
let manifest: PackageJson;
let readmeExamples: string[] = [];
let nodeErrors: CompileError[] = [];
let webErrors: CompileError[] = [];

/** The README's `<!-- example: path -->` markers, as repository paths. */
async function announcedExamples(): Promise<string[]> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/<!-- example: (\S+) -->/g)].map((match) => match[1] ?? '');
}

async function copyInto(dir: string, files: readonly string[]): Promise<void> {
  for (const file of files) await cp(join(REPO_ROOT, file), join(dir, basename(file)));
}

async function setUpNodeProject(examples: readonly string[]): Promise<void> {
  await installProject(nodeDir, [tarball.path]);
  await copyInto(nodeDir, [
    ...examples,
    'test/integration/package/consumers/node-app.ts',
    'test/integration/package/consumers/node-require.cts',
  ]);
  await writeFile(
    join(nodeDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: strictCompilerOptions({
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022'],
      }),
      files: [...examples.map((file) => basename(file)), 'node-app.ts', 'node-require.cts'],
    }),
  );
  nodeErrors = await compile(nodeDir);
}

async function setUpWebProject(examples: readonly string[]): Promise<void> {
  const peers = await Promise.all(['msw', 'vite'].map(async (name) => `${name}@${await repoVersion(name)}`));
  await installProject(webDir, [tarball.path, ...peers]);
  await copyInto(webDir, [...examples, 'test/integration/package/consumers/web-types.ts']);
  await writeFile(
    join(webDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: strictCompilerOptions({
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      }),
      files: [...examples.map((file) => basename(file)), 'web-types.ts'],
    }),
  );
  webErrors = await compile(webDir);
}

beforeAll(async () => {
  manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
  readmeExamples = await announcedExamples();
  workDir = await mkdtemp(join(tmpdir(), 'mcp-authed-client-pack-'));
  nodeDir = join(workDir, 'node-project');
  webDir = join(workDir, 'web-project');
  tarball = await buildAndPack(workDir);
  const nodeExamples = readmeExamples.filter(
    (file) => file.startsWith(`${NODE_EXAMPLES_DIR}/`) && !PEER_EXAMPLES.has(basename(file)),
  );
  await Promise.all([setUpNodeProject(nodeExamples), setUpWebProject(readmeExamples)]);
}, SETUP_TIMEOUT_MS);

afterEach(stopAllClis);
afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

/** Runs a compiled file of a project with Node; resolves with its stdout. */
function runNode(dir: string, file: string, nodeArgs: readonly string[] = []): Promise<string> {
  return sh(process.execPath, [...nodeArgs, file], dir);
}

describe('the packed package', () => {
  it('ships its exports, bin, sources, LICENSE and README, and no tests', () => {
    const targets = Object.values(manifest.exports).flatMap((target) =>
      typeof target === 'string' ? [target] : [target.types, target.default],
    );
    for (const target of [...targets, ...Object.values(manifest.bin)]) {
      expect(tarball.files, `missing ${target}`).toContain(target.replace(/^\.\//, ''));
    }
    expect(tarball.files).toEqual(
      expect.arrayContaining(['LICENSE', 'README.md', 'src/index.ts', 'mock-server/index.ts']),
    );
    expect(
      tarball.files.filter((file) => /^(test|demo|dist\/demo)\//.test(file) || /\.test\.[jt]s$/.test(file)),
    ).toEqual([]);
  });

  // Sources and source maps are shipped on purpose (readable stack traces); the ceiling went from 700 to 800 kB with
  // DPoP, the JWT bearer grant, token exchange and the mock's identity provider (716 kB packed when they landed).
  it('stays small: under 800 kB packed, sources included', () => {
    expect(tarball.size).toBeLessThan(800_000);
  });

  it('keeps the expected export lists sorted, so a change shows as one line in a diff', () => {
    for (const names of Object.values(EXPECTED_EXPORTS)) expect(names).toEqual([...names].sort());
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
      console.log(JSON.stringify(results));
    `;
    const output = await sh(process.execPath, ['--input-type=module', '-e', script], webDir);
    expect(JSON.parse(output)).toEqual(EXPECTED_EXPORTS);
  });

  it('requires every entry point from CommonJS (Node ≥ 20.19 loads ES modules with require)', async () => {
    const script = `
      const results = {};
      for (const specifier of ${JSON.stringify(Object.keys(EXPECTED_EXPORTS))}) {
        results[specifier] = Object.keys(require(specifier)).filter((name) => name !== '__esModule').sort();
      }
      const { createMockAuthServer } = require('mcp-authed-client/mock-server');
      results.issuer = createMockAuthServer({ issuerUrl: 'http://localhost:8000' }).settings.issuerUrl;
      console.log(JSON.stringify(results));
    `;
    const output = await sh(process.execPath, ['--input-type=commonjs', '-e', script], webDir);
    expect(JSON.parse(output)).toEqual({ ...EXPECTED_EXPORTS, issuer: 'http://localhost:8000/' });
  });

  it('loads every entry point but msw and vite without those optional peers installed', async () => {
    expect(existsSync(join(nodeDir, 'node_modules/msw'))).toBe(false);
    expect(existsSync(join(nodeDir, 'node_modules/vite'))).toBe(false);
    const entryPoints = Object.keys(EXPECTED_EXPORTS).filter((name) => !PEER_ENTRY_POINTS.has(name));
    const script = `
      const results = {};
      for (const specifier of ${JSON.stringify(entryPoints)}) {
        results[specifier] = Object.keys(await import(specifier)).sort();
      }
      console.log(JSON.stringify(results));
    `;
    const output = await sh(process.execPath, ['--input-type=module', '-e', script], nodeDir);
    expect(JSON.parse(output)).toEqual(
      Object.fromEntries(entryPoints.map((name) => [name, EXPECTED_EXPORTS[name]])),
    );
  });
});

describe('TypeScript projects using the installed package', () => {
  it('assigns every README example to a project', () => {
    const placed = readmeExamples.filter(
      (file) => file.startsWith(`${BROWSER_EXAMPLES_DIR}/`) || file.startsWith(`${NODE_EXAMPLES_DIR}/`),
    );
    expect(placed).toEqual(readmeExamples);
    expect(readmeExamples.map((file) => basename(file))).toEqual(
      expect.arrayContaining([CLI_EXAMPLE, ...PEER_EXAMPLES]),
    );
  });

  it('compiles a Node project (nodenext, no DOM lib, skipLibCheck false) with no error in this package', () => {
    const unexpected = nodeErrors.filter(
      (error) =>
        !(KNOWN_DEPENDENCY_ERROR.file.test(error.file) && error.message === KNOWN_DEPENDENCY_ERROR.message),
    );
    expect(unexpected).toEqual([]);
  });

  it('compiles a web project (bundler, DOM lib, skipLibCheck false) with every README example, error-free', () => {
    expect(webErrors).toEqual([]);
  });
});

describe("the README's examples, run from the installed package", () => {
  it(
    'node-server.ts: a mock served in-process, a headless sign-in, a refresh after the clock moves',
    async () => {
      const output = await runNode(nodeDir, 'out/node-server.js');
      expect(output.trim().split('\n')).toEqual(['whoami, echo, elevated_echo', '2']);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'session.ts: silent connect refused, sign-in, the grant, own requests, an own transport, session events',
    async () => {
      const output = await runNode(nodeDir, 'out/session.js');
      expect(output.trim().split('\n')).toEqual([
        'true',
        'authorized this-client',
        'true',
        'true 200',
        '3',
        'signed-out this-client',
      ]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    `${CLI_EXAMPLE}: signs in against the installed CLI started as the example's comment says, then signs out`,
    async () => {
      const bin = join(nodeDir, 'node_modules/.bin/mcp-mock-auth-server');
      // Port 8000 is the one the example names (the CLI's default, as FastMCP's).
      const cli = await startCli([], {
        command: { command: bin, args: ['--registration', '--revocation'], cwd: nodeDir },
      });
      const output = await runNode(nodeDir, `out/${CLI_EXAMPLE.replace(/\.ts$/, '.js')}`);
      const steps = output
        .trim()
        .split('\n')
        .map((line) => line.split(' ').slice(0, 2).join(' '));
      expect(steps).toEqual(
        expect.arrayContaining([
          'registration succeeded',
          'token succeeded',
          'connection succeeded',
          'revocation succeeded',
        ]),
      );
      expect(output).toContain("[ 'whoami', 'echo', 'elevated_echo' ]");
      expect(output).not.toMatch(/ failed /);
      expect((await cli.stop('SIGTERM')).code).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'machine-client.ts: a client_credentials client against the served mock, then sign-out',
    async () => {
      const output = await runNode(nodeDir, 'out/machine-client.js');
      expect(output.trim().split('\n')).toEqual(['nightly-report']);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'workload-identity.ts: a workload JWT, then an enterprise ID token, against the served mock',
    async () => {
      const output = await runNode(nodeDir, 'out/workload-identity.js');
      expect(output.trim().split('\n')).toEqual(['pipeline-42', 'alice@corp.example']);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'dpop.ts: a DPoP-bound sign-in against the served mock with nonces, then sign-out',
    async () => {
      const output = await runNode(nodeDir, 'out/dpop.js');
      expect(output.trim().split('\n')).toEqual(['DPoP']);
    },
    RUN_TIMEOUT_MS,
  );

  it('mock-server.ts: the mock in-process answers its metadata', async () => {
    const output = await runNode(nodeDir, 'out/mock-server.js');
    expect(output).toContain("issuer: 'http://localhost:8000/'");
    expect(output).toContain("registration_endpoint: 'http://localhost:8000/register'");
  });

  it('controls.ts: every control runs', async () => {
    expect(await runNode(nodeDir, 'out/controls.js')).toBe('');
  });

  it('msw.ts: msw in Node answers with the mock, nothing listening', async () => {
    expect((await runNode(webDir, 'out/msw.js')).trim()).toBe('http://localhost:8000/');
  });

  it(
    'vite.config.ts: vite build bundles the popup example with the plugin configured, no Node built-in inside',
    async () => {
      await writeFile(
        join(webDir, 'index.html'),
        '<!doctype html><button id="connect">Connect</button><p id="output"></p><script type="module" src="/popup.ts"></script>\n',
      );
      const log = await sh(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], webDir);
      expect(log).not.toMatch(/externalized for browser compatibility/);
      const assets = join(webDir, 'dist/assets');
      const scripts = (await readdir(assets)).filter((file) => file.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        const code = await readFile(join(assets, script), 'utf8');
        expect(code).toContain('popup_blocked');
        expect(code).not.toContain('__vite-browser-external');
        expect(code).not.toMatch(/\bfrom\s*["']node:|\brequire\(["']node:/);
      }
    },
    RUN_TIMEOUT_MS,
  );
});

describe('the installed package in use', () => {
  it(
    'node-app.ts: options given as undefined work as if left out; listen() serves a mock; errors are typed',
    async () => {
      const output = await runNode(nodeDir, 'out/node-app.js');
      expect(JSON.parse(output)).toEqual({
        tools: ['whoami', 'echo', 'elevated_echo'],
        fixedIssuer: 'http://127.0.0.1:8000/',
        settingsError: 'SettingsError',
        documentFetch: 'function',
      });
    },
    RUN_TIMEOUT_MS,
  );

  it('node-require.cts: TypeScript compiles it to require() calls, and Node runs them', async () => {
    const compiled = await readFile(join(nodeDir, 'out/node-require.cjs'), 'utf8');
    expect(compiled).toContain('require("mcp-authed-client")');
    expect(JSON.parse(await runNode(nodeDir, 'out/node-require.cjs'))).toEqual({
      createAuthedMcpClient: 'function',
      issuer: 'http://localhost:8000/',
      startMockAuthServer: 'function',
    });
  });

  it('source maps and declaration maps point at files shipped in the package', async () => {
    const packageDir = join(nodeDir, 'node_modules/mcp-authed-client');
    const maps = (await readdir(join(packageDir, 'dist'), { recursive: true }))
      .filter((file) => file.endsWith('.map'))
      .map((file) => join(packageDir, 'dist', file));
    expect(maps.filter((file) => file.endsWith('.d.ts.map')).length).toBeGreaterThan(0);
    expect(maps.filter((file) => file.endsWith('.js.map')).length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot } = JSON.parse(await readFile(map, 'utf8')) as {
        sources: string[];
        sourceRoot?: string;
      };
      for (const source of sources) {
        const target = resolve(dirname(map), sourceRoot ?? '', source);
        if (!existsSync(target)) missing.push(`${relative(packageDir, map)} → ${source}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('a stack trace through the package lands in its shipped TypeScript sources', async () => {
    const script = `
      import { createMockAuthServer } from 'mcp-authed-client/mock-server';
      try {
        createMockAuthServer({ issuerUrl: 'ftp://example.com' });
      } catch (error) {
        console.log(error.stack);
      }
    `;
    const stack = await sh(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', script],
      nodeDir,
    );
    const packageDir = join(nodeDir, 'node_modules/mcp-authed-client');
    const frames = [...stack.matchAll(/\((?:file:\/\/)?(\/[^()]+?):\d+:\d+\)/g)]
      .map((match) => match[1] ?? '')
      .filter((file) => file.startsWith(packageDir));
    expect(frames.length, stack).toBeGreaterThan(0);
    for (const file of frames) {
      expect(file, stack).toMatch(/\/mock-server\/[^/]+(\/[^/]+)*\.ts$/);
      expect(existsSync(file), file).toBe(true);
    }
  });

  it('installs a working mcp-mock-auth-server bin: --help, --version, and it serves', async () => {
    const bin = join(nodeDir, 'node_modules/.bin/mcp-mock-auth-server');
    expect(await sh(bin, ['--help'], nodeDir)).toContain('--port');
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect((await sh(bin, ['--version'], nodeDir)).trim()).toBe(version);
    const cli = await startCli([], { command: { command: bin, args: ['--port', '0'], cwd: nodeDir } });
    const response = await fetch(`${cli.url}/.well-known/oauth-authorization-server`);
    expect(((await response.json()) as { issuer: string }).issuer).toBe(cli.issuer);
    expect((await cli.stop('SIGTERM')).code).toBe(0);
  });
});
