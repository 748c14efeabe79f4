/**
 * Sign-in in a popup. Popup blockers only let a page open a window synchronously inside a user gesture, while
 * discovery and registration take time: so the window is opened when `popupAuthorize()` is called (inside the
 * click handler), shows a neutral "connecting" text, and is sent to the authorization URL once it is known. The
 * callback comes back through `callback-channel.ts`, never through `window.opener` alone.
 */
import { AuthorizationError } from '../errors.js';
import { waitForCallback } from './callback-channel.js';
import { redirectTo } from './redirect.js';
import type { DomWindow } from '../dom-types.js';
import type { AuthorizationContext, AuthorizationHandler } from './types.js';

/** Options of `popupAuthorize`. */
export interface PopupAuthorizeOptions {
  /**
   * When the browser blocks the popup: `'error'` (default) rejects with `popup_blocked`; `'redirect'` signs in by a
   * full-page redirect instead (the callback page then runs `completeAuthorization`).
   */
  fallback?: 'error' | 'redirect' | undefined;
  /** Popup size in CSS pixels (default 500 × 650), centred over the page. */
  width?: number | undefined;
  /** Popup size in CSS pixels (default 500 × 650), centred over the page. */
  height?: number | undefined;
  /** Text shown in the popup until the authorization URL is known (shown as text, never as HTML). */
  connectingText?: string | undefined;
  /**
   * Open the popup at once (default true), which is what lets it through popup blockers: call `popupAuthorize()`
   * inside the click handler, before any `await`. With false, the popup opens when the URL is known — outside a
   * user's click, browsers block it.
   */
  openNow?: boolean | undefined;
  /** Where the page returns after a redirect fallback (default: the current URL). */
  returnTo?: string | undefined;
  /** Milliseconds between checks that the user closed the popup (default 250). */
  closedPollMs?: number | undefined;
  /**
   * `'poll'` (default): a popup the user closes rejects with `popup_closed` within about a second. `'none'`: wait for
   * the callback until the authorization timeout. A sign-in server that sends Cross-Origin-Opener-Policy cuts the
   * popup off from this page, which then sees it as closed while the user is still signing in: use `'none'` there.
   */
  closeDetection?: 'poll' | 'none' | undefined;
  /** The window to open the popup from (default: the global `window`). */
  window?: DomWindow | undefined;
}

/** The handler `popupAuthorize` returns. */
export interface PopupAuthorizationHandler extends AuthorizationHandler {
  /**
   * Opens the sign-in window now, for the next authorization: call it inside a click handler before an action that
   * may need to sign in again (a step-up, a sign-in after the grant ended), so popup blockers let it through.
   */
  prepare(): void;
  /** Closes the popup opened ahead if no authorization used it (`createAuthedMcpClient` calls this for you). */
  release(): void;
}

const POPUP_NAME = 'mcp-authed-client-sign-in';
/** After the popup closes, how long a callback message already on its way may still arrive. */
const CLOSED_GRACE_MS = 1_000;

/**
 * An authorization handler that signs in in a popup window.
 *
 * @example
 * button.addEventListener('click', async () => {
 *   const client = await createAuthedMcpClient(url, {
 *     authorize: popupAuthorize(), // opened here, inside the click: popup blockers allow it
 *     clientMetadata: { redirectUri: `${location.origin}/callback.html` },
 *     storage: webStorage(sessionStorage),
 *   });
 * });
 */
export function popupAuthorize(options: PopupAuthorizeOptions = {}): PopupAuthorizationHandler {
  const win = options.window ?? globalThis.window;
  if (!win) throw new TypeError('popupAuthorize needs a browser window (use headlessAuthorize() in Node)');
  const features = popupFeatures(win, options.width ?? 500, options.height ?? 650);
  // One name per handler: two sign-ins of one page (two MCP servers) never take over each other's window.
  const name = `${POPUP_NAME}-${crypto.randomUUID()}`;
  /** The window opened ahead, inside a click; `null` when the browser refused it. */
  let ahead: WindowProxy | null | undefined;
  const prepare = (): void => {
    if (ahead && !ahead.closed) return;
    ahead = win.open('', name, features);
    if (ahead) showConnecting(ahead, options.connectingText ?? 'Connecting to the sign-in page…');
  };
  if (options.openNow !== false) prepare();

  const handler = async (authorizationUrl: URL, context: AuthorizationContext): Promise<string> => {
    const reserved = ahead;
    ahead = undefined;
    if (reserved?.closed) {
      // The user closed the window opened for them while the sign-in was being prepared: that is a "no".
      throw closedError();
    }
    let popup: WindowProxy | null;
    if (reserved) {
      reserved.location.href = authorizationUrl.href;
      popup = reserved;
    } else {
      popup = win.open(authorizationUrl.href, name, features);
    }
    if (!popup) {
      if (options.fallback === 'redirect') {
        return redirectTo(win, authorizationUrl, context, options.returnTo ?? win.location.href);
      }
      throw new AuthorizationError({
        code: 'popup_blocked',
        message:
          "the browser blocked the sign-in popup: call popupAuthorize() (or handler.prepare() for a later sign-in) inside the click handler, before any await, or pass { fallback: 'redirect' }",
      });
    }
    const pollMs = options.closeDetection === 'none' ? undefined : (options.closedPollMs ?? 250);
    return waitForPopup(win, popup, context, pollMs);
  };
  return Object.assign(handler, {
    prepare,
    release(): void {
      if (ahead && !ahead.closed) ahead.close();
      ahead = undefined;
    },
  });
}

function closedError(): AuthorizationError {
  return new AuthorizationError({
    code: 'popup_closed',
    message: 'the sign-in popup was closed before the sign-in finished',
  });
}

/** Resolves to the callback URL; rejects promptly with `popup_closed` when the user closes the popup first. */
async function waitForPopup(
  win: Window,
  popup: WindowProxy,
  context: AuthorizationContext,
  pollMs: number | undefined,
): Promise<string> {
  const stop = new AbortController();
  const waiting = AbortSignal.any([context.signal, stop.signal]);
  const callback = waitForCallback(win, context.state, waiting, popup);
  let timer: ReturnType<typeof setInterval> | undefined;
  let grace: ReturnType<typeof setTimeout> | undefined;
  const closed = new Promise<never>((_, reject) => {
    if (pollMs === undefined) return;
    timer = setInterval(() => {
      if (!popup.closed) return;
      clearInterval(timer);
      // The callback page posts, then closes itself: give a message already on its way the time to arrive.
      grace = setTimeout(() => reject(closedError()), CLOSED_GRACE_MS);
    }, pollMs);
  });
  try {
    return await Promise.race([callback, closed]);
  } finally {
    clearInterval(timer);
    clearTimeout(grace);
    stop.abort();
    callback.catch(() => undefined);
    if (!popup.closed) popup.close();
  }
}

function showConnecting(popup: WindowProxy, text: string): void {
  try {
    const doc = popup.document;
    doc.title = text;
    const message = doc.createElement('p');
    message.textContent = text;
    message.style.font = '16px system-ui, sans-serif';
    message.style.margin = '2em';
    doc.body?.replaceChildren(message);
  } catch {
    // A window of another origin (a reused name): nothing to show, it is navigated shortly.
  }
}

function popupFeatures(win: Window, width: number, height: number): string {
  const left = Math.max(0, Math.round(win.screenX + (win.outerWidth - width) / 2));
  const top = Math.max(0, Math.round(win.screenY + (win.outerHeight - height) / 2));
  return `popup=yes,width=${width},height=${height},left=${left},top=${top}`;
}
