/**
 * The authorization handler: the only piece that differs between tests (headless), a CLI and a browser
 * (redirect or popup). It opens the authorization URL and resolves to the callback URL.
 */

/** What a handler is told about the authorization it runs. */
export interface AuthorizationContext {
  /** The `state` of this request: the callback that answers it carries the same value. */
  readonly state: string;
  /** Where the authorization server sends the browser back. */
  readonly redirectUri: string;
  /** Fires when the authorization is abandoned (timeout, or the application's signal): close windows, stop waiting. */
  readonly signal: AbortSignal;
  /**
   * Marks the request as finished by a full-page redirect: `completeAuthorization` on the callback page redeems it
   * and returns `returnTo` (the page to go back to).
   */
  completeOnCallbackPage(returnTo: string): Promise<void>;
}

/** Opens `authorizationUrl` and resolves to the callback URL the server redirected to. */
export interface AuthorizationHandler {
  /** Opens `authorizationUrl` (a browser window, a redirect, or a request in tests) and resolves to the callback URL. */
  (authorizationUrl: URL, context: AuthorizationContext): Promise<URL | string>;
  /**
   * Called when `createAuthedMcpClient` is done with what the handler prepared for its first authorization (for
   * instance a popup opened ahead, inside the user's click), whether or not it was used.
   */
  release?(): void;
}
