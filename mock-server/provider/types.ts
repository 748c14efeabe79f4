/**
 * The provider interface FastMCP's auth routes call (`OAuthAuthorizationServerProvider` in `mcp.server.auth.provider`),
 * in camelCase. Expiries are in seconds since the epoch, as in FastMCP.
 */
import type { ClientInformation } from '../settings.js';

/** What `/authorize` validated and hands to the provider. */
export interface AuthorizationParams {
  /** The client's `state`, to be returned unchanged with the code (or error); `undefined` when it sent none. */
  state: string | undefined;
  /** `undefined` when the request carried no `scope`. */
  scopes: string[] | undefined;
  /** The PKCE S256 challenge; store it with the code so `/token` can check the verifier. */
  codeChallenge: string;
  /** The redirect URI the response goes to (normalised). */
  redirectUri: string;
  /** False when the client omitted `redirect_uri` and its single registered one was used. */
  redirectUriProvidedExplicitly: boolean;
  /** RFC 8707 resource indicator, as sent. */
  resource: string | undefined;
}

/** An authorization code as the provider stores it; `/token` checks it against the redemption request. */
export interface AuthorizationCode {
  /** The code value the client redeems (unguessable). */
  code: string;
  /** Scopes the tokens issued for it carry. */
  scopes: string[];
  /** Seconds since the epoch (fractional). */
  expiresAt: number;
  /** The client it was issued to; another client redeeming it gets `invalid_grant`. */
  clientId: string;
  /** The PKCE S256 challenge from `/authorize`; the `code_verifier` must hash to it. */
  codeChallenge: string;
  /** The redirect URI the code was sent to. */
  redirectUri: string;
  /** When true, `/token` requires the same `redirect_uri`; when false, it must be omitted. */
  redirectUriProvidedExplicitly: boolean;
  /** The RFC 8707 resource requested at `/authorize`, if any. */
  resource: string | undefined;
}

/** A refresh token as the provider stores it. */
export interface RefreshToken {
  /** The token value the client presents. */
  token: string;
  /** The client it was issued to; only that client may use or revoke it. */
  clientId: string;
  /** Scopes of its grant; a refresh may ask for these or fewer. */
  scopes: string[];
  /** Seconds since the epoch; `undefined` → never expires. */
  expiresAt: number | undefined;
  /** The DPoP key it is bound to (RFC 9449 §5: public clients' refresh tokens); absent when unbound. */
  cnf?: DpopConfirmation;
}

/** RFC 9449 §6.1 confirmation of a DPoP-bound token: the thumbprint of the key it is bound to. */
export interface DpopConfirmation {
  /** RFC 7638 SHA-256 thumbprint (base64url) of the DPoP public key. */
  readonly jkt: string;
}

/** An access token as the provider stores it; the MCP endpoint checks it on every request. */
export interface AccessToken {
  /** The bearer value the client sends in `Authorization`. */
  token: string;
  /** The client it was issued to. */
  clientId: string;
  /** Scopes it grants; checked against the required (and, for step-up, the elevated) scopes. */
  scopes: string[];
  /** Seconds since the epoch; `undefined` → never expires. */
  expiresAt: number | undefined;
  /** The RFC 8707 resource it is bound to, if any (enforced only with `audienceBinding`). */
  resource: string | undefined;
  /** The resource owner (end user) the token acts for, when the provider knows one. */
  subject?: string;
  /** The DPoP key it is bound to (RFC 9449 §6): the MCP endpoint then wants a proof made with that key. */
  cnf?: DpopConfirmation;
}

/** The token endpoint's success body (RFC 6749 §5.1); absent fields are omitted. */
export interface OAuthToken {
  /** The new access token. */
  access_token: string;
  /** Always `Bearer`. */
  token_type: 'Bearer';
  /** Lifetime of the access token in seconds; omit for one that never expires. */
  expires_in?: number;
  /** Space-separated scopes granted. */
  scope?: string;
  /** A new refresh token, if one is issued. */
  refresh_token?: string;
}

