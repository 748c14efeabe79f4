/**
 * Handing a callback URL from the page the authorization server redirected to (in a popup) to the page whose
 * handler waits for it, within one origin. Three routes, so no single one is load-bearing: a `BroadcastChannel`, a
 * `postMessage` to `window.opener` (origin-checked on both ends; `window.opener` is often severed by
 * Cross-Origin-Opener-Policy, which is why it is not the only route), and, where neither exists, a `storage` event.
 * The waiting side acknowledges, so the callback page knows whether anyone took it.
 */

const CHANNEL_NAME = 'mcp-authed-client/authorization';
const MESSAGE_TYPE = 'mcp-authed-client/authorization';
const STORAGE_PREFIX = 'mcp-authed-client/v1/hand-off/';

/** A message of the hand-off protocol. */
interface HandOffMessage {
  type: typeof MESSAGE_TYPE;
  kind: 'callback' | 'ack';
  state: string;
  /** The callback URL (kind `callback` only). */
  url?: string;
}

function isHandOffMessage(value: unknown): value is HandOffMessage {
  if (value === null || typeof value !== 'object') return false;
  const message = value as Record<string, unknown>;
  return (
    message['type'] === MESSAGE_TYPE &&
    (message['kind'] === 'callback' || message['kind'] === 'ack') &&
    typeof message['state'] === 'string' &&
    (message['url'] === undefined || typeof message['url'] === 'string')
  );
}

function openChannel(): BroadcastChannel | undefined {
  return typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : undefined;
}

function localStorageOf(win: Window): Storage | undefined {
  try {
    return win.localStorage;
  } catch {
    // Storage disabled (privacy settings, sandboxed frame).
    return undefined;
  }
}

/**
 * Waits for the callback URL of the request `state`, from any route, and acknowledges it. Rejects with the signal's
 * reason when `signal` fires. Messages for other states (another tab's sign-in) are left alone; a `postMessage`
 * must come from this origin and, when `popup` is given, from that window.
 */
export function waitForCallback(
  win: Window,
  state: string,
  signal: AbortSignal,
  popup?: WindowProxy,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const channel = openChannel();
    const storage = localStorageOf(win);
    const ack: HandOffMessage = { type: MESSAGE_TYPE, kind: 'ack', state };
    const cleanup = (): void => {
      channel?.close();
      win.removeEventListener('message', onWindowMessage);
      win.removeEventListener('storage', onStorage);
      signal.removeEventListener('abort', onAbort);
    };
    const accept = (url: string): void => {
      cleanup();
      resolve(url);
    };
    const matches = (data: unknown): data is HandOffMessage & { url: string } =>
      isHandOffMessage(data) && data.kind === 'callback' && data.state === state && data.url !== undefined;

    const onChannelMessage = (event: MessageEvent): void => {
      if (!matches(event.data)) return;
      channel?.postMessage(ack);
      accept(event.data.url);
    };
    const onWindowMessage = (event: MessageEvent): void => {
      if (event.origin !== win.location.origin || !matches(event.data)) return;
      if (popup !== undefined && event.source !== popup) return;
      (event.source as WindowProxy | null)?.postMessage(ack, { targetOrigin: event.origin });
      accept(event.data.url);
    };
    const onStorage = (event: StorageEvent): void => {
      if (event.key !== `${STORAGE_PREFIX}${state}` || event.newValue === null) return;
      let data: unknown;
      try {
        data = JSON.parse(event.newValue);
      } catch {
        return;
      }
      if (!matches(data)) return;
      // The callback URL carries a code: it leaves storage as soon as it is read.
      storage?.removeItem(`${STORAGE_PREFIX}${state}`);
      storage?.setItem(`${STORAGE_PREFIX}${state}/ack`, '1');
      accept(data.url);
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal.reason);
    };

    if (signal.aborted) {
      onAbort();
      return;
    }
    if (channel) channel.onmessage = onChannelMessage;
    win.addEventListener('message', onWindowMessage);
    win.addEventListener('storage', onStorage);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Offers the callback URL to the page waiting for `state` and resolves to whether it acknowledged within
 * `timeoutMs`. The storage route is used only when there is neither a `BroadcastChannel` nor an opener, since it
 * writes the code to `localStorage` for the moment it takes the other page to read it.
 */
export function handOffCallback(
  win: Window,
  url: string,
  state: string,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const channel = openChannel();
    const opener = openerOf(win);
    const storage = channel || opener ? undefined : localStorageOf(win);
    const message: HandOffMessage = { type: MESSAGE_TYPE, kind: 'callback', state, url };
    const isAck = (data: unknown): boolean =>
      isHandOffMessage(data) && data.kind === 'ack' && data.state === state;
    const finish = (acknowledged: boolean): void => {
      clearTimeout(timer);
      channel?.close();
      win.removeEventListener('message', onWindowMessage);
      win.removeEventListener('storage', onStorage);
      storage?.removeItem(`${STORAGE_PREFIX}${state}`);
      storage?.removeItem(`${STORAGE_PREFIX}${state}/ack`);
      resolve(acknowledged);
    };
    const onWindowMessage = (event: MessageEvent): void => {
      if (event.origin === win.location.origin && isAck(event.data)) finish(true);
    };
    const onStorage = (event: StorageEvent): void => {
      if (event.key === `${STORAGE_PREFIX}${state}/ack` && event.newValue !== null) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);

    if (channel) {
      channel.onmessage = (event: MessageEvent) => {
        if (isAck(event.data)) finish(true);
      };
      channel.postMessage(message);
    }
    win.addEventListener('message', onWindowMessage);
    opener?.postMessage(message, { targetOrigin: win.location.origin });
    if (storage) {
      win.addEventListener('storage', onStorage);
      storage.setItem(`${STORAGE_PREFIX}${state}`, JSON.stringify(message));
    }
  });
}

function openerOf(win: Window): WindowProxy | undefined {
  try {
    return win.opener !== null && win.opener !== win ? (win.opener as WindowProxy) : undefined;
  } catch {
    return undefined;
  }
}
