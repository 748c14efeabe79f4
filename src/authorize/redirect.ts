/**
 * Sign-in by full-page redirect: the request is marked for completion on the callback page, then the page leaves
 * for the authorization server. The callback page (the app's own, or a dedicated one) runs `completeAuthorization`.
 */
import type { DomWindow } from '../dom-types.js';
import type { AuthorizationContext, AuthorizationHandler } from './types.js';

/** Options of `redirectAuthorize`. */
export interface RedirectAuthorizeOptions {
  /** Where `completeAuthorization` says to return once signed in (default: the current URL). */
  returnTo?: string | undefined;
  /** The window to navigate (default: the global `window`). */
  window?: DomWindow | undefined;
}

/**
 * An authorization handler that navigates the page to the authorization server. Nothing is lost: everything the
 * callback page needs is in storage (use `webStorage(sessionStorage)` or a shared storage, not the in-memory
 * default), and `createAuthedMcpClient` never resolves in the page that left.
 *
 * @example
 * // the page that signs in
 * await createAuthedMcpClient(url, { authorize: redirectAuthorize(), storage: webStorage(sessionStorage) });
 * // the callback page
 * const { returnTo } = await completeAuthorization(location.href, { storage: webStorage(sessionStorage) });
 * location.replace(returnTo ?? '/');
 */
export function redirectAuthorize(options: RedirectAuthorizeOptions = {}): AuthorizationHandler {
  const win = options.window ?? globalThis.window;
  if (!win) throw new TypeError('redirectAuthorize needs a browser window (use headlessAuthorize() in Node)');
  return (authorizationUrl, context) =>
    redirectTo(win, authorizationUrl, context, options.returnTo ?? win.location.href);
}

/** Marks the request for the callback page, then navigates; settles only if the authorization is abandoned. */
export async function redirectTo(
  win: DomWindow,
  authorizationUrl: URL,
  context: AuthorizationContext,
  returnTo: string,
): Promise<never> {
  await context.completeOnCallbackPage(returnTo);
  win.location.assign(authorizationUrl.href);
  return new Promise<never>((_, reject) => {
    const abandon = (): void => reject(context.signal.reason);
    if (context.signal.aborted) abandon();
    else context.signal.addEventListener('abort', abandon, { once: true });
  });
}
