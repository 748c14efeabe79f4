/**
 * The mock's settings beyond FastMCP: opt-in behaviour from the RFCs and the current MCP specification, the MCP
 * endpoint's own switches, and deliberate deviations ("quirks") that imitate servers a client will meet in the wild.
 * Everything here is off by default, so the default mock still behaves exactly like FastMCP.
 */
import {
  isScope,
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalWholeNumber,
  SCOPE_REQUIREMENT,
  SettingsError,
} from './settings-checks.js';
import { resolveDpopSettings, type DpopOptions, type ResolvedDpopSettings } from './dpop/settings.js';
import { resolveTrustedAssertionIssuers, type TrustedAssertionIssuer } from './assertions/settings.js';

/** `fastmcp` (default): FastMCP's behaviour. `latest`: every {@link BeyondFastMcpOptions} switch on by default. */
export type SpecMode = 'fastmcp' | 'latest';

/**
 * Behaviour FastMCP lacks, each off by default and on with `spec: 'latest'` (an explicit `false` still wins).
 */
export interface BeyondFastMcpOptions {
  /**
   * RFC 9207: `iss` on every authorization response (success, error and consent redirects) and
   * `authorization_response_iss_parameter_supported: true` in the metadata.
   */
  authorizationResponseIss?: boolean | undefined;
  /**
   * RFC 8414 §3 path insertion: for an issuer with a path `/p`, metadata at
   * `/.well-known/oauth-authorization-server/p`, `/.well-known/openid-configuration/p` and
   * `/p/.well-known/openid-configuration` (not at the root), and the endpoints served under `/p` where the metadata
   * says they are. Without a path, `/.well-known/openid-configuration` is served next to the RFC 8414 document.
   */
  pathAwareMetadata?: boolean | undefined;
  /**
   * Client ID Metadata Documents: an `https` URL used as `client_id` is fetched (SSRF rules, size and time limits,
   * cached) and validated, and `client_id_metadata_document_supported: true` is published.
   */
  clientIdMetadataDocuments?: boolean | undefined;
  /** `scope="…"` in the MCP endpoint's `WWW-Authenticate` challenges (the scopes the request needs). */
  challengeScope?: boolean | undefined;
  /**
   * RFC 8707 audience binding: a `resource` other than this server's resource URL is refused with `invalid_target`
   * at `/authorize` and `/token`, and a token bound to another resource is refused at the MCP endpoint. A grant
   * made without any `resource` is taken as meant for this server (RFC 8707 §2: the default audience).
   */
  audienceBinding?: boolean | undefined;
  /** Redeeming an authorization code twice revokes every token issued from it (RFC 6749 §4.1.2). */
  codeReplayRevokesGrant?: boolean | undefined;
  /** Presenting a rotated-out refresh token revokes the whole token family (OAuth 2.1 §4.3.1). */
  refreshTokenReuseRevokesFamily?: boolean | undefined;
  /**
   * `none` in `token_endpoint_auth_methods_supported` (and the revocation list), so public (PKCE-only) clients know
   * they are welcome; `/revoke` then also accepts a request without the `client_secret` key (FastMCP requires it).
   */
  advertisePublicClients?: boolean | undefined;
  /**
   * CORS on the MCP endpoint for browsers: any origin, preflights allowing `Authorization`, `Mcp-Session-Id`,
   * `MCP-Protocol-Version`, `Last-Event-ID`, `Content-Type`, `Accept`, `Mcp-Method`, `Mcp-Name` and the
   * `Mcp-Param-*` headers asked for, `DPoP`, and `WWW-Authenticate`, `Mcp-Session-Id`, `DPoP-Nonce` exposed. (FastMCP puts no CORS on `/mcp`; its OAuth endpoints keep FastMCP's CORS in every mode.)
   */
  mcpCors?: boolean | undefined;
  /**
   * Step-up: calling the elevated tool without its scope answers HTTP 403 `insufficient_scope` with `scope=`
   * (instead of a tool error), so the client can re-authorize with more scope.
   */
  stepUpChallenge?: boolean | undefined;
  /**
   * Redirect URIs only with `https`, `http` or an RFC 8252 §7.1 private-use scheme named after a reverse domain
   * (a scheme with a dot, e.g. `com.example.app:/callback`). Any other scheme — `javascript:`, `data:`, `file:`,
   * `vbscript:`, `blob:`, `about:`, `mailto:`, or a dotless private-use scheme such as `myapp:` — is refused at
   * `/register` (400 `invalid_redirect_uri`, RFC 7591 §3.2.2) and, for a client registered elsewhere (`clients`, a
   * Client ID Metadata Document), at `/authorize` (400 `invalid_request`, never a redirect there). FastMCP validates
   * redirect URIs as pydantic `AnyUrl`, which takes any absolute URL whatever its scheme, and redirects to it.
   */
  restrictRedirectUriSchemes?: boolean | undefined;
  /**
   * The `client_credentials` grant (RFC 6749 §4.4) at `/token`, for confidential clients whose `grant_types` name
   * it: authenticated with their secret (`client_secret_basic` / `client_secret_post`) or with `private_key_jwt`
   * (RFC 7523 §2.2: an ES256 or RS256 assertion signed by a key of the client's registered `jwks`, `iss` = `sub` =
   * client id, `aud` the issuer or the token endpoint, unexpired, its `jti` used once). Advertised in the metadata
   * (`grant_types_supported`, `private_key_jwt`, `token_endpoint_auth_signing_alg_values_supported`). An access
   * token alone is issued, no refresh token (RFC 6749 §4.4.3).
   */
  clientCredentialsGrant?: boolean | undefined;
  /**
   * DPoP (RFC 9449): a token request with a valid `DPoP` proof (any grant) gets `token_type: "DPoP"` and an access
   * token bound to the proof's key (`cnf.jkt`; a public client's refresh token too); the MCP endpoint then wants
   * `Authorization: DPoP` with a proof made with that key (`htm`, `htu`, `ath`, `iat` window, `jti` used once) and
   * challenges with `DPoP algs="…"` next to `Bearer`. Algorithms advertised in both metadata documents; nonces and
   * algorithms set with `dpop` ({@link DpopOptions}). Requests without a proof still get Bearer tokens.
   */
  dpop?: boolean | undefined;
  /**
   * The JWT bearer grant (RFC 7523 §2.1) at `/token`, for clients whose `grant_types` name it: a JWT signed by a
   * trusted issuer — the mock's workload platform (`<issuer>/workload`, see `mintWorkloadJwt`), the mock identity
   * provider, or one of `trustedAssertionIssuers` — with `aud` this issuer or its token endpoint, alive by the mock's
   * clock, a `sub` (the token's subject), its `jti` used once. An identity assertion (`typ: oauth-id-jag+jwt`) must
   * also name the authenticating client (`client_id`) and this MCP server (`resource`). Also serves the identity
   * provider of enterprise-managed authorization at `<issuer>/idp` (metadata, keys, and a token exchange endpoint
   * turning its ID tokens — see `mintIdToken` — into identity assertions, RFC 8693). Advertised in
   * `grant_types_supported`.
   */
  jwtBearerGrant?: boolean | undefined;
}