/** FastMCP's provider interface. Implement it to plug your own logic into the mock's routes. */
export interface OAuthAuthorizationServerProvider {
  /**
   * Looks a client up by `client_id`, for `/authorize`, `/token` and `/revoke`. Resolve `undefined` for an unknown
   * client: the route answers with FastMCP's error for it.
   */
  getClient(clientId: string): Promise<ClientInformation | undefined>;
  /**
   * Called by `/register` (when enabled) to store the client it built and validated, id and secret included. May
   * throw `RegistrationError`.
   */
  registerClient(client: ClientInformation): Promise<void>;
  /**
   * Called by `/authorize` once the client, redirect URI and scopes check out, to decide where the browser goes next:
   * the client's redirect URI with a code (auto-approval), or a consent or login page. May throw `AuthorizeError`.
   */
  authorize(client: ClientInformation, params: AuthorizationParams): Promise<string>;
  /**
   * Finds a code for `/token`'s `authorization_code` grant; `undefined` when unknown or already redeemed. Return it
   * even when expired or issued to another client: the route checks expiry, client, redirect URI and PKCE.
   */
  loadAuthorizationCode(client: ClientInformation, code: string): Promise<AuthorizationCode | undefined>;
  /**
   * Called by `/token` once the code, redirect URI and PKCE verifier check out, to issue tokens for it. Must make the
   * code unusable (single use). May throw `TokenEndpointError`.
   */
  exchangeAuthorizationCode(client: ClientInformation, code: AuthorizationCode): Promise<OAuthToken>;
  /**
   * Finds a refresh token for `/token`'s `refresh_token` grant and for `/revoke`; `undefined` when unknown or
   * rotated out. The route checks expiry, owning client and scopes.
   */
  loadRefreshToken(client: ClientInformation, refreshToken: string): Promise<RefreshToken | undefined>;
  /**
   * Called by `/token` once the refresh token and the requested `scopes` (its own, or fewer) check out, to issue new
   * tokens. Should rotate: the old refresh token stops working. May throw `TokenEndpointError`.
   */
  exchangeRefreshToken(
    client: ClientInformation,
    refreshToken: RefreshToken,
    scopes: string[],
  ): Promise<OAuthToken>;
  /**
   * Finds an access token: called by the MCP endpoint's bearer check on every request, and by `/revoke`. `undefined`
   * when unknown or revoked; return it even when expired, as the MCP endpoint checks expiry and scopes itself.
   */
  loadAccessToken(token: string): Promise<AccessToken | undefined>;
  /**
   * Called by `/revoke` with a token (access or refresh) that belongs to the calling client. FastMCP revokes the
   * whole pair, so its sibling should stop working too.
   */
  revokeToken(token: AccessToken | RefreshToken): Promise<void>;
}

/** An authorization request waiting on the consent page. */
export interface PendingConsent {
  /** Identifies the request in the consent page's URL (`?request=`). */
  readonly requestId: string;
  /** Per-request anti-forgery value; the approval POST must present it. */
  readonly antiForgeryToken: string;
  /** The client asking, whose name the page shows. */
  readonly client: ClientInformation;
  /** The validated authorization request, to be completed on approval. */
  readonly params: AuthorizationParams;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

/** The user's answer on the consent page: `deny` sends the client `access_denied`. */
export type ConsentDecision = 'approve' | 'deny';

/** A provider that can hold requests for a consent page (the default in-memory provider does). */
export interface ConsentCapableProvider extends OAuthAuthorizationServerProvider {
  /** Finds the request the consent page shows, without consuming it; `undefined` when unknown, expired or used. */
  loadPendingAuthorization(requestId: string): Promise<PendingConsent | undefined>;
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

/**
 * A provider that issues tokens for the `client_credentials` grant (beyond FastMCP: `clientCredentialsGrant`); the
 * default in-memory provider does.
 */
export interface ClientCredentialsCapableProvider extends OAuthAuthorizationServerProvider {
  /**
   * Called by `/token` once the confidential client authenticated and the `scopes` (within its registered ones) and
   * `resource` check out: an access token acting for the client itself, without a refresh token (RFC 6749 §4.4.3).
   * With `subject` (the JWT bearer grant, `jwtBearerGrant`: the assertion's `sub`), the token acts for that subject
   * instead.
   */
  exchangeClientCredentials(
    client: ClientInformation,
    scopes: string[],
    resource: string | undefined,
    subject?: string,
  ): Promise<OAuthToken>;
}

/**
 * A provider that can bind issued tokens to a DPoP key (beyond FastMCP: `dpop`); the default in-memory provider
 * does. Without it, a token request with a DPoP proof still gets a Bearer token (RFC 9449 §5 allows that).
 */
export interface DpopBindingCapableProvider extends OAuthAuthorizationServerProvider {
  /**
   * Binds the live access or refresh token `token` to the key whose thumbprint is `jkt`, so that loading it returns
   * `cnf: { jkt }`. Called by `/token` right after issuing, before the client sees the token. Returns false for a
   * token it does not know.
   */
  bindTokenToDpopKey(token: string, jkt: string): Promise<boolean>;
}

export function isDpopBindingCapable(
  provider: OAuthAuthorizationServerProvider,
): provider is DpopBindingCapableProvider {
  return typeof (provider as Partial<DpopBindingCapableProvider>).bindTokenToDpopKey === 'function';
}

export function isClientCredentialsCapable(
  provider: OAuthAuthorizationServerProvider,
): provider is ClientCredentialsCapableProvider {
  return (
    typeof (provider as Partial<ClientCredentialsCapableProvider>).exchangeClientCredentials === 'function'
  );
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
