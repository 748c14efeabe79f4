/**
 * The typed event stream of flow steps. UIs draw the flow from it; logs can print it. Every URL in an event
 * goes through `redactUrl` and no event carries a token, code, verifier or client secret.
 */
import { McpAuthError } from './errors.js';
import type { FlowStep, McpAuthErrorCode } from './errors.js';

/** Where a step is at. */
export type FlowEventStatus = 'started' | 'succeeded' | 'failed' | 'skipped';

/** One event of the flow. */
export interface FlowEvent {
  /** The step of the flow this event belongs to. */
  step: FlowStep;
  /** `started`, then `succeeded`, `failed` or `skipped` (a candidate that did not apply). */
  status: FlowEventStatus;
  /** Human-readable summary, safe to show. */
  message: string;
  /** The HTTP request behind the event, redacted. */
  request?: { method: string; url: string };
  /** The HTTP response behind the event. */
  response?: { status: number };
  /** Extra non-secret facts (issuer, scopes, client id source, ...). */
  detail?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** The error behind a `failed` event. */
  error?: { code: McpAuthErrorCode; message: string };
  /** Milliseconds since the epoch. */
  at: number;
}

/** A listener of flow events. */
export type FlowEventListener = (event: FlowEvent) => void;

/** Subscribe side of the event stream. */
export interface FlowEventStream {
  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: FlowEventListener): () => void;
}

/** Emitting side of the event stream (internal). */
export interface FlowEventEmitter extends FlowEventStream {
  emit(event: Omit<FlowEvent, 'at'>): void;
}

/** Creates an event stream; a throwing listener never breaks the flow. */
export function createEventStream(initial?: FlowEventListener): FlowEventEmitter {
  const listeners = new Set<FlowEventListener>();
  if (initial) listeners.add(initial);
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      const full: FlowEvent = { ...event, at: Date.now() };
      for (const listener of listeners) {
        try {
          listener(full);
        } catch {
          // A UI bug must not break authorization.
        }
      }
    },
  };
}

const SECRET_PARAMETERS = new Set([
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'client_secret',
  'client_assertion',
  'assertion',
  'password',
]);

/** The URL with secret query parameters, userinfo and fragment replaced, for events and messages. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '[unparseable URL]';
  }
  if (parsed.username || parsed.password) {
    parsed.username = 'redacted';
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMETERS.has(name.toLowerCase())) parsed.searchParams.set(name, 'redacted');
  }
  parsed.hash = '';
  return parsed.href;
}

const URL_IN_TEXT = /https?:\/\/[^\s"'<>]+/g;
const MESSAGE_LIMIT = 300;

/**
 * Text from elsewhere (an application's handler, a server's error body) made fit for an error message: every URL in
 * it redacted like {@link redactUrl}, whitespace folded, and the length bounded.
 */
export function redactText(text: string): string {
  const flat = text
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > MESSAGE_LIMIT ? `${flat.slice(0, MESSAGE_LIMIT - 1)}…` : flat;
}

/** The `request` part of an event for a POST to an endpoint the metadata may or may not name. */
export function postRequest(endpoint: unknown): Pick<FlowEvent, 'request'> {
  return typeof endpoint === 'string' ? { request: { method: 'POST', url: redactUrl(endpoint) } } : {};
}

/** The `failed` event for an error (its message is already free of secrets). */
export function failureEvent(step: FlowStep, error: unknown): Omit<FlowEvent, 'at'> {
  const code: McpAuthErrorCode = error instanceof McpAuthError ? error.code : 'invalid_response';
  const message = error instanceof Error ? error.message : 'unknown failure';
  return { step, status: 'failed', message, error: { code, message } };
}