/** The name of one {@link BeyondFastMcpOptions} switch, e.g. `'audienceBinding'`. */
export type BeyondFastMcpFlag = keyof BeyondFastMcpOptions;

export const BEYOND_FASTMCP_FLAGS = [
  'authorizationResponseIss',
  'pathAwareMetadata',
  'clientIdMetadataDocuments',
  'challengeScope',
  'audienceBinding',
  'codeReplayRevokesGrant',
  'refreshTokenReuseRevokesFamily',
  'advertisePublicClients',
  'mcpCors',
  'stepUpChallenge',
  'restrictRedirectUriSchemes',
  'clientCredentialsGrant',
  'dpop',
  'jwtBearerGrant',
] as const satisfies readonly BeyondFastMcpFlag[];

/** Limits for fetching Client ID Metadata Documents. */
export interface ClientIdMetadataDocumentLimits {
  /** Largest document accepted. Default 5120 bytes. */
  maxBytes?: number | undefined;
  /** Time limit for one fetch. Default 5000 ms. */
  timeoutMs?: number | undefined;
  /** How long a fetched document (or a failure) is reused. Default 300 s. */
  cacheSeconds?: number | undefined;
}

/** The protected MCP endpoint. */
export interface McpEndpointOptions {
  /** Scope the built-in `elevated_echo` tool needs on top of the required scopes. Default `admin`. */
  elevatedScope?: string | undefined;
  /** Most MCP sessions kept at once; the least recently used one is closed beyond it. Default 100. */
  maxSessions?: number | undefined;
  /** `serverInfo.name` in the initialize result (FastMCP's `FastMCP(name)`). Default `mcp-authed-client-mock`. */
  serverName?: string | undefined;
  /**
   * What the endpoint speaks: `2025-11-25` (sessions opened by `initialize`, as FastMCP v1), `2026-07-28` (stateless
   * requests with per-request `_meta`, `server/discover`), or both (a dual-era server: a request carrying modern
   * `_meta` or version header is served statelessly, `initialize` opens a session). Default `['2025-11-25']`, and
   * both with `spec: 'latest'`.
   */
  protocolEras?: McpProtocolEra[] | undefined;
}

/** A protocol era of the MCP endpoint, named after its newest revision. */
export type McpProtocolEra = '2025-11-25' | '2026-07-28';

