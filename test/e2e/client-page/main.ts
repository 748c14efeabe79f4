/**
 * The client in a real page. Imports the package source the way an application imports the package, and exposes
 * `window.harness` for Playwright's `page.evaluate`: storage adapters by kind, and clients built with the library's
 * own handlers (popup, full-page redirect), kept by id so a test can call tools, sign out and read their events.
 * A popup must open inside a user gesture: `arm(spec)` then a real click on `#connect` connects from the click
 * handler, as an application's button would. Results are plain data so they cross `page.evaluate`.
 */
import {
  createAuthedMcpClient,
  inProcessLocks,
  popupAuthorize,
  redirectAuthorize,
  webLocks,
} from '../../../src/index.js';
import type { AuthedMcpClient, AuthorizationHandler, FlowEvent, SessionEvent } from '../../../src/index.js';
import { adapter, report, type ErrorReport, type StorageSpec } from './shared.js';

export type { ErrorReport, StorageSpec } from './shared.js';

/** Which authorization handler to build. */
export type AuthorizeSpec =
  | { kind: 'popup'; fallback?: 'error' | 'redirect'; openNow?: boolean }
  | { kind: 'redirect' }
  | { kind: 'none' };

export interface ClientSpec {
  mcpUrl: string;
  /** Default: memory (a fresh one per client). */
  storage?: StorageSpec;
  /** Default: popup. */
  authorize?: AuthorizeSpec;
  /** Default: web locks (navigator.locks). */
  locks?: 'web' | 'in-process';
  authorizationTimeoutMs?: number;
  /** A callback page (full-page redirect) older than this refuses the callback. */
  callbackMaxAgeMs?: number;
  /** DPoP (default off). */
  dpop?: boolean | 'auto';
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorReport };

export interface Harness {
  readonly origin: string;
  get(storage: StorageSpec, key: string): Promise<string | null>;
  set(storage: StorageSpec, key: string, value: string): Promise<void>;
  delete(storage: StorageSpec, key: string): Promise<void>;
  /** Runs one adapter call and reports its rejection (or null when it resolved). */
  failure(storage: StorageSpec, operation: 'get' | 'set'): Promise<ErrorReport | null>;
  /** Connects a client (from a script: no user gesture); resolves to its id. */
  connect(spec: ClientSpec): Promise<Outcome<string>>;
  /** Sets what the next click on `#connect` connects. */
  arm(spec: ClientSpec): void;
  /** The outcome of the last click on `#connect`. */
  clicked(): Promise<Outcome<string>>;
  /** Calls `whoami` and returns its JSON. */
  whoami(id: string): Promise<Outcome<Record<string, unknown>>>;
  signOut(id: string): Promise<Outcome<null>>;
  /** `step:status:message` of every flow event of the client, in order. */
  events(id: string): string[];
  /** How many times the client's handler was asked to authorize. */
  authorizations(id: string): number;
}

declare global {
  interface Window {
    harness?: Harness;
  }
}

/** The page a sign-in returns to; its query names the storage the callback page must use (and its age limit). */
export function callbackUrl(storage: StorageSpec, maxAgeMs?: number): string {
  const query = new URLSearchParams({ storage: JSON.stringify(storage) });
  if (maxAgeMs !== undefined) query.set('maxAgeMs', String(maxAgeMs));
  return `${location.origin}/callback.html?${query}`;
}

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: report(error) };
  }
}

interface Entry {
  client?: AuthedMcpClient;
  events: string[];
  authorizations: number;
}
const clients = new Map<string, Entry>();
let nextId = 0;

function handlerFor(spec: AuthorizeSpec, entry: Entry): AuthorizationHandler | undefined {
  const counted = (handler: AuthorizationHandler): AuthorizationHandler =>
    Object.assign(
      (url: URL, context: Parameters<AuthorizationHandler>[1]) => {
        entry.authorizations += 1;
        return handler(url, context);
      },
      handler.release ? { release: () => handler.release?.() } : {},
    );
  switch (spec.kind) {
    case 'popup':
      return counted(
        popupAuthorize({
          ...(spec.fallback === undefined ? {} : { fallback: spec.fallback }),
          ...(spec.openNow === undefined ? {} : { openNow: spec.openNow }),
        }),
      );
    case 'redirect':
      return counted(redirectAuthorize());
    case 'none':
      return undefined;
  }
}

/** Builds the handler synchronously (a popup opens here), then connects. */
function connect(spec: ClientSpec): Promise<Outcome<string>> {
  const id = `client-${(nextId += 1)}`;
  const entry: Entry = { events: [], authorizations: 0 };
  clients.set(id, entry);
  const storage = spec.storage ?? { kind: 'memory' };
  const authorize = handlerFor(spec.authorize ?? { kind: 'popup' }, entry);
  return outcome(async () => {
    entry.client = await createAuthedMcpClient(spec.mcpUrl, {
      clientMetadata: { name: 'browser harness', redirectUri: callbackUrl(storage, spec.callbackMaxAgeMs) },
      ...(authorize === undefined ? {} : { authorize }),
      storage: adapter(storage),
      locks: spec.locks === 'in-process' ? inProcessLocks() : webLocks(navigator.locks),
      timeoutMs: 10_000,
      authorizationTimeoutMs: spec.authorizationTimeoutMs ?? 20_000,
      ...(spec.dpop === undefined ? {} : { dpop: spec.dpop }),
      onEvent: (event: FlowEvent) => entry.events.push(`${event.step}:${event.status}:${event.message}`),
      onSessionEvent: (event: SessionEvent) =>
        entry.events.push(
          `session:${event.type}:${event.source}${event.type === 'signed-out' ? `:${event.reason}` : ''}`,
        ),
    });
    return id;
  });
}

function clientOf(id: string): AuthedMcpClient {
  const client = clients.get(id)?.client;
  if (!client) throw new Error(`no connected client ${id}`);
  return client;
}

function toolJson(result: unknown): Record<string, unknown> {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  const text = content[0]?.type === 'text' ? (content[0].text ?? '') : '';
  return JSON.parse(text) as Record<string, unknown>;
}

let armed: ClientSpec | undefined;
let lastClick: Promise<Outcome<string>> = Promise.resolve({
  ok: false,
  error: { name: 'Error', message: 'not clicked yet', isMcpAuthError: false },
});
document.getElementById('connect')?.addEventListener('click', () => {
  if (armed) lastClick = connect(armed);
});

window.harness = {
  origin: location.origin,
  get: async (spec, key) => (await adapter(spec).get(key)) ?? null,
  set: (spec, key, value) => adapter(spec).set(key, value),
  delete: (spec, key) => adapter(spec).delete(key),
  failure: async (spec, operation) => {
    const storage = adapter(spec);
    try {
      await (operation === 'get' ? storage.get('probe') : storage.set('probe', 'probe-value'));
      return null;
    } catch (error) {
      return report(error);
    }
  },
  connect,
  arm: (spec) => {
    armed = spec;
  },
  clicked: () => lastClick,
  whoami: (id) =>
    outcome(async () => toolJson(await clientOf(id).callTool({ name: 'whoami', arguments: {} }))),
  signOut: (id) =>
    outcome(async () => {
      await clientOf(id).signOut();
      return null;
    }),
  events: (id) => [...(clients.get(id)?.events ?? [])],
  authorizations: (id) => clients.get(id)?.authorizations ?? 0,
};
const status = document.getElementById('status');
if (status) status.textContent = 'ready';
