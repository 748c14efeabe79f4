/**
 * The CLI's I/O: read the config file, bind, print the ready line, wait for a signal, stop. The decisions are in
 * cli-options.ts, cli-settings.ts and env-settings.ts.
 */
import { readFile } from 'node:fs/promises';
import { createControlApiHandler } from '../controls/http-controls.js';
import {
  createMockAuthServer,
  SettingsError,
  validateSettings,
  type MockAuthServerSettings,
} from '../index.js';
import { CLI_HELP, CLI_NAME } from './cli-help.js';
import { CliUsageError, parseCliArgs } from './cli-options.js';
import {
  completeSettings,
  internalErrorLine,
  listeningLine,
  mergeSettingsLayers,
  parseConfigFile,
  resolveAddress,
} from './cli-settings.js';
import { createNodeDocumentFetch } from './cimd-fetch-node.js';
import { settingsFromEnv } from './env-settings.js';
import { listen } from './node.js';
import type { FetchHandler } from './node.js';

export interface CliIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopRequested: Promise<unknown>;
}

/** Exit codes: 0 stopped cleanly or help, 1 could not bind, 2 bad usage or settings. */
export async function runCli(io: CliIo): Promise<number> {
  let plan: {
    address: { host: string; port: number };
    settings: Partial<MockAuthServerSettings>;
    preset: string | undefined;
    controlPath: string | undefined;
  };
  try {
    const invocation = parseCliArgs(io.argv);
    if (invocation.help) {
      io.stdout(CLI_HELP);
      return 0;
    }
    const fromConfig = invocation.configFile === undefined ? {} : await readConfig(invocation.configFile);
    const settings = mergeSettingsLayers(settingsFromEnv(io.env), fromConfig, invocation.settings);
    const address = resolveAddress(invocation, io.env);
    // Validate before binding (with the port asked for), so bad settings never open a socket.
    validateSettings(completeSettings(settings, address));
    plan = { address, settings, preset: invocation.preset, controlPath: invocation.controlPath };
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof SettingsError) {
      io.stderr(`${CLI_NAME}: ${error.message}\nRun ${CLI_NAME} --help for the options.\n`);
      return 2;
    }
    throw error;
  }

  let handler: FetchHandler = async () => new Response('Starting', { status: 503 });
  let server;
  try {
    // Handler failures are reported on stderr by the node runtime (method and path only).
    server = await listen((request) => handler(request), plan.address);
  } catch (error) {
    io.stderr(
      `${CLI_NAME}: cannot listen on ${plan.address.host}:${plan.address.port}: ${describe(error)}\n`,
    );
    return 1;
  }
  try {
    const settings = completeSettings(plan.settings, { host: plan.address.host, port: server.port });
    // Node can resolve names, so CIMD fetches refuse names that resolve to private addresses (the in-process
    // default only checks what the URL says).
    const mock = createMockAuthServer(settings, {
      fetchClientIdMetadataDocument: createNodeDocumentFetch(),
      onError: (error, request) => io.stderr(`${internalErrorLine(error, request)}\n`),
    });
    if (plan.preset !== undefined) mock.control.usePreset(plan.preset);
    if (plan.controlPath === undefined) handler = (request) => mock.fetch(request);
    else {
      // In front of the mock: control requests are not the mocked server's traffic, so its log never sees them.
      const controls = createControlApiHandler(mock, plan.controlPath);
      handler = async (request) => (await controls(request)) ?? mock.fetch(request);
    }
    io.stdout(`${listeningLine(server.url, mock.settings.issuerUrl)}\n`);
  } catch (error) {
    await server.close();
    if (error instanceof SettingsError) {
      io.stderr(`${CLI_NAME}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  await io.stopRequested;
  await server.close();
  return 0;
}

async function readConfig(path: string): Promise<Partial<MockAuthServerSettings>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read --config ${path}: ${describe(error)}`);
  }
  return parseConfigFile(text, path);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