/** Every {@link McpProtocolEra}, legacy first. */
export const MCP_PROTOCOL_ERAS = ['2025-11-25', '2026-07-28'] as const satisfies readonly McpProtocolEra[];

/** Deliberate deviations, to test how clients cope with servers that get things wrong (see presets.ts). */
export interface ServerQuirks {
  /** Publish this `issuer` in the authorization-server metadata instead of the real one. */
  metadataIssuer?: string | undefined;
  /**
   * RFC 9207 faults: `wrong` advertises support and sends a wrong `iss`; `missing` advertises support and sends
   * none; `unadvertised` sends the right `iss` without advertising it.
   */
  iss?: 'wrong' | 'missing' | 'unadvertised' | undefined;
  /** Leave `code_challenge_methods_supported` out of the metadata (PKCE is still enforced). */
  omitS256?: boolean | undefined;
  /** Publish this `resource` in the protected-resource metadata (a resource that is not this server). */
  resourceMetadataResource?: string | undefined;
  /** No protected-resource metadata at all and no `resource_metadata=` in challenges (a 2025-03-26 server). */
  omitResourceMetadata?: boolean | undefined;
  /** Never return a refresh token. */
  omitRefreshToken?: boolean | undefined;
  /**
   * `authorization_servers` of the protected-resource metadata. When it leaves out this server's issuer, the MCP
   * endpoint trusts only those issuers' tokens (pass their mocks as `peers`): the resource has moved.
   */
  resourceAuthorizationServers?: string[] | undefined;
}

/** The beyond-FastMCP part of `ResolvedMockAuthServerSettings`: every switch and limit decided. */
export interface ResolvedBeyondSettings {
  /** The spec mode in force (`fastmcp` unless set). */
  readonly spec: SpecMode;
  /** Every switch, on or off: the one given, else on exactly when `spec` is `latest`. */
  readonly beyondFastMcp: Readonly<Record<BeyondFastMcpFlag, boolean>>;
  /** {@link ClientIdMetadataDocumentLimits} with the defaults filled in (bytes, milliseconds, seconds). */
  readonly clientIdMetadataDocumentLimits: {
    readonly maxBytes: number;
    readonly timeoutMs: number;
    readonly cacheSeconds: number;
  };
  /** {@link McpEndpointOptions} with the defaults filled in. */
  readonly mcp: {
    readonly elevatedScope: string;
    readonly maxSessions: number;
    readonly serverName: string;
    readonly protocolEras: readonly McpProtocolEra[];
  };
  /** The quirks in force; `{}` (none) unless set. */
  readonly quirks: Readonly<ServerQuirks>;
  /** {@link DpopOptions} with the defaults filled in (used when `beyondFastMcp.dpop` is on). */
  readonly dpop: ResolvedDpopSettings;
  /** The issuers the JWT bearer grant trusts besides the mock's own; `[]` unless set. */
  readonly trustedAssertionIssuers: readonly TrustedAssertionIssuer[];
}

/** The settings that go beyond FastMCP's `AuthSettings`; every one is optional and off by default. */
export interface BeyondSettingsInput {
  /** `latest` turns every {@link BeyondFastMcpOptions} switch on by default. Default `fastmcp`. */
  spec?: SpecMode | undefined;
  /** Individual switches; an explicit value wins over the `spec` default. */
  beyondFastMcp?: BeyondFastMcpOptions | undefined;
  /** Limits for fetching Client ID Metadata Documents (when `clientIdMetadataDocuments` is on). */
  clientIdMetadataDocumentLimits?: ClientIdMetadataDocumentLimits | undefined;
  /** Options of the protected MCP endpoint. */
  mcp?: McpEndpointOptions | undefined;
  /** Deliberate deviations from the specifications, for testing how clients cope; none by default. */
  quirks?: ServerQuirks | undefined;
  /** DPoP nonces and algorithms (when `beyondFastMcp.dpop` is on). */
  dpop?: DpopOptions | undefined;
  /** Issuers whose JWTs the JWT bearer grant accepts, besides the mock's own (when `jwtBearerGrant` is on). */
  trustedAssertionIssuers?: TrustedAssertionIssuer[] | undefined;
}

