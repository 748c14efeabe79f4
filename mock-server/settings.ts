/**
 * Settings of the mock server and their validation. They mirror FastMCP's `AuthSettings` (Python MCP SDK v1.x) in
 * camelCase, plus the mock's own switches (approval mode, pre-registered clients, token lifetimes, state limits).
 * FastMCP's `FASTMCP_AUTH__*` environment variables are read by the CLI (runtimes/env-settings.ts), not here.
 */
import { parseUrl } from './http/url.js';
import { isRecord } from './objects.js';
import {
  resolveBeyondSettings,
  type BeyondSettingsInput,
  type ResolvedBeyondSettings,
} from './settings-beyond.js';
import {
  optionalBoolean,
  optionalScopeList,
  optionalSeconds,
  optionalString,
  optionalStringList,
  SettingsError,
} from './settings-checks.js';
import { resolveStateLimits, type ResolvedStateLimits, type StateLimits } from './settings-limits.js';
import {
  LOOPBACK_TRANSPORT_SECURITY,
  NO_TRANSPORT_SECURITY,
  type ResolvedTransportSecurity,
  type TransportSecuritySettings,
} from './mcp/transport-security.js';

/** Client metadata as stored by the server (RFC 7591 §2 plus the fields FastMCP keeps). */
export interface ClientInformation {
  /** The identifier the client sends as `client_id` (a random UUID for clients that register themselves). */
  client_id: string;
  /** Shared secret for `client_secret_post` / `client_secret_basic`; absent for public clients. */
  client_secret?: string | undefined;
  /** When the client was registered, in whole seconds since the epoch. */
  client_id_issued_at?: number | undefined;
  /** When the secret stops working, in seconds since the epoch; absent (or 0) → never. */
  client_secret_expires_at?: number | undefined;
  /** Registered redirect URIs; `/authorize` needs an exact match after URL normalisation (no loopback port leeway). */
  redirect_uris: string[];
  /** How it authenticates at `/token` and `/revoke`. Default `client_secret_post` with a secret, else `none`. */
  token_endpoint_auth_method?: ClientAuthMethod | undefined;
  /** Grants the client may use at `/token`. Default `['authorization_code', 'refresh_token']`. */
  grant_types?: string[] | undefined;
  /** Default `['code']`, the only response type FastMCP supports. */
  response_types?: string[] | undefined;
  /** Human-readable name, shown on the consent page. */
  client_name?: string | undefined;
  /** Home page of the client. */
  client_uri?: string | undefined;
  /** Logo of the client (stored and echoed, never fetched). */
  logo_uri?: string | undefined;
  /**
   * Space-separated scopes the client may ask for; `/authorize` refuses any other with `invalid_scope`. Absent → the
   * client cannot request any scope (only requests without `scope` succeed).
   */
  scope?: string | undefined;
  /** Contact e-mail addresses of the client's maintainers. */
  contacts?: string[] | undefined;
  /** Terms of service of the client. */
  tos_uri?: string | undefined;
  /** Privacy policy of the client. */
  policy_uri?: string | undefined;
  /** Where the client publishes its JSON Web Key Set; stored and echoed only (`private_key_jwt` auth is refused). */
  jwks_uri?: string | undefined;
  /** The client's JSON Web Key Set given inline; stored and echoed only. */
  jwks?: unknown | undefined;
  /** Identifier of the client software, the same for every instance of it. */
  software_id?: string | undefined;
  /** Version of the client software. */
  software_version?: string | undefined;
}

/** The client authentication methods (`token_endpoint_auth_method`) FastMCP's registration model accepts. */
export type ClientAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';

/** The grant types FastMCP supports, which are also what a client gets when it names none. */
export const GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;

/**
 * The client's `token_endpoint_auth_method`, or FastMCP's default for a client that names none: `client_secret_post`
 * with a secret, `none` without.
 */
export function clientAuthMethodOf(client: {
  readonly token_endpoint_auth_method?: ClientAuthMethod | undefined;
  readonly client_secret?: string | undefined;
}): ClientAuthMethod {
  return client.token_endpoint_auth_method ?? (client.client_secret ? 'client_secret_post' : 'none');
}

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'none',
  'client_secret_post',
  'client_secret_basic',
  'private_key_jwt',
];

/** Dynamic client registration (`/register`), as FastMCP's `ClientRegistrationOptions`. */
export interface ClientRegistrationOptions {
  /** Serve `/register` (RFC 7591). FastMCP's default: false. */
  enabled?: boolean | undefined;
  /** Lifetime of issued client secrets; omitted → secrets never expire. */
  clientSecretExpirySeconds?: number | undefined;
  /** Scopes a client may register for; also published as `scopes_supported`. */
  validScopes?: string[] | undefined;
  /** Scope given to a client that registers without one. */
  defaultScopes?: string[] | undefined;
}

