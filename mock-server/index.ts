/**
 * A mock of the authorization server FastMCP (Python MCP SDK v1.x) mounts, written once as a WHATWG fetch handler.
 *
 * @example
 * const mock = createMockAuthServer({ issuerUrl: 'http://localhost:8000', clients: [...] });
 * const response = await mock.fetch(new Request('http://localhost:8000/.well-known/oauth-authorization-server'));
 */
import { textResponse } from './http/responses.js';
import { systemClock, type Clock } from './provider/clock.js';
import { InMemoryProvider } from './provider/in-memory.js';
import type { OAuthAuthorizationServerProvider } from './provider/types.js';
import { authServerRoutes } from './routes/index.js';
import { createRouter, type Route, type RouteContext } from './routes/router.js';
import {
  validateSettings,
  type MockAuthServerSettings,
  type ResolvedMockAuthServerSettings,
} from './settings.js';

export interface MockAuthServerOptions {
  /**
   * Your own provider (FastMCP's interface); default: an {@link InMemoryProvider} built from the settings. With your
   * own provider, `settings.clients`, `settings.approval` and `settings.tokenLifetimes` are yours to honour.
   */
  provider?: OAuthAuthorizationServerProvider;
  /** Time source for every expiry; default: real time. */
  clock?: Clock;
  /** More routes (e.g. the MCP endpoint), matched after the authorization server's own. */
  extraRoutes?: readonly Route[];
}

export interface MockAuthServer {
  /** Answers one request. Never throws; a client's mistake never yields a 5xx. */
  fetch(request: Request): Promise<Response>;
  /** Validated settings with defaults filled in. */
  readonly settings: ResolvedMockAuthServerSettings;
  readonly provider: OAuthAuthorizationServerProvider;
  readonly clock: Clock;
  /** Every route the mock answers, in matching order. */
  readonly routes: readonly Route[];
}

/** Builds the mock. Throws `SettingsError` when the settings cannot be used. */
export function createMockAuthServer(
  settings: MockAuthServerSettings,
  options: MockAuthServerOptions = {},
): MockAuthServer {
  const resolved = validateSettings(settings);
  const clock = options.clock ?? systemClock;
  const provider = options.provider ?? InMemoryProvider.fromSettings(resolved, clock);
  const context: RouteContext = { settings: resolved, provider, clock };
  const routes = [...authServerRoutes(resolved), ...(options.extraRoutes ?? [])];
  const route = createRouter(routes);
  return {
    settings: resolved,
    provider,
    clock,
    routes,
    async fetch(request: Request): Promise<Response> {
      try {
        return await route(request, context);
      } catch {
        // Only a bug in the mock or a failing custom provider gets here; the details stay out of the response.
        return textResponse('Internal Server Error', 500);
      }
    },
  };
}

export {
  validateSettings,
  settingsFromEnv,
  SettingsError,
  DEFAULT_MAX_BODY_BYTES,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from './settings.js';
export type {
  MockAuthServerSettings,
  ResolvedMockAuthServerSettings,
  ClientInformation,
  ClientRegistrationOptions,
  RevocationOptions,
  ApprovalMode,
  TokenLifetimes,
  TokenEndpointAuthMethod,
} from './settings.js';
export { systemClock, type Clock } from './provider/clock.js';
export {
  InMemoryProvider,
  ACCESS_DENIED_DESCRIPTION,
  type InMemoryProviderOptions,
} from './provider/in-memory.js';
export {
  AuthorizeError,
  TokenError,
  RegistrationError,
  type AuthorizationErrorCode,
  type TokenErrorCode,
  type RegistrationErrorCode,
} from './provider/errors.js';
export {
  isConsentCapable,
  type OAuthAuthorizationServerProvider,
  type ConsentCapableProvider,
  type ConsentDecision,
  type PendingAuthorization,
  type AuthorizationParams,
  type AuthorizationCode,
  type AccessToken,
  type RefreshToken,
  type OAuthToken,
} from './provider/types.js';
export { createRouter, type Route, type RouteContext, type RouteHandler } from './routes/router.js';
export { authServerRoutes } from './routes/index.js';
export { CONSENT_PATH } from './routes/consent.js';
export {
  authorizationServerMetadata,
  protectedResourceMetadata,
  protectedResourceMetadataPath,
  protectedResourceMetadataUrl,
} from './routes/metadata.js';