/** Validates the settings of this module and fills in defaults. Throws {@link SettingsError}. */
export function resolveBeyondSettings(input: BeyondSettingsInput): ResolvedBeyondSettings {
  const spec = input.spec ?? 'fastmcp';
  if (spec !== 'fastmcp' && spec !== 'latest') {
    throw new SettingsError('spec', `must be 'fastmcp' or 'latest', got ${JSON.stringify(spec)}`);
  }
  const given = optionalObject('beyondFastMcp', input.beyondFastMcp) as BeyondFastMcpOptions;
  for (const key of Object.keys(given)) {
    if (!(BEYOND_FASTMCP_FLAGS as readonly string[]).includes(key)) {
      throw new SettingsError(
        `beyondFastMcp.${key}`,
        `unknown switch (known: ${BEYOND_FASTMCP_FLAGS.join(', ')})`,
      );
    }
  }
  const beyondFastMcp = Object.fromEntries(
    BEYOND_FASTMCP_FLAGS.map((flag) => [
      flag,
      optionalBoolean(`beyondFastMcp.${flag}`, given[flag]) ?? spec === 'latest',
    ]),
  ) as Record<BeyondFastMcpFlag, boolean>;
  const limits = optionalObject('clientIdMetadataDocumentLimits', input.clientIdMetadataDocumentLimits);
  const mcp = optionalObject('mcp', input.mcp) as McpEndpointOptions;
  const elevatedScope = mcp.elevatedScope ?? 'admin';
  if (!isScope(elevatedScope)) throw new SettingsError('mcp.elevatedScope', SCOPE_REQUIREMENT);
  return {
    spec,
    beyondFastMcp,
    clientIdMetadataDocumentLimits: {
      maxBytes: optionalWholeNumber('clientIdMetadataDocumentLimits.maxBytes', limits['maxBytes']) ?? 5120,
      timeoutMs: optionalWholeNumber('clientIdMetadataDocumentLimits.timeoutMs', limits['timeoutMs']) ?? 5000,
      cacheSeconds:
        optionalWholeNumber('clientIdMetadataDocumentLimits.cacheSeconds', limits['cacheSeconds'], 0) ?? 300,
    },
    mcp: {
      elevatedScope,
      maxSessions: optionalWholeNumber('mcp.maxSessions', mcp.maxSessions) ?? 100,
      serverName: optionalString('mcp.serverName', mcp.serverName) ?? 'mcp-authed-client-mock',
      protocolEras: resolveProtocolEras(mcp.protocolEras, spec),
    },
    quirks: resolveQuirks(input.quirks),
    dpop: resolveDpopSettings(input.dpop),
    trustedAssertionIssuers: resolveTrustedAssertionIssuers(input.trustedAssertionIssuers),
  };
}

/** The eras given (each once, in {@link MCP_PROTOCOL_ERAS} order), else FastMCP's one or, with `latest`, both. */
function resolveProtocolEras(value: unknown, spec: SpecMode): McpProtocolEra[] {
  if (value === undefined) return spec === 'latest' ? [...MCP_PROTOCOL_ERAS] : ['2025-11-25'];
  const known: readonly unknown[] = MCP_PROTOCOL_ERAS;
  if (!Array.isArray(value) || value.length === 0 || value.some((era) => !known.includes(era))) {
    throw new SettingsError(
      'mcp.protocolEras',
      `must be a non-empty list of ${MCP_PROTOCOL_ERAS.map((era) => `'${era}'`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return MCP_PROTOCOL_ERAS.filter((era) => value.includes(era));
}

function resolveQuirks(value: unknown): ServerQuirks {
  const quirks = optionalObject('quirks', value) as ServerQuirks;
  const known = [
    'metadataIssuer',
    'iss',
    'omitS256',
    'resourceMetadataResource',
    'omitResourceMetadata',
    'omitRefreshToken',
    'resourceAuthorizationServers',
  ];
  for (const key of Object.keys(quirks)) {
    if (!known.includes(key))
      throw new SettingsError(`quirks.${key}`, `unknown quirk (known: ${known.join(', ')})`);
  }
  if (quirks.iss !== undefined && !['wrong', 'missing', 'unadvertised'].includes(quirks.iss)) {
    throw new SettingsError('quirks.iss', "must be 'wrong', 'missing' or 'unadvertised'");
  }
  for (const key of ['metadataIssuer', 'resourceMetadataResource'] as const) {
    const url = quirks[key];
    if (url !== undefined && (typeof url !== 'string' || !URL.canParse(url))) {
      throw new SettingsError(`quirks.${key}`, 'must be an absolute URL');
    }
  }
  for (const key of ['omitS256', 'omitResourceMetadata', 'omitRefreshToken'] as const) {
    optionalBoolean(`quirks.${key}`, quirks[key]);
  }
  const servers = quirks.resourceAuthorizationServers;
  if (servers !== undefined) {
    if (
      !Array.isArray(servers) ||
      servers.length === 0 ||
      servers.some((s) => typeof s !== 'string' || !URL.canParse(s))
    ) {
      throw new SettingsError(
        'quirks.resourceAuthorizationServers',
        'must be a non-empty list of issuer URLs',
      );
    }
  }
  return structuredClone(quirks);
}
