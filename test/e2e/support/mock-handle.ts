/**
 * The mock a browser test signs in against, wherever it runs: in the page's Vite dev server (same origin, driven
 * in-process) or as the CLI on another loopback port (cross-origin, CORS on, driven through its HTTP control API).
 */
import type { MockAuthServer, RequestLogEntry } from '../../../mock-server/index.js';
import { serveHarness } from './client-harness.js';
import { pluginMock, startCliMock } from './client-mocks.js';

export interface MockHandle {
  /** The harness page's origin. */
  readonly pageUrl: string;
  readonly mcpUrl: string;
  requests(): Promise<readonly RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  setApproval(mode: 'auto' | 'consent'): Promise<void>;
  delayNext(target: 'resource-metadata' | 'token', ms: number): Promise<void>;
  expireAccessTokens(): Promise<void>;
  close(): Promise<void>;
}

export interface MockSetup {
  readonly name: string;
  start(): Promise<MockHandle>;
}

const CONTROL_PATH = '/__mock';

function inProcess(mock: () => MockAuthServer, pageUrl: string, close: () => Promise<void>): MockHandle {
  return {
    pageUrl,
    mcpUrl: `${pageUrl}/mcp`,
    requests: async () => mock().control.requests(),
    clearRequests: async () => mock().control.clearRequests(),
    setApproval: async (approval) => void mock().control.reconfigure({ approval }),
    delayNext: async (target, ms) => mock().control.delayNext(target, ms),
    expireAccessTokens: async () => void mock().control.expireAllTokens('access'),
    close,
  };
}

function overHttp(mockUrl: string, pageUrl: string, close: () => Promise<void>): MockHandle {
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${mockUrl}${CONTROL_PATH}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`the mock's control API answered ${response.status} to ${method} ${path}`);
    return response.json();
  };
  return {
    pageUrl,
    mcpUrl: `${mockUrl}/mcp`,
    requests: async () => ((await control('GET', '/requests')) as { entries: RequestLogEntry[] }).entries,
    clearRequests: async () => void (await control('DELETE', '/requests')),
    setApproval: async (mode) => void (await control('POST', '/approval', { mode })),
    delayNext: async (target, delayMs) => void (await control('POST', '/fault', { target, delayMs })),
    expireAccessTokens: async () =>
      void (await control('POST', '/tokens', { action: 'expire', kind: 'access' })),
    close,
  };
}

export const MOCK_SETUPS: readonly MockSetup[] = [
  {
    name: 'same origin (the Vite plugin)',
    async start() {
      const served = pluginMock();
      const server = await serveHarness([served.plugin]);
      return inProcess(
        () => served.mock(),
        server.url,
        () => server.close(),
      );
    },
  },
  {
    name: 'cross-origin (the CLI, CORS on)',
    async start() {
      const server = await serveHarness();
      const cli = await startCliMock(['--mcp-cors', '--control-path', CONTROL_PATH]);
      return overHttp(cli.url, server.url, async () => {
        await Promise.all([server.close(), cli.stop()]);
      });
    },
  },
];
