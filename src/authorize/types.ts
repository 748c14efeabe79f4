/**
 * The authorization handler: the only piece that differs between tests (headless), a CLI and a browser
 * (redirect or popup). It opens the authorization URL and resolves to the callback URL.
 */

/** Opens `authorizationUrl` and resolves to the callback URL the server redirected to. */
export type AuthorizationHandler = (authorizationUrl: URL) => Promise<URL | string>;