/** Token revocation (`/revoke`), as FastMCP's `RevocationOptions`. */
export interface RevocationOptions {
  /** Serve `/revoke` (RFC 7009). FastMCP's default: false. */
  enabled?: boolean | undefined;
}

/** How `/authorize` approves a valid request. */
export type ApprovalMode = 'auto' | 'consent';

/** Lifetimes the default in-memory provider gives what it issues, in seconds; a missing one takes its default. */
export interface TokenLifetimes {
  /** Default 300 s, as FastMCP's providers. */
  authorizationCodeSeconds?: number | undefined;
  /** Default 3600 s, as FastMCP's example providers. */
  accessTokenSeconds?: number | undefined;
  /** Default 30 days. `null` → refresh tokens never expire (as in FastMCP's examples). */
  refreshTokenSeconds?: number | null | undefined;
  /** How long a consent page stays valid. Default 600 s. */
  consentSeconds?: number | undefined;
}

/** Every token lifetime filled in with its default; `refreshTokenSeconds: null` means refresh tokens never expire. */
export type ResolvedTokenLifetimes = {
  readonly [K in keyof TokenLifetimes]-?: Exclude<TokenLifetimes[K], undefined>;
};

/** The lifetimes used where none is given: by `validateSettings`, the in-memory provider and the CLI's help. */
export const DEFAULT_TOKEN_LIFETIMES = {
  authorizationCodeSeconds: 300,
  accessTokenSeconds: 3600,
  refreshTokenSeconds: 30 * 24 * 3600,
  consentSeconds: 600,
} as const satisfies ResolvedTokenLifetimes;

/** `given` with {@link DEFAULT_TOKEN_LIFETIMES} where a lifetime is missing (`null`, "never expires", is kept). */
export function withDefaultLifetimes(given: {
  readonly [K in keyof TokenLifetimes]?: TokenLifetimes[K] | undefined;
}): ResolvedTokenLifetimes {
  return {
    authorizationCodeSeconds:
      given.authorizationCodeSeconds ?? DEFAULT_TOKEN_LIFETIMES.authorizationCodeSeconds,
    accessTokenSeconds: given.accessTokenSeconds ?? DEFAULT_TOKEN_LIFETIMES.accessTokenSeconds,
    refreshTokenSeconds:
      given.refreshTokenSeconds === undefined
        ? DEFAULT_TOKEN_LIFETIMES.refreshTokenSeconds
        : given.refreshTokenSeconds,
    consentSeconds: given.consentSeconds ?? DEFAULT_TOKEN_LIFETIMES.consentSeconds,
  };
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
  resourceServerUrl?: string | undefined;
  /** Published as `service_documentation` in the authorization-server metadata; omitted when not given. */
  serviceDocumentationUrl?: string | undefined;
  /** Scopes every access token must carry at the MCP endpoint; published in the resource metadata. */
  requiredScopes?: string[] | undefined;
  /** Dynamic client registration; off unless `enabled`. */
  clientRegistrationOptions?: ClientRegistrationOptions | undefined;
  /** Token revocation; off unless `enabled`. */
  revocationOptions?: RevocationOptions | undefined;
  /** `auto` (default) redirects straight back with a code; `consent` shows an Approve / Deny page. */
  approval?: ApprovalMode | undefined;
  /** Clients known from the start, so tests and the conformance suite need no registration. */
  clients?: ClientInformation[] | undefined;
  /** Lifetimes of codes and tokens issued by the default provider. */
  tokenLifetimes?: TokenLifetimes | undefined;
  /** Caps on the clients, codes, consent requests and tokens the default provider keeps (settings-limits.ts). */
  stateLimits?: StateLimits | undefined;
  /**
   * DNS-rebinding protection of the MCP endpoint (FastMCP's `transport_security`): `Host` and `Origin` checked
   * against allow-lists (421 / 403). Default, as FastMCP bound to a loopback name: on, allowing the loopback names
   * on any port, when the resource URL's host is 127.0.0.1, localhost or [::1]; off otherwise.
   */
  transportSecurity?: TransportSecuritySettings | undefined;
}

