/**
 * The `mcp-mock-auth-server` command line, as pure functions: argv → what to do. No I/O here, so every flag is
 * unit-tested without starting a process.
 */
import { parseArgs } from 'node:util';
import { controlPathProblem, normalizeControlPath } from '../controls/http-controls.js';
import { MOCK_SERVER_PRESET_NAMES, type MockServerPresetName } from '../presets.js';
import { isRecord } from '../objects.js';
import { MCP_PROTOCOL_ERAS, type BeyondFastMcpFlag, type McpProtocolEra } from '../settings-beyond.js';
import { DPOP_ALGORITHMS, type DpopAlgorithm } from '../dpop/algorithms.js';
import { DPOP_NONCE_MODES, type DpopNonceMode, type DpopOptions } from '../dpop/settings.js';
import type { ClientInformation, MockAuthServerSettings, TokenLifetimes } from '../settings.js';
import type { StateLimits } from '../settings-limits.js';
import type { TransportSecuritySettings } from '../mcp/transport-security.js';

/** The command line cannot be used as given; the CLI prints the message and exits with code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** What the command line asks for, before the config file and the environment are consulted. */
export interface CliInvocation {
  help: boolean;
  /** `--version`: print the package version and exit. */
  version: boolean;
  /** `--verbose`: one stderr line per request, secrets left out. */
  verbose: boolean;
  host?: string;
  port?: number;
  /** Path of a JSON file in `MockAuthServerSettings` shape. */
  configFile?: string;
  /** A built-in server variant applied on top of the settings (see mock-server/presets.ts). */
  preset?: MockServerPresetName;
  /** Where to serve the HTTP control API (controls/http-controls.ts), e.g. `/__mock`; absent: not served. */
  controlPath?: string;
  /** Settings given as flags: the highest-precedence layer. */
  settings: Partial<MockAuthServerSettings>;
}

/** Command-line switch → the `beyondFastMcp` setting it sets. */
const BEYOND_SWITCHES = {
  iss: 'authorizationResponseIss',
  'path-aware-metadata': 'pathAwareMetadata',
  cimd: 'clientIdMetadataDocuments',
  'challenge-scope': 'challengeScope',
  'audience-binding': 'audienceBinding',
  'code-replay-revocation': 'codeReplayRevokesGrant',
  'refresh-reuse-revocation': 'refreshTokenReuseRevokesFamily',
  'advertise-none': 'advertisePublicClients',
  'mcp-cors': 'mcpCors',
  'step-up': 'stepUpChallenge',
  'restrict-redirect-schemes': 'restrictRedirectUriSchemes',
  'client-credentials': 'clientCredentialsGrant',
  dpop: 'dpop',
  'jwt-bearer': 'jwtBearerGrant',
} as const satisfies Record<string, BeyondFastMcpFlag>;

/** On/off flags, each given as `--<name>` or `--no-<name>`. */
type Switch =
  'registration' | 'revocation' | 'consent' | 'dns-rebinding-protection' | keyof typeof BEYOND_SWITCHES;

const SWITCHES: readonly Switch[] = [
  'registration',
  'revocation',
  'consent',
  'dns-rebinding-protection',
  ...(Object.keys(BEYOND_SWITCHES) as Array<keyof typeof BEYOND_SWITCHES>),
];

