/**
 * `mcp-authed-client/mock-server`: a mock of the authorization server FastMCP (Python MCP SDK v1.x) mounts, plus its
 * protected MCP endpoint, written once as a WHATWG fetch handler. This file is the public contract: everything else
 * in mock-server/ is internal.
 *
 * @example
 * const mock = createMockAuthServer({ issuerUrl: 'http://localhost:8000', clients: [...] });
 * const response = await mock.fetch(new Request('http://localhost:8000/.well-known/oauth-authorization-server'));
 */

// The mock and its settings.
export { createMockAuthServer, type MockAuthServer, type MockAuthServerOptions } from './server.js';
export {
  validateSettings,
  type MockAuthServerSettings,
  type ResolvedMockAuthServerSettings,
  type ClientInformation,
  type ClientAuthMethod,
  type ClientRegistrationOptions,
  type RevocationOptions,
  type ApprovalMode,
  type TokenLifetimes,
  type ResolvedTokenLifetimes,
} from './settings.js';
export { SettingsError } from './settings-checks.js';
export type { StateLimits, ResolvedStateLimits } from './settings-limits.js';
export type {
  BeyondFastMcpOptions,
  BeyondFastMcpFlag,
  SpecMode,
  ServerQuirks,
  McpEndpointOptions,
  McpProtocolEra,
  ClientIdMetadataDocumentLimits,
  BeyondSettingsInput,
  ResolvedBeyondSettings,
} from './settings-beyond.js';
export type { DpopOptions, DpopNonceMode, ResolvedDpopSettings } from './dpop/settings.js';
export type { DpopAlgorithm } from './dpop/algorithms.js';
export type { ClientIdMetadataDocumentFetch } from './cimd/fetch-document.js';
export type {
  ClientIdMetadataResolver,
  ClientIdMetadataResolverOptions,
  ResolvedClientId,
} from './cimd/resolver.js';
export type { Route, RouteHandler, RouteContext, EndpointName } from './routes/router.js';
export type { TrustedAssertionIssuer } from './assertions/settings.js';

// The JWTs the mock's workload platform and identity provider issue (`beyondFastMcp.jwtBearerGrant`).
export { mintWorkloadJwt, mintIdToken, type MintOptions, type MintingMock } from './assertions/mint.js';
export { protectedResourceMetadataUrl } from './routes/metadata.js';

// Bring your own provider: FastMCP's interface, its optional capabilities, its errors; or the default one.
export type {
  OAuthAuthorizationServerProvider,
  ConsentCapableProvider,
  GrantAwareProvider,
  ClientCredentialsCapableProvider,
  DpopBindingCapableProvider,
  DpopConfirmation,
  ConsentDecision,
  PendingConsent,
  AuthorizationParams,
  AuthorizationCode,
  AccessToken,
  RefreshToken,
  OAuthToken,
} from './provider/types.js';
export type { ProviderAdministration, TokenKind } from './provider/administration.js';
export {
  type ProviderError,
  AuthorizeError,
  TokenEndpointError,
  RegistrationError,
  type AuthorizationErrorCode,
  type TokenErrorCode,
  type RegistrationErrorCode,
} from './provider/errors.js';
export {
  InMemoryProvider,
  type InMemoryProviderOptions,
  type InMemoryProviderStats,
} from './provider/in-memory.js';
export type { Clock } from './provider/clock.js';

// Test controls (`mock.control`, and over HTTP), clocks, presets and programmatic approval.
export type { MockControl, ClockControl, PresetPatch, ResetOptions } from './controls/control-layer.js';
export type { SettingsPatch, Patch } from './controls/settings-patch.js';
export type { EndpointTarget } from './controls/endpoints.js';
export type { FailOptions, FaultScope, InjectedError, PendingFault } from './controls/faults.js';
export { REDACTED_PARAMETERS, type RequestLogEntry } from './controls/request-log.js';
export { ControlUnsupportedError } from './controls/errors.js';
export { createManualClock, type ManualClock } from './controls/clock.js';
export { MOCK_SERVER_PRESET_NAMES, resourceMovedTo, type MockServerPresetName } from './presets.js';
export { approve, ApproveError, type ApproveOptions } from './controls/approve.js';
export {
  createControlApiHandler,
  type ControlApiTarget,
  type ControlApiHandler,
  type ControlApiState,
  type ControlApiClock,
  type ControlApiTokensResult,
  type ControlApiRequests,
  type ControlApiLoggedRequest,
} from './controls/http-controls.js';
export type { MockAuthServerLike } from './mock-routes.js';

// The protected MCP endpoint.
export type { McpEndpoint, McpEndpointInit, McpServerConfigurer } from './mcp/endpoint.js';
export type { McpSessionStore, McpSession } from './mcp/sessions.js';
export type { SessionChannel } from './mcp/session-channel.js';
export type { TransportSecuritySettings, ResolvedTransportSecurity } from './mcp/transport-security.js';
export type { TokenVerifier } from './mcp/bearer.js';
export type { WhoAmI } from './mcp/tools.js';
