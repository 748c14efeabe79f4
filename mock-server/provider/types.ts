/**
 * The provider interface FastMCP's auth routes call (`OAuthAuthorizationServerProvider` in `mcp.server.auth.provider`),
 * in camelCase. Expiries are in seconds since the epoch, as in FastMCP.
 */
import type { ClientInformation } from '../settings.js';

/** What `/authorize` validated and hands to the provider. */
export interface AuthorizationParams {
  state: string | undefined;
  /** `undefined` when the request carried no `scope`. */
  scopes: string[] | undefined;
  codeChallenge: string;
  /** The redirect URI the response goes to (normalised). */
  redirectUri: string;
  /** False when the client omitted `redirect_uri` and its single registered one was used. */
  redirectUriProvidedExplicitly: boolean;
  /** RFC 8707 resource indicator, as sent. */
  resource: string | undefined;
}

export interface AuthorizationCode {
  code: string;
  scopes: string[];
  /** Seconds since the epoch (fractional). */
  expiresAt: number;
  clientId: string;
  codeChallenge: string;
  redirectUri: string;
  redirectUriProvidedExplicitly: boolean;
  resource: string | undefined;
}

export interface RefreshToken {
  token: string;
  clientId: string;
  scopes: string[];
  /** Seconds since the epoch; `undefined` → never expires. */
  expiresAt: number | undefined;
}

export interface AccessToken {
  token: string;
  clientId: string;
  scopes: string[];
  /** Seconds since the epoch; `undefined` → never expires. */
  expiresAt: number | undefined;
  resource: string | undefined;
  /** The resource owner (end user) the token acts for, when the provider knows one. */
  subject?: string;
}

/** The token endpoint's success body (RFC 6749 §5.1); absent fields are omitted. */
export interface OAuthToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in?: number;
  scope?: string;
  refresh_token?: string;
}

/** FastMCP's provider interface. Implement it to plug your own logic into the mock's routes. */
export interface OAuthAuthorizationServerProvider {
  getClient(clientId: string): Promise<ClientInformation | undefined>;
  /** Stores a client the registration endpoint built; may throw `RegistrationError`. */
  registerClient(client: ClientInformation): Promise<void>;
  /**
   * Decides where the browser goes next: the client's redirect URI with a code (auto-approval), or a consent or login
   * page. May throw `AuthorizeError`.
   */
  authorize(client: ClientInformation, params: AuthorizationParams): Promise<string>;
  loadAuthorizationCode(client: ClientInformation, code: string): Promise<AuthorizationCode | undefined>;
  /** Must make the code unusable (single use). May throw `TokenError`. */
  exchangeAuthorizationCode(client: ClientInformation, code: AuthorizationCode): Promise<OAuthToken>;
  loadRefreshToken(client: ClientInformation, refreshToken: string): Promise<RefreshToken | undefined>;
  /** Should rotate: the old refresh token stops working. May throw `TokenError`. */
  exchangeRefreshToken(
    client: ClientInformation,
    refreshToken: RefreshToken,
    scopes: string[],
  ): Promise<OAuthToken>;
  loadAccessToken(token: string): Promise<AccessToken | undefined>;
  revokeToken(token: AccessToken | RefreshToken): Promise<void>;
}

/** An authorization request waiting on the consent page. */
export interface PendingAuthorization {
  readonly requestId: string;
  /** Per-request anti-forgery value; the approval POST must present it. */
  readonly antiForgeryToken: string;
  readonly client: ClientInformation;
  readonly params: AuthorizationParams;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

export type ConsentDecision = 'approve' | 'deny';

/** A provider that can hold requests for a consent page (the default in-memory provider does). */
export interface ConsentCapableProvider extends OAuthAuthorizationServerProvider {
  loadPendingAuthorization(requestId: string): Promise<PendingAuthorization | undefined>;
  /** Consumes the pending request and returns the redirect URL (code on approve, `access_denied` on deny). */
  completePendingAuthorization(requestId: string, decision: ConsentDecision): Promise<string | undefined>;
}

/**
 * A provider that remembers which tokens came from which grant, so the token endpoint can revoke a whole grant when
 * a code is replayed or a rotated-out refresh token comes back (the default in-memory provider does).
 */
export interface GrantAwareProvider extends OAuthAuthorizationServerProvider {
  /** `code` was redeemed before: revoke every token issued from it. Returns whether anything was revoked. */
  revokeGrantOfRedeemedCode(code: string): Promise<boolean>;
  /** `refreshToken` was rotated out before: revoke its whole family. Returns whether anything was revoked. */
  revokeFamilyOfRotatedRefreshToken(refreshToken: string): Promise<boolean>;
  /** The RFC 8707 resource a live refresh token's grant is bound to. */
  resourceOfRefreshToken(refreshToken: string): Promise<string | undefined>;
}

export function isGrantAware(provider: OAuthAuthorizationServerProvider): provider is GrantAwareProvider {
  const candidate = provider as Partial<GrantAwareProvider>;
  return (
    typeof candidate.revokeGrantOfRedeemedCode === 'function' &&
    typeof candidate.revokeFamilyOfRotatedRefreshToken === 'function' &&
    typeof candidate.resourceOfRefreshToken === 'function'
  );
}

export function isConsentCapable(
  provider: OAuthAuthorizationServerProvider,
): provider is ConsentCapableProvider {
  const candidate = provider as Partial<ConsentCapableProvider>;
  return (
    typeof candidate.loadPendingAuthorization === 'function' &&
    typeof candidate.completePendingAuthorization === 'function'
  );
}
