/**
 * How the CLI combines its sources of settings — flags > config file > FASTMCP_AUTH__* environment > defaults —
 * as pure functions.
 */
import { isRecord } from '../objects.js';
import type { ClientInformation, MockAuthServerSettings } from '../settings.js';
import { CLI_NAME } from './cli-help.js';
import { CliUsageError, parsePort, type CliInvocation } from './cli-options.js';

const DEFAULT_HOST = '127.0.0.1';
/** FastMCP's default port. */
const DEFAULT_PORT = 8000;

/**
 * Every top-level settings key. `satisfies` makes the type checker fail here when a setting is added to
 * `MockAuthServerSettings`, so the config file never silently rejects (or ignores) a new setting.
 */
const SETTINGS_KEYS = {
  issuerUrl: true,
  resourceServerUrl: true,
  serviceDocumentationUrl: true,
  requiredScopes: true,
  clientRegistrationOptions: true,
  revocationOptions: true,
  approval: true,
  clients: true,
  tokenLifetimes: true,
  stateLimits: true,
  spec: true,
  beyondFastMcp: true,
  clientIdMetadataDocumentLimits: true,
  mcp: true,
  quirks: true,
  transportSecurity: true,
  dpop: true,
  trustedAssertionIssuers: true,
} as const satisfies Record<keyof MockAuthServerSettings, true>;

/** The settings that are objects of options: layers merge them key by key. */
const NESTED_KEYS: ReadonlySet<keyof MockAuthServerSettings> = new Set([
  'clientRegistrationOptions',
  'revocationOptions',
  'tokenLifetimes',
  'stateLimits',
  'beyondFastMcp',
  'clientIdMetadataDocumentLimits',
  'mcp',
  'quirks',
  'transportSecurity',
  'dpop',
] as const);

/**
 * Parses a `--config` file. Checks the JSON shape only as far as merging needs (object, known keys, nested objects,
 * client list); values are validated with everything else by `validateSettings`.
 *
 * @throws CliUsageError naming `source` for malformed JSON, unknown keys and wrong shapes.
 */
export function parseConfigFile(text: string, source: string): Partial<MockAuthServerSettings> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(
      `${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isRecord(parsed)) throw new CliUsageError(`${source} must contain a JSON object of settings`);
  for (const key of Object.keys(parsed)) {
    if (!Object.hasOwn(SETTINGS_KEYS, key)) {
      throw new CliUsageError(
        `${source}: unknown setting ${JSON.stringify(key)} (known: ${Object.keys(SETTINGS_KEYS).join(', ')})`,
      );
    }
  }
  for (const key of NESTED_KEYS) {
    if (parsed[key] !== undefined && !isRecord(parsed[key])) {
      throw new CliUsageError(`${source}: ${key} must be an object`);
    }
  }
  if (parsed.clients !== undefined && !Array.isArray(parsed.clients)) {
    throw new CliUsageError(`${source}: clients must be a list of client objects`);
  }
  return parsed as Partial<MockAuthServerSettings>;
}

/**
 * Merges the CLI's layers of settings (environment, config file, flags), later ones winning. Nested option objects
 * merge key by key (a flag turning registration on keeps the config file's scopes); clients merge by `client_id`;
 * `undefined` never overrides; keys that are not settings are dropped.
 */
export function mergeSettingsLayers(
  ...layers: Partial<MockAuthServerSettings>[]
): Partial<MockAuthServerSettings> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const key of Object.keys(SETTINGS_KEYS) as Array<keyof MockAuthServerSettings>) {
      const value: unknown = layer[key];
      if (value === undefined) continue;
      if (key === 'clients') {
        merged[key] = mergeClients(
          (merged[key] as ClientInformation[] | undefined) ?? [],
          value as ClientInformation[],
        );
      } else if (NESTED_KEYS.has(key)) {
        merged[key] = { ...(merged[key] as object | undefined), ...(value as object) };
      } else {
        merged[key] = value;
      }
    }
  }
  return merged as Partial<MockAuthServerSettings>;
}

function mergeClients(base: ClientInformation[], overrides: ClientInformation[]): ClientInformation[] {
  const byId = new Map<unknown, ClientInformation>();
  const anonymous: ClientInformation[] = [];
  for (const client of [...base, ...overrides]) {
    // A client without an id cannot be matched; keep it so validateSettings reports it.
    if (isRecord(client) && typeof client['client_id'] === 'string') byId.set(client['client_id'], client);
    else anonymous.push(client);
  }
  return [...byId.values(), ...anonymous];
}

/** Host and port: flags > FastMCP's `FASTMCP_HOST` / `FASTMCP_PORT` > 127.0.0.1:8000. */
export function resolveAddress(
  invocation: Pick<CliInvocation, 'host' | 'port'>,
  env: Readonly<Record<string, string | undefined>>,
): { host: string; port: number } {
  const envHost = env.FASTMCP_HOST?.trim();
  const envPort = env.FASTMCP_PORT?.trim();
  return {
    host: invocation.host ?? (envHost ? envHost : DEFAULT_HOST),
    port: invocation.port ?? (envPort ? parsePort('FASTMCP_PORT', envPort) : DEFAULT_PORT),
  };
}

/** The single stdout line other tools wait for and parse (see {@link parseListeningLine}). */
export function listeningLine(url: string, issuer: string): string {
  return `${CLI_NAME} listening on ${url} (issuer ${issuer})`;
}

/** Reads back a {@link listeningLine}: the server URL and the issuer, or `undefined` for any other line. */
export function parseListeningLine(line: string): { url: string; issuer: string } | undefined {
  const match = /^mcp-mock-auth-server listening on (\S+) \(issuer (\S+)\)$/.exec(line.trim());
  return match ? { url: match[1] as string, issuer: match[2] as string } : undefined;
}

/**
 * The stderr line for a request the mock failed on: method, path (never the query: it may hold a code or state) and
 * the error's message.
 */
export function internalErrorLine(error: unknown, request: Pick<Request, 'method' | 'url'>): string {
  const path = URL.canParse(request.url) ? new URL(request.url).pathname : '?';
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${CLI_NAME}: internal error answering ${request.method} ${path}: ${message}`;
}

/**
 * The stderr line when the address cannot be bound: the port and what to do about it, not Node's error object. The
 * common causes get advice; anything else keeps the system's message.
 */
export function bindFailureLine(address: { host: string; port: number }, error: unknown): string {
  const where = `${address.host}:${address.port}`;
  const code = errorCode(error);
  if (code === 'EADDRINUSE') {
    return `${CLI_NAME}: port ${address.port} is already in use on ${address.host}; pass --port 0 for a free port, or --port <n> for another one`;
  }
  if (code === 'EACCES') {
    return `${CLI_NAME}: not allowed to listen on ${where} (ports below 1024 usually need privileges); pass --port 0 for a free port, or --port <n> for another one`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `${CLI_NAME}: cannot listen on ${where}: ${address.host} is not an address of this machine; pass --host 127.0.0.1 or another local interface`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${CLI_NAME}: cannot listen on ${where}: ${message}`;
}

/** Whether `error` is the system's refusal to bind (as `net.Server#listen` rejects), rather than a bug. */
export function isBindError(error: unknown): boolean {
  return (
    error instanceof Error &&
    typeof errorCode(error) === 'string' &&
    ['listen', 'bind', 'getaddrinfo'].includes(String((error as { syscall?: unknown }).syscall))
  );
}

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
