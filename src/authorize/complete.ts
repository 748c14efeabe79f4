/**
 * The callback page: `completeAuthorization` finishes a sign-in from the callback URL and storage alone. A request
 * started by `redirectAuthorize` (or a popup that fell back to a redirect) is redeemed here; a popup's callback is
 * handed to the page that waits for it, and the popup closes. Either way the code never stays in the address bar.
 */
import type { DomWindow } from '../dom-types.js';
import { McpAuthError } from '../errors.js';
import { createEventStream } from '../events.js';
import type { FlowEventListener } from '../events.js';
import { redeemStoredAuthorization } from '../flow/authorization-code-flow.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../http.js';
import { byteCount, positive } from '../options.js';
import type { FetchLike } from '../http.js';
import type { PreRegisteredClient } from '../identity/client-identity.js';
import { KnownSecrets } from '../known-secrets.js';
import { AuthStateStore } from '../storage/auth-state.js';
import type { AuthStorage } from '../storage/storage.js';
import { handOffCallback } from './callback-channel.js';

/** Options of `completeAuthorization`. */
export interface CompleteAuthorizationOptions {
  /** The storage the sign-in was started with (`webStorage(sessionStorage)`, `indexedDbStorage()`, …). */
  storage: AuthStorage;
  /** Pre-registered confidential credentials, if the sign-in used them (their secret is never stored). */
  credentials?: PreRegisteredClient | undefined;
  /** The fetch for the code exchange (default: global fetch). */
  fetch?: FetchLike | undefined;
  /** Milliseconds before the code exchange is abandoned (default 30 000). */
  timeoutMs?: number | undefined;
  /** Bytes the token response may hold (default 1 MiB; see `maxResponseBytes` of the client options). */
  maxResponseBytes?: number | undefined;
  /** A callback later than this after the sign-in started is refused (default 300 000, the authorization timeout). */
  maxAgeMs?: number | undefined;
  /** How long a popup's callback waits for the page that opened it to take it (default 1 500 ms). */
  handOffTimeoutMs?: number | undefined;
  /** Accept plain http to non-loopback hosts (tests only). */
  allowInsecureHttp?: boolean | undefined;
  /** Cancels the code exchange. */
  signal?: AbortSignal | undefined;
  /** Receives the flow events of the completion (authorization, token). */
  onEvent?: FlowEventListener | undefined;
  /** The window whose address bar is cleaned and which closes after a hand-off (default: the global `window`). */
  window?: DomWindow | undefined;
}

/** What `completeAuthorization` did. */
export interface CompletedAuthorization {
  /**
   * `'redeemed'`: this page exchanged the code and stored the grant (a full-page redirect); `'handed-off'`: the page
   * that opened this popup took the callback and redeems it, and this window is closing.
   */
  outcome: 'redeemed' | 'handed-off';
  /** Where to go back to: the page that started a redirect sign-in. */
  returnTo?: string;
  /** The MCP server the grant is for (when redeemed here). */
  mcpUrl?: string;
}

const CALLBACK_PARAMETERS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri'];

/** Whether a URL is an authorization response: it carries a `state` and a `code` or an `error`. */
export function isAuthorizationCallback(url: string | URL = globalThis.location?.href ?? ''): boolean {
  if (!URL.canParse(url)) return false;
  const params = new URL(url).searchParams;
  return params.has('state') && (params.has('code') || params.has('error'));
}

/**
 * Finishes a sign-in on the callback page. Enforces `state` (unknown, replayed and late callbacks are refused with
 * a typed error and leave stored tokens untouched) and `iss`, redeems the code, stores the grant, and removes the
 * authorization response from the address bar. Afterwards `createAuthedMcpClient(url, { storage })` connects
 * without authorizing again.
 *
 * @example
 * if (isAuthorizationCallback()) {
 *   const { returnTo } = await completeAuthorization(location.href, { storage: webStorage(sessionStorage) });
 *   if (returnTo) location.replace(returnTo);
 * }
 */
export async function completeAuthorization(
  callbackUrl: string | URL = globalThis.location?.href ?? '',
  options: CompleteAuthorizationOptions,
): Promise<CompletedAuthorization> {
  const win = options.window ?? globalThis.window;
  if (!URL.canParse(callbackUrl)) {
    throw new McpAuthError({
      code: 'invalid_option',
      step: 'authorization',
      message: 'completeAuthorization needs the absolute callback URL',
    });
  }
  const callback = new URL(callbackUrl);
  if (win) removeResponseFromAddressBar(win, callback);
  // What this completion sends and receives, so no server text it quotes can carry it.
  const secrets = new KnownSecrets();
  if (options.credentials) secrets.addClient(options.credentials.clientId, options.credentials.clientSecret);
  const store = new AuthStateStore(options.storage, secrets);
  const state = callback.searchParams.get('state') ?? '';
  const pending = state === '' ? undefined : await store.peekPending(state);
  const redeem = async (): Promise<CompletedAuthorization> => {
    const { pending: redeemed } = await redeemStoredAuthorization(
      {
        ctx: {
          fetch: options.fetch ?? ((input, init) => fetch(input, init)),
          timeoutMs: positive(options.timeoutMs, 30_000, 'timeoutMs'),
          signal: options.signal,
          allowInsecureHttp: options.allowInsecureHttp === true,
          maxResponseBytes: byteCount(
            options.maxResponseBytes,
            DEFAULT_MAX_RESPONSE_BYTES,
            'maxResponseBytes',
          ),
          secrets,
        },
        events: createEventStream(options.onEvent, secrets),
        store,
      },
      callback,
      { credentials: options.credentials, maxAgeMs: options.maxAgeMs ?? 300_000 },
    );
    // Only a page of this origin is a place to go back to (the value came from storage).
    const returnTo =
      redeemed.returnTo !== undefined && sameOrigin(redeemed.returnTo, callback)
        ? redeemed.returnTo
        : undefined;
    return { outcome: 'redeemed', mcpUrl: redeemed.mcpUrl, ...(returnTo === undefined ? {} : { returnTo }) };
  };

  if (pending?.returnTo !== undefined || !win) return redeem();
  // A popup's callback: the page that opened it waits and redeems it there.
  if (state !== '' && (await handOffCallback(win, callback.href, state, options.handOffTimeoutMs ?? 1_500))) {
    win.close();
    return { outcome: 'handed-off' };
  }
  // Nobody waits: with the request in storage (the opener was closed), redeem here; else it is refused.
  return redeem();
}

function sameOrigin(url: string, callback: URL): boolean {
  return URL.canParse(url) && new URL(url).origin === callback.origin;
}

/** Replaces the address bar's URL with the callback URL minus the authorization response. */
function removeResponseFromAddressBar(win: Window, callback: URL): void {
  try {
    if (win.location.href !== callback.href) return;
    const clean = new URL(callback);
    for (const name of CALLBACK_PARAMETERS) clean.searchParams.delete(name);
    win.history.replaceState(win.history.state, '', clean.href);
  } catch {
    // Not a same-document URL (or no history API): nothing to clean.
  }
}