/** Settings after validation: every default filled in, every URL normalised. */
export interface ResolvedMockAuthServerSettings extends ResolvedBeyondSettings {
  /** Normalised issuer as FastMCP publishes it (a bare host gains a trailing `/`). */
  readonly issuerUrl: string;
  /** Normalised resource URL. */
  readonly resourceServerUrl: string;
  /** Normalised documentation URL, or `undefined` when none is published. */
  readonly serviceDocumentationUrl: string | undefined;
  /** `undefined` (FastMCP's `None`) is not the same as `[]`: only the former omits `scopes_supported`. */
  readonly requiredScopes: readonly string[] | undefined;
  /** {@link ClientRegistrationOptions} with `enabled` filled in; `undefined` where FastMCP has `None`. */
  readonly clientRegistrationOptions: {
    readonly enabled: boolean;
    readonly clientSecretExpirySeconds: number | undefined;
    readonly validScopes: readonly string[] | undefined;
    readonly defaultScopes: readonly string[] | undefined;
  };
  /** Whether `/revoke` is served. */
  readonly revocationOptions: { readonly enabled: boolean };
  /** How `/authorize` approves a valid request (`auto` unless set). */
  readonly approval: ApprovalMode;
  /** Pre-registered clients, redirect URIs normalised and FastMCP's defaults filled in. */
  readonly clients: readonly ClientInformation[];
  /** Lifetimes for the default provider, each one filled in (seconds). */
  readonly tokenLifetimes: ResolvedTokenLifetimes;
  /** Caps for the default provider, each one filled in. */
  readonly stateLimits: ResolvedStateLimits;
  /** Largest request body the OAuth endpoints accept (4 MiB, as FastMCP). */
  readonly maxBodyBytes: number;
  /** DNS-rebinding protection of the MCP endpoint, defaults filled in. */
  readonly transportSecurity: ResolvedTransportSecurity;
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Validates settings and fills in defaults. Throws {@link SettingsError} naming the first bad field. */
export function validateSettings(settings: MockAuthServerSettings): ResolvedMockAuthServerSettings {
  if (!isRecord(settings)) throw new SettingsError('settings', 'must be an object');
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
    tokenLifetimes: withDefaultLifetimes({
      authorizationCodeSeconds: optionalSeconds(
        'tokenLifetimes.authorizationCodeSeconds',
        lifetimes.authorizationCodeSeconds,
      ),
      accessTokenSeconds: optionalSeconds('tokenLifetimes.accessTokenSeconds', lifetimes.accessTokenSeconds),
      refreshTokenSeconds:
        lifetimes.refreshTokenSeconds === null
          ? null
          : optionalSeconds('tokenLifetimes.refreshTokenSeconds', lifetimes.refreshTokenSeconds),
      consentSeconds: optionalSeconds('tokenLifetimes.consentSeconds', lifetimes.consentSeconds),
    }),
    stateLimits: resolveStateLimits(settings.stateLimits),
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    transportSecurity: resolveTransportSecurity(
      settings.transportSecurity,
      new URL(resourceServerUrl).hostname,
    ),
    ...resolveBeyondSettings(settings),
  };
}

/** FastMCP's default for a server on a loopback name, or the given settings (lists default to empty, as FastMCP's). */
function resolveTransportSecurity(value: unknown, resourceHost: string): ResolvedTransportSecurity {
  if (value === undefined) {
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(resourceHost);
    return loopback ? LOOPBACK_TRANSPORT_SECURITY : NO_TRANSPORT_SECURITY;
  }
  if (!isRecord(value)) throw new SettingsError('transportSecurity', 'must be an object');
  const given = value as TransportSecuritySettings;
  return {
    enableDnsRebindingProtection:
      optionalBoolean('transportSecurity.enableDnsRebindingProtection', given.enableDnsRebindingProtection) ??
      true,
    allowedHosts: optionalStringList('transportSecurity.allowedHosts', given.allowedHosts) ?? [],
    allowedOrigins: optionalStringList('transportSecurity.allowedOrigins', given.allowedOrigins) ?? [],
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
  if (!isRecord(value)) throw new SettingsError(field, 'must be an object');
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
  const method = clientAuthMethodOf({
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    client_secret: secret,
  });
  if (!CLIENT_AUTH_METHODS.includes(method)) {
    throw new SettingsError(
      `${field}.token_endpoint_auth_method`,
      `must be one of ${CLIENT_AUTH_METHODS.join(', ')}, got ${JSON.stringify(method)}`,
    );
  }
  const resolved: ClientInformation = {
    ...client,
    client_id: client.client_id,
    redirect_uris: redirectUris,
    token_endpoint_auth_method: method,
    grant_types: optionalStringList(`${field}.grant_types`, client.grant_types) ?? [...GRANT_TYPES],
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
