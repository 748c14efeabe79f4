/**
 * Starting the authorization server under test: by default our mock server's CLI, with one pre-registered client,
 * on a port the system picks. The CLI prints the URL it listens on; the issuer is then read from the server's
 * own metadata, so the suite is pointed at exactly the issuer the server announces.
 */
import { REPO_ROOT } from './conformance-cli.js';
import { startProcess } from './processes.js';

/** The pre-registered client the suite uses (RFC 7591 client information fields). */
export interface PreRegisteredClient {
  readonly client_id: string;
  readonly client_secret?: string;
  readonly client_name: string;
  readonly redirect_uris: readonly string[];
  readonly grant_types: readonly string[];
  readonly response_types: readonly string[];
  readonly token_endpoint_auth_method: 'client_secret_post' | 'client_secret_basic' | 'none';
}

/** Our mock server, approving at once (the suite's authorization step is completed without a browser). */
export const DEFAULT_SERVER_COMMAND: readonly string[] = [
  'npx',
  'tsx',
  'mock-server/runtimes/cli.ts',
  '--no-consent',
];

export interface RunningAuthorizationServer {
  /** The URL the server printed. */
  readonly url: string;
  /** The `issuer` of its authorization-server metadata. */
  readonly issuer: string;
  readonly stop: () => Promise<void>;
  /** What it printed (for diagnostics). */
  readonly output: () => string;
}

const STARTUP_TIMEOUT_MS = 30_000;
const LIFETIME_MS = 300_000;
const LISTENING_URL = /\bhttps?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+[^\s"'<>]*/;

export class AuthorizationServerStartError extends Error {
  override readonly name = 'AuthorizationServerStartError';
}

/** The first loopback URL in a line of the server's output. */
export function listeningUrlIn(line: string): string | undefined {
  return LISTENING_URL.exec(line)?.[0].replace(/[.,;:)]+$/, '');
}

async function readIssuer(url: string): Promise<string> {
  // FastMCP serves its metadata at the root whatever path its issuer has; the mock does the same.
  const metadataUrl = new URL('/.well-known/oauth-authorization-server', url);
  const response = await fetch(metadataUrl, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok)
    throw new AuthorizationServerStartError(`${metadataUrl.href} answered ${response.status}`);
  const body: unknown = await response.json();
  const issuer =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).issuer : undefined;
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) {
    throw new AuthorizationServerStartError(`${metadataUrl.href} has no usable "issuer"`);
  }
  if (new URL(issuer).origin !== new URL(url).origin) {
    throw new AuthorizationServerStartError(`issuer ${issuer} is not served by the server at ${url}`);
  }
  return issuer;
}

/**
 * Starts the server (`command` + `--port 0 --client <json>`), waits for the URL it prints and reads its issuer.
 * The process is stopped on failure; on success the caller must call `stop()`.
 */
export async function startAuthorizationServer(
  client: PreRegisteredClient,
  command: readonly string[] = DEFAULT_SERVER_COMMAND,
): Promise<RunningAuthorizationServer> {
  const [executable, ...baseArgs] = command;
  if (executable === undefined) throw new AuthorizationServerStartError('empty server command');
  let announce: ((url: string) => void) | undefined;
  const announced = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const server = startProcess(executable, [...baseArgs, '--port', '0', '--client', JSON.stringify(client)], {
    cwd: REPO_ROOT,
    timeoutMs: LIFETIME_MS,
    onLine: (_stream, line) => {
      const url = listeningUrlIn(line);
      if (url !== undefined) announce?.(url);
    },
  });
  const output = (): string => `${server.output('stdout')}${server.output('stderr')}`;
  const stop = async (): Promise<void> => {
    await server.stop();
  };

  const exitedEarly = server.exited.then((exit) => {
    throw new AuthorizationServerStartError(
      `the server exited (code ${String(exit.code)}) before printing its URL:\n${output().slice(-2_000)}`,
    );
  });
  // Only the race below reads it; once the URL is known, a later exit is no error.
  exitedEarly.catch(() => undefined);
  let startupTimer: NodeJS.Timeout | undefined;
  try {
    const url = await Promise.race([
      announced,
      exitedEarly,
      new Promise<never>((_, reject) => {
        startupTimer = setTimeout(
          () =>
            reject(new AuthorizationServerStartError(`no URL printed within ${STARTUP_TIMEOUT_MS / 1000}s`)),
          STARTUP_TIMEOUT_MS,
        );
      }),
    ]);
    const issuer = await readIssuer(url);
    return { url, issuer, stop, output };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(startupTimer);
  }
}
