/**
 * `mcp-authed-client/node`: the mock as a real HTTP server inside a Node process (test suites, scripts), and the
 * Node-only Client ID Metadata Document fetch that resolves names before it connects. This file is the public
 * contract of the subpath; it needs Node (`node:http`, `node:dns`), never a browser.
 *
 * @example
 * const server = await startMockAuthServer({ clientRegistrationOptions: { enabled: true } }); // a free port
 * // … point the client at `${server.url}/mcp`, drive `server.mock.control` …
 * await server.close();
 *
 * @packageDocumentation
 */
export {
  startMockAuthServer,
  type NodeMockAuthServerSettings,
  type StartMockAuthServerOptions,
  type RunningMockAuthServer,
} from './node-mock-server.js';
export {
  listen,
  type Servable,
  type FetchHandler,
  type ListenOptions,
  type RunningServer,
  type ErrorReporter,
} from './node.js';
export {
  createNodeDocumentFetch,
  type NodeDocumentFetchOptions,
  type ResolveAll,
} from './cimd-fetch-node.js';

// The mock's types, so every type these functions refer to is nameable from `./node` too (types only: the values
// live in `./mock-server`).
export type {
  // The mock and its settings.
  MockAuthServer,
  MockAuthServerLike,
  MockAuthServerOptions,
  MockAuthServerSettings,
  ResolvedMockAuthServerSettings,
  ClientInformation,
  ClientAuthMethod,
  ClientRegistrationOptions,
  RevocationOptions,
  ApprovalMode,
  TokenLifetimes,
  ResolvedTokenLifetimes,
  StateLimits,
  ResolvedStateLimits,
  BeyondSettingsInput,
  ResolvedBeyondSettings,
  BeyondFastMcpOptions,
  BeyondFastMcpFlag,
  SpecMode,
  ServerQuirks,
  McpEndpointOptions,
  McpProtocolEra,
  ClientIdMetadataDocumentLimits,
  ClientIdMetadataDocumentFetch,
  ClientIdMetadataResolver,
  ClientIdMetadataResolverOptions,
  ResolvedClientId,
  Route,
  RouteHandler,
  RouteContext,
  EndpointName,
  // Providers.
  OAuthAuthorizationServerProvider,
  AuthorizationParams,
  AuthorizationCode,
  AccessToken,
  RefreshToken,
  OAuthToken,
  TokenKind,
  Clock,
  // Test controls.
  MockControl,
  ClockControl,
  PresetPatch,
  ResetOptions,
  SettingsPatch,
  Patch,
  EndpointTarget,
  FailOptions,
  FaultScope,
  InjectedError,
  PendingFault,
  RequestLogEntry,
  // The protected MCP endpoint.
  McpEndpoint,
  McpEndpointInit,
  McpServerConfigurer,
  McpSessionStore,
  McpSession,
  SessionChannel,
  TransportSecuritySettings,
  ResolvedTransportSecurity,
  TokenVerifier,
} from '../index.js';
