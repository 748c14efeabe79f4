/**
 * Settings of the mock server. They mirror FastMCP's `AuthSettings` (Python MCP SDK v1.x) in camelCase, plus the
 * mock's own switches (approval mode, pre-registered clients, token lifetimes).
 */
import { parseUrl } from './http/url.js';
import {
  resolveBeyondSettings,
  type BeyondSettingsInput,
  type ResolvedBeyondSettings,
} from './settings-beyond.js';

/** Client metadata as stored by the server (RFC 7591 §2 plus the fields FastMCP keeps). */
export interface ClientInformation {
  client_id: string;
  client_secret?: string;
  client_id_issued_at?: number;
  client_secret_expires_at?: number;
  redirect_uris: string[];
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  grant_types?: string[];
  response_types?: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  contacts?: string[];
  tos_uri?: string;
  policy_uri?: string;
  jwks_uri?: string;
  jwks?: unknown;
  software_id?: string;
  software_version?: string;
}

/** The client authentication methods FastMCP's registration model accepts. */
export type TokenEndpointAuthMethod =
  'none' | 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';

export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'none',
  'client_secret_post',
  'client_secret_basic',
  'private_key_jwt',
];

export interface ClientRegistrationOptions {
  /** Serve `/register` (RFC 7591). FastMCP's default: false. */
  enabled?: boolean;
  /** Lifetime of issued client secrets; omitted → secrets never expire. */
  clientSecretExpirySeconds?: number;
  /** Scopes a client may register for; also published as `scopes_supported`. */
  validScopes?: string[];
  /** Scope given to a client that registers without one. */
  defaultScopes?: string[];
}

export interface RevocationOptions {
  /** Serve `/revoke` (RFC 7009). FastMCP's default: false. */
  enabled?: boolean;
}

/** How `/authorize` approves a valid request. */
export type ApprovalMode = 'auto' | 'consent';

/** Lifetimes the default in-memory provider gives what it issues, in seconds. */
export interface TokenLifetimes {
  /** FastMCP's providers use 300 s. */
  authorizationCodeSeconds?: number;
  /** FastMCP's example providers use 3600 s. */
  accessTokenSeconds?: number;
  /** Omitted → 30 days. `null` → refresh tokens never expire (as in FastMCP's examples). */
  refreshTokenSeconds?: number | null;
  /** How long a consent page stays valid. Default 600 s. */
  consentSeconds?: number;
}

/**
 * Everything the mock can be told. The first fields mirror FastMCP's `AuthSettings`; `spec`, `beyondFastMcp`,
 * `clientIdMetadataDocumentLimits`, `mcp` and `quirks` (see settings-beyond.ts) go beyond FastMCP and are off by
 * default.
 */
export interface MockAuthServerSettings extends BeyondSettingsInput {
  /** Issuer URL: https unless the host is localhost or 127.0.0.1; no query or fragment. */
  issuerUrl: string;
  /** URL of the protected MCP endpoint (e.g. `http://localhost:8000/mcp`). Defaults to `<issuer origin>/mcp`. */
  resourceServerUrl?: string;
  serviceDocumentationUrl?: string;
  /** Scopes every access token must carry at the MCP endpoint; published in the resource metadata. */
  requiredScopes?: string[];
  clientRegistrationOptions?: ClientRegistrationOptions;
  revocationOptions?: RevocationOptions;
  /** `auto` (default) redirects straight back with a code; `consent` shows an Approve / Deny page. */
  approval?: ApprovalMode;
  /** Clients known from the start, so tests and the conformance suite need no registration. */
  clients?: ClientInformation[];
  /** Lifetimes of codes and tokens issued by the default provider. */
  tokenLifetimes?: TokenLifetimes;
}

