/**
 * Session events: what happened to the grant, for an application's UI (a "signed in as" badge, a sign-in button, a
 * warning before the session lapses) — from this client's own flow and from other contexts (tabs) sharing the
 * storage. They carry the grant's public view, never a token.
 */
import { createListeners } from '../listeners.js';
import type { GrantInfo } from './grant-info.js';

/** Who changed the grant: this client, or another context (a tab) sharing its storage. */
export type SessionEventSource = 'this-client' | 'other-context';

/**
 * Why the grant is gone: an explicit sign-out (here or in another context), the authorization server refusing it
 * (`invalid_grant` on refresh: the next request needs a new authorization), or another context removing it for a
 * reason it did not broadcast.
 */
export type SignedOutReason = 'signed-out' | 'grant-refused' | 'removed';

/** One change of the session. */
export type SessionEvent =
  | {
      /** A new grant from an authorization: first sign-in, re-authorization or step-up. */
      readonly type: 'authorized';
      readonly source: SessionEventSource;
      readonly grant: GrantInfo;
      readonly at: number;
    }
  | {
      /** New tokens from a refresh. */
      readonly type: 'refreshed';
      readonly source: SessionEventSource;
      readonly grant: GrantInfo;
      readonly at: number;
    }
  | {
      /**
       * The access token expires within `refreshSkewMs` (once per access token). With `grant.refreshable` the next
       * request (or `getAccessToken()`) refreshes it; without, the next authorization needs the user.
       */
      readonly type: 'expiring';
      readonly source: 'this-client';
      readonly grant: GrantInfo;
      readonly at: number;
    }
  | {
      /** The grant is gone; requests need a new authorization. */
      readonly type: 'signed-out';
      readonly source: SessionEventSource;
      readonly reason: SignedOutReason;
      readonly at: number;
    };

/** A listener of session events. */
export type SessionEventListener = (event: SessionEvent) => void;

/** Subscribe side of the session events. */
export interface SessionEventStream {
  /** Calls `listener` for every later session event; returns the unsubscribe function. */
  subscribe(listener: SessionEventListener): () => void;
}

/** Distributive `Omit`, so each member of the union keeps its own fields. */
type WithoutTime<E> = E extends unknown ? Omit<E, 'at'> : never;

/** Emitting side (internal). */
export interface SessionEventEmitter extends SessionEventStream {
  emit(event: WithoutTime<SessionEvent>): void;
}

/** A session event stream; a throwing listener never breaks the flow. */
export function createSessionEventStream(initial?: SessionEventListener): SessionEventEmitter {
  const listeners = createListeners(initial);
  return {
    subscribe: listeners.subscribe,
    emit: (event) => listeners.tell(Object.freeze({ ...event, at: Date.now() }) as SessionEvent),
  };
}
