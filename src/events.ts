/**
 * The typed event stream of flow steps. UIs draw the flow from it; logs can print it. Every URL in an event
 * goes through `redactUrl` and no event carries a token, code, verifier or client secret: each event is scrubbed of
 * the client's known secrets as it is emitted, and its text cleaned of control characters and bounded, since details
 * such as a client id or a scope are the server's choice.
 */
import { McpAuthError } from './errors.js';
import { createListeners } from './listeners.js';
import type { FlowStep, McpAuthErrorCode } from './errors.js';
import {
  bound,
  cleanText,
  MESSAGE_LIMIT,
  SERVER_CODE_LIMIT,
  SERVER_TEXT_LIMIT,
  serverText,
} from './server-text.js';

/** Where a step is at. */
export type FlowEventStatus = 'started' | 'succeeded' | 'failed' | 'skipped';

/** One event of the flow. */
export interface FlowEvent {
  /** The step of the flow this event belongs to. */
  step: FlowStep;
  /** `started`, then `succeeded`, `failed` or `skipped` (a candidate that did not apply). */
  status: FlowEventStatus;
  /** Human-readable summary, safe to show (no control characters, at most 2,000 characters). */
  message: string;
  /** The HTTP request behind the event, redacted. */
  request?: { method: string; url: string };
  /** The HTTP response behind the event. */
  response?: { status: number };
  /**
   * Extra non-secret facts (issuer, scopes, client id source, ...). Strings hold no control characters and at most 500
   * characters; lists at most 100 entries of at most 100 characters.
   */
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

/**
 * Creates an event stream; a throwing listener never breaks the flow. Every event is scrubbed of `secrets` (read at
 * each emit, so secrets learnt later count) by {@link safeEvent}.
 */
export function createEventStream(
  initial?: FlowEventListener,
  secrets: Iterable<string> = [],
): FlowEventEmitter {
  const listeners = createListeners(initial);
  return {
    subscribe: listeners.subscribe,
    emit: (event) => listeners.tell({ ...safeEvent(event, secrets), at: Date.now() }),
  };
}

/** Most entries of a list in an event's `detail`. */
const DETAIL_LIST_LIMIT = 100;

/**
 * The event with every text (message, URL, detail, error message) cleaned of control characters, scrubbed of
 * `secrets` and bounded. Pure.
 */
export function safeEvent<E extends Omit<FlowEvent, 'at'>>(event: E, secrets: Iterable<string>): E {
  const known = [...secrets];
  const text = (value: string, limit: number): string => serverText(value, known, limit) ?? '';
  const safe: E = { ...event, message: text(event.message, MESSAGE_LIMIT) };
  if (event.request) safe.request = { ...event.request, url: text(event.request.url, MESSAGE_LIMIT) };
  if (event.error) safe.error = { ...event.error, message: text(event.error.message, MESSAGE_LIMIT) };
  if (event.detail) {
    const detail: Record<string, string | number | boolean | readonly string[]> = {};
    for (const [key, value] of Object.entries(event.detail)) {
      detail[bound(cleanText(key), SERVER_CODE_LIMIT)] =
        typeof value === 'string'
          ? text(value, SERVER_TEXT_LIMIT)
          : Array.isArray(value)
            ? value.slice(0, DETAIL_LIST_LIMIT).map((item: string) => text(item, SERVER_CODE_LIMIT))
            : value;
    }
    safe.detail = detail;
  }
  return safe;
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
const REDACTED_TEXT_LIMIT = 300;

/**
 * Text from elsewhere (an application's handler, a server's error body) made fit for an error message: every URL in
 * it redacted like {@link redactUrl}, control characters removed, whitespace folded, and the length bounded (300).
 */
export function redactText(text: string): string {
  return bound(
    cleanText(text).replace(URL_IN_TEXT, (url) => redactUrl(url)),
    REDACTED_TEXT_LIMIT,
  );
}

/** The `request` part of an event for a POST to an endpoint the metadata may or may not name. */
export function postRequest(endpoint: unknown): Pick<FlowEvent, 'request'> {
  return typeof endpoint === 'string' ? { request: { method: 'POST', url: redactUrl(endpoint) } } : {};
}

/** The `failed` event for an error (its message is already free of secrets; the emitter scrubs it once more). */
export function failureEvent(step: FlowStep, error: unknown): Omit<FlowEvent, 'at'> {
  const code: McpAuthErrorCode = error instanceof McpAuthError ? error.code : 'invalid_response';
  const message = error instanceof Error ? error.message : 'unknown failure';
  return { step, status: 'failed', message, error: { code, message } };
}
