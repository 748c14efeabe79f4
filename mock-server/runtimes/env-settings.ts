/**
 * FastMCP's `FASTMCP_AUTH__*` environment variables, the CLI's lowest-precedence source of settings: each one is the
 * setting's path in SCREAMING_SNAKE_CASE, nested fields joined by `__`.
 */
import type { MockAuthServerSettings } from '../settings.js';
import { SettingsError } from '../settings-checks.js';

const ENV_PREFIX = 'FASTMCP_AUTH__';

/**
 * Reads FastMCP's `FASTMCP_AUTH__*` environment variables. Lists accept a JSON array or a comma list; booleans accept
 * true/false/1/0. Unset or empty variables are left out. Throws {@link SettingsError} naming the variable on garbage.
 */
export function settingsFromEnv(env: Record<string, string | undefined>): Partial<MockAuthServerSettings> {
  /** The variable `FASTMCP_AUTH__<name>` read with `parse`, or `undefined` when unset or empty. */
  const read = <T>(name: string, parse: (variable: string, value: string) => T): T | undefined => {
    const value = env[ENV_PREFIX + name]?.trim();
    return value === undefined || value === '' ? undefined : parse(ENV_PREFIX + name, value);
  };
  return withoutUndefined({
    issuerUrl: read('ISSUER_URL', text),
    resourceServerUrl: read('RESOURCE_SERVER_URL', text),
    serviceDocumentationUrl: read('SERVICE_DOCUMENTATION_URL', text),
    requiredScopes: read('REQUIRED_SCOPES', envList),
    clientRegistrationOptions: unlessEmpty(
      withoutUndefined({
        enabled: read('CLIENT_REGISTRATION_OPTIONS__ENABLED', envBoolean),
        validScopes: read('CLIENT_REGISTRATION_OPTIONS__VALID_SCOPES', envList),
        defaultScopes: read('CLIENT_REGISTRATION_OPTIONS__DEFAULT_SCOPES', envList),
        clientSecretExpirySeconds: read(
          'CLIENT_REGISTRATION_OPTIONS__CLIENT_SECRET_EXPIRY_SECONDS',
          envInteger,
        ),
      }),
    ),
    revocationOptions: unlessEmpty(
      withoutUndefined({ enabled: read('REVOCATION_OPTIONS__ENABLED', envBoolean) }),
    ),
  });
}

type WithoutUndefined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** `fields` without the keys whose value is `undefined`. */
function withoutUndefined<T extends Record<string, unknown>>(fields: T): WithoutUndefined<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as WithoutUndefined<T>;
}

function unlessEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}

function text(_variable: string, value: string): string {
  return value;
}

function envBoolean(variable: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new SettingsError(variable, `must be true, false, 1 or 0, got ${JSON.stringify(value)}`);
}

function envInteger(variable: string, value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new SettingsError(variable, `must be a whole number of seconds, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function envList(variable: string, value: string): string[] {
  if (value.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SettingsError(variable, `is not a valid JSON list: ${JSON.stringify(value)}`);
    }
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string')) {
      throw new SettingsError(variable, 'must be a JSON list of strings');
    }
    return parsed as string[];
  }
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
