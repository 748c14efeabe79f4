/**
 * How the CLI combines its sources of settings — flags > config file > FASTMCP_AUTH__* environment > defaults —
 * as pure functions.
 */
import type { ClientInformation, MockAuthServerSettings } from '../settings.js';
import { CLI_NAME, CliUsageError, parsePort } from './cli-options.js';
import type { CliInvocation } from './cli-options.js';
import { urlHost } from './node.js';

export const DEFAULT_HOST = '127.0.0.1';
/** FastMCP's default port. */
export const DEFAULT_PORT = 8000;

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
  spec: true,
  beyondFastMcp: true,
  clientIdMetadataDocumentLimits: true,
  mcp: true,
  quirks: true,
} as const satisfies Record<keyof MockAuthServerSettings, true>;

const NESTED_KEYS = [
  'clientRegistrationOptions',
  'revocationOptions',
  'tokenLifetimes',
  'beyondFastMcp',
  'clientIdMetadataDocumentLimits',
  'mcp',
  'quirks',
] as const;

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
  if (!isPlainObject(parsed)) throw new CliUsageError(`${source} must contain a JSON object of settings`);
  for (const key of Object.keys(parsed)) {
    if (!Object.hasOwn(SETTINGS_KEYS, key)) {
      throw new CliUsageError(
        `${source}: unknown setting ${JSON.stringify(key)} (known: ${Object.keys(SETTINGS_KEYS).join(', ')})`,
      );
    }
  }
  for (const key of NESTED_KEYS) {
    if (parsed[key] !== undefined && !isPlainObject(parsed[key])) {
      throw new CliUsageError(`${source}: ${key} must be an object`);
    }
  }
  if (parsed.clients !== undefined && !Array.isArray(parsed.clients)) {
    throw new CliUsageError(`${source}: clients must be a list of client objects`);
  }
  return parsed as Partial<MockAuthServerSettings>;
}

/**
 * Merges layers, later ones winning. Nested option objects merge key by key (a flag turning registration on keeps
 * the config file's scopes); clients merge by `client_id`; `undefined` never overrides.
 */
export function mergeSettings(...layers: Partial<MockAuthServerSettings>[]): Partial<MockAuthServerSettings> {
  const merged: Partial<MockAuthServerSettings> = {};
  for (const layer of layers) {
    if (layer.issuerUrl !== undefined) merged.issuerUrl = layer.issuerUrl;
    if (layer.resourceServerUrl !== undefined) merged.resourceServerUrl = layer.resourceServerUrl;
    if (layer.serviceDocumentationUrl !== undefined)
      merged.serviceDocumentationUrl = layer.serviceDocumentationUrl;
    if (layer.requiredScopes !== undefined) merged.requiredScopes = layer.requiredScopes;
    if (layer.approval !== undefined) merged.approval = layer.approval;
    if (layer.spec !== undefined) merged.spec = layer.spec;
    if (layer.beyondFastMcp !== undefined)
      merged.beyondFastMcp = { ...merged.beyondFastMcp, ...layer.beyondFastMcp };
    if (layer.clientIdMetadataDocumentLimits !== undefined) {
      merged.clientIdMetadataDocumentLimits = {
        ...merged.clientIdMetadataDocumentLimits,
        ...layer.clientIdMetadataDocumentLimits,
      };
    }
    if (layer.mcp !== undefined) merged.mcp = { ...merged.mcp, ...layer.mcp };
    if (layer.quirks !== undefined) merged.quirks = { ...merged.quirks, ...layer.quirks };
    if (layer.clientRegistrationOptions !== undefined) {
      merged.clientRegistrationOptions = {
        ...merged.clientRegistrationOptions,
        ...layer.clientRegistrationOptions,
      };
    }
    if (layer.revocationOptions !== undefined) {
      merged.revocationOptions = { ...merged.revocationOptions, ...layer.revocationOptions };
    }
    if (layer.tokenLifetimes !== undefined) {
      merged.tokenLifetimes = { ...merged.tokenLifetimes, ...layer.tokenLifetimes };
    }
    if (layer.clients !== undefined) merged.clients = mergeClients(merged.clients ?? [], layer.clients);
  }
  return merged;
}

function mergeClients(base: ClientInformation[], overrides: ClientInformation[]): ClientInformation[] {
  const byId = new Map<unknown, ClientInformation>();
  const anonymous: ClientInformation[] = [];
  for (const client of [...base, ...overrides]) {
    // A client without an id cannot be matched; keep it so validateSettings reports it.
    if (isPlainObject(client) && typeof client.client_id === 'string') byId.set(client.client_id, client);
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

/** Fills in the issuer from the address actually bound, unless one was configured. */
export function completeSettings(
  merged: Partial<MockAuthServerSettings>,
  bound: { host: string; port: number },
): MockAuthServerSettings {
  return { ...merged, issuerUrl: merged.issuerUrl ?? `http://${urlHost(bound.host)}:${bound.port}` };
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