/** `parseArgs` options for `--<name>` and `--no-<name>` of every switch. */
function switchOptions<S extends string>(names: readonly S[]): Record<S | `no-${S}`, { type: 'boolean' }> {
  return Object.fromEntries(
    names.flatMap((name) => [
      [name, { type: 'boolean' }],
      [`no-${name}`, { type: 'boolean' }],
    ]),
  ) as Record<S | `no-${S}`, { type: 'boolean' }>;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  verbose: { type: 'boolean', short: 'v' },
  host: { type: 'string' },
  port: { type: 'string' },
  config: { type: 'string' },
  'issuer-url': { type: 'string' },
  'resource-server-url': { type: 'string' },
  'service-documentation-url': { type: 'string' },
  'required-scopes': { type: 'string' },
  'valid-scopes': { type: 'string' },
  'default-scopes': { type: 'string' },
  'client-secret-expiry-seconds': { type: 'string' },
  'authorization-code-seconds': { type: 'string' },
  'access-token-seconds': { type: 'string' },
  'refresh-token-seconds': { type: 'string' },
  'consent-seconds': { type: 'string' },
  'max-clients': { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-pending-authorizations': { type: 'string' },
  client: { type: 'string', multiple: true },
  spec: { type: 'string' },
  preset: { type: 'string' },
  'control-path': { type: 'string' },
  'allowed-hosts': { type: 'string' },
  'allowed-origins': { type: 'string' },
  'protocol-eras': { type: 'string' },
  'dpop-nonce': { type: 'string' },
  'dpop-algs': { type: 'string' },
  ...switchOptions(SWITCHES),
} as const;

/**
 * Parses the arguments after the program name.
 *
 * @throws CliUsageError for unknown flags, missing or malformed values, positionals and contradictions.
 */
export function parseCliArgs(argv: readonly string[]): CliInvocation {
  const values = parseStrict(argv);
  const invocation: CliInvocation = {
    help: values.help === true,
    version: values.version === true,
    verbose: values.verbose === true,
    settings: {},
  };
  if (values.host !== undefined) invocation.host = nonEmpty('--host', values.host);
  if (values.port !== undefined) invocation.port = parsePort('--port', values.port);
  if (values.config !== undefined) invocation.configFile = nonEmpty('--config', values.config);
  if (values.preset !== undefined) {
    if (!(MOCK_SERVER_PRESET_NAMES as readonly string[]).includes(values.preset)) {
      throw new CliUsageError(
        `--preset must be one of ${MOCK_SERVER_PRESET_NAMES.join(', ')}, got ${JSON.stringify(values.preset)}`,
      );
    }
    invocation.preset = values.preset as MockServerPresetName;
  }
  if (values['control-path'] !== undefined) {
    const controlPath = values['control-path'].trim();
    const problem = controlPathProblem(controlPath);
    if (problem !== undefined) throw new CliUsageError(`--control-path ${problem}`);
    invocation.controlPath = normalizeControlPath(controlPath);
  }

  const settings = invocation.settings;
  if (values['issuer-url'] !== undefined) settings.issuerUrl = nonEmpty('--issuer-url', values['issuer-url']);
  if (values['resource-server-url'] !== undefined) {
    settings.resourceServerUrl = nonEmpty('--resource-server-url', values['resource-server-url']);
  }
  if (values['service-documentation-url'] !== undefined) {
    settings.serviceDocumentationUrl = nonEmpty(
      '--service-documentation-url',
      values['service-documentation-url'],
    );
  }
  if (values['required-scopes'] !== undefined)
    settings.requiredScopes = parseScopeList(values['required-scopes']);

  const registration = switchValue(values, 'registration');
  const validScopes = values['valid-scopes'];
  const defaultScopes = values['default-scopes'];
  const expiry = values['client-secret-expiry-seconds'];
  if (
    registration !== undefined ||
    validScopes !== undefined ||
    defaultScopes !== undefined ||
    expiry !== undefined
  ) {
    settings.clientRegistrationOptions = {};
    if (registration !== undefined) settings.clientRegistrationOptions.enabled = registration;
    if (validScopes !== undefined)
      settings.clientRegistrationOptions.validScopes = parseScopeList(validScopes);
    if (defaultScopes !== undefined)
      settings.clientRegistrationOptions.defaultScopes = parseScopeList(defaultScopes);
    if (expiry !== undefined) {
      settings.clientRegistrationOptions.clientSecretExpirySeconds = parseSeconds(
        '--client-secret-expiry-seconds',
        expiry,
      );
    }
  }
  const revocation = switchValue(values, 'revocation');
  if (revocation !== undefined) settings.revocationOptions = { enabled: revocation };
  const consent = switchValue(values, 'consent');
  if (consent !== undefined) settings.approval = consent ? 'consent' : 'auto';
  if (values.client !== undefined) settings.clients = values.client.map(parseClientJson);
  const transportSecurity = parseTransportSecurity(values);
  if (transportSecurity !== undefined) settings.transportSecurity = transportSecurity;

  if (values['protocol-eras'] !== undefined) {
    settings.mcp = { protocolEras: parseProtocolEras(values['protocol-eras']) };
  }
  const dpop = parseDpopOptions(values);
  if (dpop !== undefined) settings.dpop = dpop;
  if (values.spec !== undefined) {
    if (values.spec !== 'fastmcp' && values.spec !== 'latest') {
      throw new CliUsageError(`--spec must be fastmcp or latest, got ${JSON.stringify(values.spec)}`);
    }
    settings.spec = values.spec;
  }
  for (const [flag, setting] of Object.entries(BEYOND_SWITCHES)) {
    const value = switchValue(values, flag as keyof typeof BEYOND_SWITCHES);
    if (value !== undefined) settings.beyondFastMcp = { ...settings.beyondFastMcp, [setting]: value };
  }

  const lifetimes = parseLifetimes(values);
  if (Object.keys(lifetimes).length > 0) settings.tokenLifetimes = lifetimes;
  const limits = parseStateLimits(values);
  if (Object.keys(limits).length > 0) settings.stateLimits = limits;
  return invocation;
}

type ParsedValues = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

function parseStrict(argv: readonly string[]): ParsedValues {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs reports unknown flags, missing values and positionals as TypeErrors with readable messages.
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
}

/** An on/off flag pair (`--x` / `--no-x`); both at once is a contradiction, neither means "not given". */
function switchValue(values: ParsedValues, flag: Switch): boolean | undefined {
  const on = values[flag] === true;
  const off = values[`no-${flag}`] === true;
  if (on && off) throw new CliUsageError(`--${flag} and --no-${flag} contradict each other`);
  return on ? true : off ? false : undefined;
}

/** `--protocol-eras 2025-11-25,2026-07-28`: which MCP eras the endpoint serves (one or both). */
function parseProtocolEras(value: string): McpProtocolEra[] {
  const eras = value.split(',').map((era) => era.trim());
  const known: readonly string[] = MCP_PROTOCOL_ERAS;
  const unknown = eras.find((era) => !known.includes(era));
  if (unknown !== undefined) {
    throw new CliUsageError(
      `--protocol-eras takes ${MCP_PROTOCOL_ERAS.join(' and/or ')}, comma-separated; got ${JSON.stringify(unknown)}`,
    );
  }
  return eras as McpProtocolEra[];
}

/** `--dpop-nonce <none|as|rs|both>` and `--dpop-algs <a,b>`: the `dpop` options (the switch is `--dpop`). */
function parseDpopOptions(values: ParsedValues): DpopOptions | undefined {
  const nonce = values['dpop-nonce']?.trim();
  const algs = values['dpop-algs'];
  if (nonce === undefined && algs === undefined) return undefined;
  const options: DpopOptions = {};
  if (nonce !== undefined) {
    if (!(DPOP_NONCE_MODES as readonly string[]).includes(nonce)) {
      throw new CliUsageError(
        `--dpop-nonce must be one of ${DPOP_NONCE_MODES.join(', ')}, got ${JSON.stringify(nonce)}`,
      );
    }
    options.nonce = nonce as DpopNonceMode;
  }
  if (algs !== undefined) {
    const list = parseScopeList(algs);
    const unknown = list.find((alg) => !(DPOP_ALGORITHMS as readonly string[]).includes(alg));
    if (list.length === 0 || unknown !== undefined) {
      throw new CliUsageError(
        `--dpop-algs takes ${DPOP_ALGORITHMS.join(', ')}, comma-separated; got ${JSON.stringify(unknown ?? algs)}`,
      );
    }
    options.algorithms = list as DpopAlgorithm[];
  }
  return options;
}

/** FastMCP's `transport_security`: any of the three flags replaces the loopback default as a whole. */
function parseTransportSecurity(values: ParsedValues): TransportSecuritySettings | undefined {
  const enabled = switchValue(values, 'dns-rebinding-protection');
  const hosts = values['allowed-hosts'];
  const origins = values['allowed-origins'];
  if (enabled === undefined && hosts === undefined && origins === undefined) return undefined;
  const security: TransportSecuritySettings = {};
  if (enabled !== undefined) security.enableDnsRebindingProtection = enabled;
  if (hosts !== undefined) security.allowedHosts = parseScopeList(hosts);
  if (origins !== undefined) security.allowedOrigins = parseScopeList(origins);
  return security;
}

function parseLifetimes(values: ParsedValues): TokenLifetimes {
  const lifetimes: TokenLifetimes = {};
  const code = values['authorization-code-seconds'];
  if (code !== undefined)
    lifetimes.authorizationCodeSeconds = parseSeconds('--authorization-code-seconds', code);
  const access = values['access-token-seconds'];
  if (access !== undefined) lifetimes.accessTokenSeconds = parseSeconds('--access-token-seconds', access);
  const refresh = values['refresh-token-seconds'];
  if (refresh !== undefined) {
    lifetimes.refreshTokenSeconds =
      refresh === 'never' ? null : parseSeconds('--refresh-token-seconds', refresh);
  }
  const consent = values['consent-seconds'];
  if (consent !== undefined) lifetimes.consentSeconds = parseSeconds('--consent-seconds', consent);
  return lifetimes;
}

/** Flag → the `stateLimits` cap it sets. */
const LIMIT_FLAGS = {
  'max-clients': 'maxClients',
  'max-tokens': 'maxTokens',
  'max-pending-authorizations': 'maxPendingAuthorizations',
} as const satisfies Record<string, keyof StateLimits>;

function parseStateLimits(values: ParsedValues): StateLimits {
  const limits: StateLimits = {};
  for (const [flag, limit] of Object.entries(LIMIT_FLAGS)) {
    const value = values[flag as keyof typeof LIMIT_FLAGS];
    if (value === undefined) continue;
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value.trim())) || Number(value) < 1) {
      throw new CliUsageError(`--${flag} must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
    }
    limits[limit] = Number(value.trim());
  }
  return limits;
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw new CliUsageError(`${flag} needs a value`);
  return value.trim();
}

/** A port number; 0 asks the system for a free one. */
export function parsePort(source: string, value: string): number {
  const port = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new CliUsageError(`${source} must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

function parseSeconds(flag: string, value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value.trim()))) {
    throw new CliUsageError(`${flag} must be a whole number of seconds, got ${JSON.stringify(value)}`);
  }
  return Number(value.trim());
}

/** `a,b`, `a b` or `a, b` → `['a', 'b']`; an empty value is an explicitly empty list. */
export function parseScopeList(value: string): string[] {
  return value.split(/[\s,]+/).filter((scope) => scope !== '');
}

function parseClientJson(text: string, index: number): ClientInformation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliUsageError(`--client #${index + 1} is not valid JSON: ${reason}`);
  }
  if (!isRecord(parsed)) {
    throw new CliUsageError(`--client #${index + 1} must be a JSON object with client_id and redirect_uris`);
  }
  // Field-level checks (client_id, redirect_uris, auth method…) are validateSettings' job, with precise messages.
  return parsed as unknown as ClientInformation;
}