/** Settings after validation: every default filled in, every URL normalised. */
export interface ResolvedMockAuthServerSettings extends ResolvedBeyondSettings {
  /** Normalised issuer as FastMCP publishes it (a bare host gains a trailing `/`). */
  readonly issuerUrl: string;
  /** Normalised resource URL. */
  readonly resourceServerUrl: string;
  readonly serviceDocumentationUrl: string | undefined;
  /** `undefined` (FastMCP's `None`) is not the same as `[]`: only the former omits `scopes_supported`. */
  readonly requiredScopes: readonly string[] | undefined;
  readonly clientRegistrationOptions: {
    readonly enabled: boolean;
    readonly clientSecretExpirySeconds: number | undefined;
    readonly validScopes: readonly string[] | undefined;
    readonly defaultScopes: readonly string[] | undefined;
  };
  readonly revocationOptions: { readonly enabled: boolean };
  readonly approval: ApprovalMode;
  /** Pre-registered clients, redirect URIs normalised and FastMCP's defaults filled in. */
  readonly clients: readonly ClientInformation[];
  readonly tokenLifetimes: {
    readonly authorizationCodeSeconds: number;
    readonly accessTokenSeconds: number;
    readonly refreshTokenSeconds: number | null;
    readonly consentSeconds: number;
  };
  /** Largest request body the OAuth endpoints accept (4 MiB, as FastMCP). */
  readonly maxBodyBytes: number;
}

/** A setting that cannot be used; `field` names it (dotted path, e.g. `clients[0].redirect_uris[1]`). */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;

/** Validates settings and fills in defaults. Throws {@link SettingsError} naming the first bad field. */
export function validateSettings(settings: MockAuthServerSettings): ResolvedMockAuthServerSettings {
  if (typeof settings !== 'object' || settings === null)
    throw new SettingsError('settings', 'must be an object');
  const issuer = requireIssuerUrl(settings.issuerUrl);
  const resourceServerUrl =
    settings.resourceServerUrl === undefined
      ? `${issuer.origin}/mcp`
      : requireHttpUrl('resourceServerUrl', settings.resourceServerUrl).href;
  const serviceDocumentationUrl =
    settings.serviceDocumentationUrl === undefined
      ? undefined
      : requireHttpUrl('serviceDocumentationUrl', settings.serviceDocumentationUrl).href;
  const registration = settings.clientRegistrationOptions ?? {};
  const lifetimes = settings.tokenLifetimes ?? {};
  const approval = settings.approval ?? 'auto';
  if (approval !== 'auto' && approval !== 'consent') {
    throw new SettingsError('approval', `must be 'auto' or 'consent', got ${JSON.stringify(approval)}`);
  }
  return {
    issuerUrl: issuer.href,
    resourceServerUrl,
    serviceDocumentationUrl,
    requiredScopes: optionalScopeList('requiredScopes', settings.requiredScopes),
    clientRegistrationOptions: {
      enabled: optionalBoolean('clientRegistrationOptions.enabled', registration.enabled) ?? false,
      clientSecretExpirySeconds: optionalSeconds(
        'clientRegistrationOptions.clientSecretExpirySeconds',
        registration.clientSecretExpirySeconds,
      ),
      validScopes: optionalScopeList('clientRegistrationOptions.validScopes', registration.validScopes),
      defaultScopes: optionalScopeList('clientRegistrationOptions.defaultScopes', registration.defaultScopes),
    },
    revocationOptions: {
      enabled: optionalBoolean('revocationOptions.enabled', settings.revocationOptions?.enabled) ?? false,
    },
    approval,
    clients: resolveClients(settings.clients),
    tokenLifetimes: {
      authorizationCodeSeconds:
        optionalSeconds('tokenLifetimes.authorizationCodeSeconds', lifetimes.authorizationCodeSeconds) ?? 300,
      accessTokenSeconds:
        optionalSeconds('tokenLifetimes.accessTokenSeconds', lifetimes.accessTokenSeconds) ?? 3600,
      refreshTokenSeconds:
        lifetimes.refreshTokenSeconds === null
          ? null
          : (optionalSeconds('tokenLifetimes.refreshTokenSeconds', lifetimes.refreshTokenSeconds) ??
            DEFAULT_REFRESH_TOKEN_SECONDS),
      consentSeconds: optionalSeconds('tokenLifetimes.consentSeconds', lifetimes.consentSeconds) ?? 600,
    },
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    ...resolveBeyondSettings(settings),
  };
}

