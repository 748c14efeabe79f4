/**
 * mcp-authed-client: connect web apps and test harnesses to OAuth-protected MCP servers (MCP authorization
 * 2025-06-18 / 2025-11-25), with headless, popup and full-page redirect sign-in.
 *
 * @packageDocumentation
 */
export { createAuthedMcpClient } from './session/client.js';
export type { AuthedMcpClient } from './session/client.js';
export type { AuthedMcpClientOptions, McpAuthorizationOptions } from './options.js';
export { createMcpAuthorization } from './session/authorization.js';
export type { McpAuthorization } from './session/authorization.js';
export type { GrantInfo } from './session/grant-info.js';
export type {
  SessionEvent,
  SessionEventListener,
  SessionEventSource,
  SessionEventStream,
  SignedOutReason,
} from './session/session-events.js';
export { headlessAuthorize } from './authorize/headless.js';
export type { HeadlessAuthorizeOptions } from './authorize/headless.js';
export type { AuthorizationContext, AuthorizationHandler } from './authorize/types.js';
export { popupAuthorize } from './authorize/popup.js';
export type { PopupAuthorizationHandler, PopupAuthorizeOptions } from './authorize/popup.js';
export { redirectAuthorize } from './authorize/redirect.js';
export type { RedirectAuthorizeOptions } from './authorize/redirect.js';
export { completeAuthorization, isAuthorizationCallback } from './authorize/complete.js';
export type { CompleteAuthorizationOptions, CompletedAuthorization } from './authorize/complete.js';
export { memoryStorage } from './storage/storage.js';
export type { AuthStorage } from './storage/storage.js';
export type { DpopKeyPair, DpopKeyStore } from './dpop/key-store.js';
export { webStorage } from './storage/web-storage.js';
export type { WebStorageLike, WebStorageOptions } from './storage/web-storage.js';
export { indexedDbStorage } from './storage/indexed-db.js';
export type { IndexedDbStorageOptions } from './storage/indexed-db.js';
export type { DomIdbFactory, DomWindow } from './dom-types.js';
export { inProcessLocks, webLocks } from './tokens/single-flight.js';
export type { Locks, WebLockManager } from './tokens/single-flight.js';
export type { PreRegisteredClient, TokenEndpointAuthMethod } from './identity/client-identity.js';
export type {
  ClientCredentials,
  ClientSecretCredentials,
  PrivateKeyJwtCredentials,
  WebCryptoKey,
} from './identity/client-credentials.js';
export type { WorkloadIdentity } from './identity/workload-identity.js';
export type {
  EnterpriseAuthorization,
  EnterpriseIdentityProvider,
  EnterpriseMcpClient,
} from './identity/enterprise-authorization.js';
export type { FreshValue } from './identity/machine-client.js';
export type { FlowEvent, FlowEventListener, FlowEventStatus, FlowEventStream } from './events.js';
export {
  McpAuthError,
  DiscoveryError,
  ClientRegistrationError,
  AuthorizationError,
  TokenError,
  SessionAuthError,
  HeadlessAuthorizeError,
  InteractionRequiredError,
} from './errors.js';
export type { FlowStep, McpAuthErrorCode, McpAuthErrorInit } from './errors.js';
export type { FetchLike } from './http.js';
