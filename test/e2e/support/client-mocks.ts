/**
 * The mocks the harness page connects to: the project's Vite plugin (same origin as the page) and the CLI as a child
 * process on another loopback port (cross-origin).
 */
import type { PluginOption } from 'vite';
import {
  createMockAuthServer,
  type MockAuthServer,
  type MockAuthServerSettings,
} from '../../../mock-server/index.js';
import { mockAuthServerPlugin } from '../../../mock-server/runtimes/vite.js';
import { startCli, type Exit, type RunningCli } from '../../integration/runtimes/cli-process.js';

export interface PluginMock {
  readonly plugin: PluginOption;
  /** The mock, created by the plugin on the dev server's first request. */
  mock(): MockAuthServer;
}

/**
 * The Vite plugin serving a mock with dynamic registration and revocation (and `settings`), its issuer the dev
 * server's origin.
 */
export function pluginMock(settings: Partial<MockAuthServerSettings> = {}): PluginMock {
  let mock: MockAuthServer | undefined;
  return {
    plugin: mockAuthServerPlugin(({ origin }) => {
      mock = createMockAuthServer({
        issuerUrl: origin,
        clientRegistrationOptions: { enabled: true },
        revocationOptions: { enabled: true },
        ...settings,
      });
      return mock;
    }),
    mock() {
      if (mock === undefined) throw new Error('the plugin has not created the mock yet: load a page first');
      return mock;
    },
  };
}

export interface CliMock {
  /** Origin of the mock, e.g. http://127.0.0.1:45678 (no trailing slash). */
  readonly url: string;
  readonly mcpUrl: string;
  stop(): Promise<Exit>;
}

/** Runs `mcp-mock-auth-server --port 0 --registration --revocation ...extraArgs` and waits (bounded) for it. */
export async function startCliMock(extraArgs: readonly string[], timeoutMs = 20_000): Promise<CliMock> {
  let timer: NodeJS.Timeout | undefined;
  const started = startCli([
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--registration',
    '--revocation',
    ...extraArgs,
  ]);
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the CLI mock was not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  let cli: RunningCli;
  try {
    cli = await Promise.race([started, timedOut]);
  } catch (error) {
    // Started late or not at all: make sure no process is left behind.
    started.then((late) => late.stop('SIGKILL')).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const url = cli.url.replace(/\/$/, '');
  return {
    url,
    mcpUrl: `${url}/mcp`,
    async stop() {
      const stopped = cli.stop('SIGTERM');
      const killTimer = setTimeout(() => void cli.stop('SIGKILL'), 5_000);
      try {
        return await stopped;
      } finally {
        clearTimeout(killTimer);
      }
    },
  };
}