function requireIssuerUrl(value: unknown): URL {
  const url = requireHttpUrl('issuerUrl', value);
  if (url.protocol !== 'https:' && url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') {
    throw new SettingsError('issuerUrl', 'must use https unless the host is localhost or 127.0.0.1');
  }
  if (url.search !== '' || String(value).includes('?')) {
    throw new SettingsError('issuerUrl', 'must not have a query string');
  }
  if (url.hash !== '' || String(value).includes('#')) {
    throw new SettingsError('issuerUrl', 'must not have a fragment');
  }
  return url;
}

function requireHttpUrl(field: string, value: unknown): URL {
  if (typeof value !== 'string') throw new SettingsError(field, 'must be a URL string');
  const url = parseUrl(value);
  if (url === undefined) throw new SettingsError(field, `is not a valid URL: ${JSON.stringify(value)}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(field, `must be an http or https URL, got ${JSON.stringify(value)}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new SettingsError(field, 'must not contain credentials');
  }
  return url;
}

function optionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new SettingsError(field, 'must be true or false');
  return value;
}

function optionalSeconds(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SettingsError(field, `must be a whole number of seconds ≥ 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalScopeList(field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new SettingsError(field, 'must be a list of scopes');
  return value.map((scope: unknown, index) => {
    if (typeof scope !== 'string' || scope === '' || /\s/.test(scope)) {
      throw new SettingsError(`${field}[${index}]`, `must be a non-empty scope without spaces`);
    }
    return scope;
  });
}

function optionalString(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SettingsError(field, 'must be a string');
  return value;
}

function optionalStringList(field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new SettingsError(field, 'must be a list of strings');
  }
  return [...(value as string[])];
}

function resolveClients(value: unknown): ClientInformation[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SettingsError('clients', 'must be a list of clients');
  const seen = new Set<string>();
  return value.map((client: unknown, index) => {
    const resolved = resolveClient(`clients[${index}]`, client);
    if (seen.has(resolved.client_id)) {
      throw new SettingsError(
        `clients[${index}].client_id`,
        `duplicate client_id ${JSON.stringify(resolved.client_id)}`,
      );
    }
    seen.add(resolved.client_id);
    return resolved;
  });
}

/**
 * Checks one client and fills in FastMCP's defaults (grant types, response types, and an auth method of
 * `client_secret_post` with a secret, `none` without). Throws {@link SettingsError}.
 */
export function resolveClient(field: string, value: unknown): ClientInformation {
  if (typeof value !== 'object' || value === null) throw new SettingsError(field, 'must be an object');
  const client = value as Partial<ClientInformation>;
  if (typeof client.client_id !== 'string' || client.client_id === '') {
    throw new SettingsError(`${field}.client_id`, 'must be a non-empty string');
  }
  if (!Array.isArray(client.redirect_uris) || client.redirect_uris.length === 0) {
    throw new SettingsError(`${field}.redirect_uris`, 'must be a non-empty list of URLs');
  }
  const redirectUris = client.redirect_uris.map((uri: unknown, index) => {
    const url = typeof uri === 'string' ? parseUrl(uri) : undefined;
    if (url === undefined)
      throw new SettingsError(`${field}.redirect_uris[${index}]`, 'must be an absolute URL');
    return url.href;
  });
  const secret = optionalString(`${field}.client_secret`, client.client_secret);
  const method = client.token_endpoint_auth_method ?? (secret ? 'client_secret_post' : 'none');
  if (!TOKEN_ENDPOINT_AUTH_METHODS.includes(method)) {
    throw new SettingsError(
      `${field}.token_endpoint_auth_method`,
      `must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}, got ${JSON.stringify(method)}`,
    );
  }
  const resolved: ClientInformation = {
    ...client,
    client_id: client.client_id,
    redirect_uris: redirectUris,
    token_endpoint_auth_method: method,
    grant_types: optionalStringList(`${field}.grant_types`, client.grant_types) ?? [
      'authorization_code',
      'refresh_token',
    ],
    response_types: optionalStringList(`${field}.response_types`, client.response_types) ?? ['code'],
  };
  optionalString(`${field}.scope`, client.scope);
  if (secret !== undefined) resolved.client_secret = secret;
  for (const key of ['client_id_issued_at', 'client_secret_expires_at'] as const) {
    const number = client[key];
    if (number !== undefined && (typeof number !== 'number' || !Number.isFinite(number))) {
      throw new SettingsError(`${field}.${key}`, 'must be a number of seconds since the epoch');
    }
  }
  return resolved;
}

const ENV_PREFIX = 'FASTMCP_AUTH__';

/**
 * Reads FastMCP's `FASTMCP_AUTH__*` environment variables. Lists accept a JSON array or a comma list; booleans accept
 * true/false/1/0. Unset or empty variables are left out. Throws {@link SettingsError} naming the variable on garbage.
 */
export function settingsFromEnv(env: Record<string, string | undefined>): Partial<MockAuthServerSettings> {
  const read = (name: string): string | undefined => {
    const value = env[ENV_PREFIX + name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const result: Partial<MockAuthServerSettings> = {};
  const issuerUrl = read('ISSUER_URL');
  if (issuerUrl !== undefined) result.issuerUrl = issuerUrl;
  const resourceServerUrl = read('RESOURCE_SERVER_URL');
  if (resourceServerUrl !== undefined) result.resourceServerUrl = resourceServerUrl;
  const serviceDocumentationUrl = read('SERVICE_DOCUMENTATION_URL');
  if (serviceDocumentationUrl !== undefined) result.serviceDocumentationUrl = serviceDocumentationUrl;
  const requiredScopes = envList(ENV_PREFIX + 'REQUIRED_SCOPES', read('REQUIRED_SCOPES'));
  if (requiredScopes !== undefined) result.requiredScopes = requiredScopes;

  const registration: ClientRegistrationOptions = {};
  const enabled = envBoolean(
    ENV_PREFIX + 'CLIENT_REGISTRATION_OPTIONS__ENABLED',
    read('CLIENT_REGISTRATION_OPTIONS__ENABLED'),
  );
  if (enabled !== undefined) registration.enabled = enabled;
  const validScopes = envList(
    ENV_PREFIX + 'CLIENT_REGISTRATION_OPTIONS__VALID_SCOPES',
    read('CLIENT_REGISTRATION_OPTIONS__VALID_SCOPES'),
  );
  if (validScopes !== undefined) registration.validScopes = validScopes;
  const defaultScopes = envList(
    ENV_PREFIX + 'CLIENT_REGISTRATION_OPTIONS__DEFAULT_SCOPES',
    read('CLIENT_REGISTRATION_OPTIONS__DEFAULT_SCOPES'),
  );
  if (defaultScopes !== undefined) registration.defaultScopes = defaultScopes;
  const expiry = envInteger(
    ENV_PREFIX + 'CLIENT_REGISTRATION_OPTIONS__CLIENT_SECRET_EXPIRY_SECONDS',
    read('CLIENT_REGISTRATION_OPTIONS__CLIENT_SECRET_EXPIRY_SECONDS'),
  );
  if (expiry !== undefined) registration.clientSecretExpirySeconds = expiry;
  if (Object.keys(registration).length > 0) result.clientRegistrationOptions = registration;

  const revocation = envBoolean(
    ENV_PREFIX + 'REVOCATION_OPTIONS__ENABLED',
    read('REVOCATION_OPTIONS__ENABLED'),
  );
  if (revocation !== undefined) result.revocationOptions = { enabled: revocation };
  return result;
}

function envBoolean(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new SettingsError(name, `must be true, false, 1 or 0, got ${JSON.stringify(value)}`);
}

function envInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new SettingsError(name, `must be a whole number of seconds, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function envList(name: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (value.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SettingsError(name, `is not a valid JSON list: ${JSON.stringify(value)}`);
    }
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string')) {
      throw new SettingsError(name, 'must be a JSON list of strings');
    }
    return parsed as string[];
  }
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
