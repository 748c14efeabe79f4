/**
 * The CLI's I/O: read the config file, serve the mock (on `startMockAuthServer`'s bind path), print the ready line,
 * wait for a signal, stop. The decisions are in cli-options.ts, cli-settings.ts and env-settings.ts.
 */
import { readFile } from 'node:fs/promises';
import { SettingsError, type MockAuthServerSettings } from '../index.js';
import { CLI_HELP, CLI_NAME } from './cli-help.js';
import { CliUsageError, parseCliArgs } from './cli-options.js';
import { withRequestLog } from './cli-request-log.js';
import {
  bindFailureLine,
  internalErrorLine,
  isBindError,
  listeningLine,
  mergeSettingsLayers,
  parseConfigFile,
  resolveAddress,
} from './cli-settings.js';
import { readPackageVersion } from './cli-version.js';
import { createNodeDocumentFetch } from './cimd-fetch-node.js';
import { settingsFromEnv } from './env-settings.js';
import { serveMockAuthServer, type RunningMockAuthServer } from './node-mock-server.js';
import type { FetchHandler } from './node.js';

export interface CliIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopRequested: Promise<unknown>;
}

/** What to serve, once the command line, the config file and the environment are read. */
interface ServePlan {
  address: { host: string; port: number };
  settings: Partial<MockAuthServerSettings>;
  preset: string | undefined;
  controlPath: string | undefined;
  verbose: boolean;
}

/** Exit codes: 0 stopped cleanly, help or version; 1 could not bind; 2 bad usage or settings. */
export async function runCli(io: CliIo): Promise<number> {
  let plan: ServePlan;
  try {
    const invocation = parseCliArgs(io.argv);
    if (invocation.help) {
      io.stdout(CLI_HELP);
      return 0;
    }
    if (invocation.version) {
      io.stdout(`${(await readPackageVersion()) ?? 'unknown'}\n`);
      return 0;
    }
    const fromConfig = invocation.configFile === undefined ? {} : await readConfig(invocation.configFile);
    plan = {
      address: resolveAddress(invocation, io.env),
      settings: mergeSettingsLayers(settingsFromEnv(io.env), fromConfig, invocation.settings),
      preset: invocation.preset,
      controlPath: invocation.controlPath,
      verbose: invocation.verbose,
    };
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof SettingsError) return usageFailure(io, error);
    throw error;
  }

  let server: RunningMockAuthServer;
  try {
    // Settings are validated before binding (with the port asked for), so bad settings never open a socket.
    server = await serve(plan, io);
  } catch (error) {
    if (error instanceof SettingsError) return usageFailure(io, error);
    if (isBindError(error)) {
      io.stderr(`${bindFailureLine(plan.address, error)}\n`);
      return 1;
    }
    throw error;
  }
  try {
    if (plan.preset !== undefined) server.mock.control.usePreset(plan.preset);
  } catch (error) {
    await server.close();
    if (error instanceof SettingsError) {
      io.stderr(`${CLI_NAME}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  io.stdout(`${listeningLine(server.url, server.mock.settings.issuerUrl)}\n`);
  await io.stopRequested;
  await server.close();
  return 0;
}

function serve(plan: ServePlan, io: CliIo): Promise<RunningMockAuthServer> {
  const logRequests = (handler: FetchHandler): FetchHandler =>
    withRequestLog(handler, { write: (line) => io.stderr(`${line}\n`) });
  return serveMockAuthServer(
    plan.settings,
    {
      host: plan.address.host,
      port: plan.address.port,
      controlPath: plan.controlPath,
      // Node can resolve names, so CIMD fetches refuse names that resolve to private addresses (the in-process
      // default only checks what the URL says).
      fetchClientIdMetadataDocument: createNodeDocumentFetch(),
      onError: (error, request) => io.stderr(`${internalErrorLine(error, request)}\n`),
    },
    plan.verbose ? logRequests : undefined,
  );
}

function usageFailure(io: CliIo, error: Error): number {
  io.stderr(`${CLI_NAME}: ${error.message}\nRun ${CLI_NAME} --help for the options.\n`);
  return 2;
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
