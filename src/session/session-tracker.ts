/**
 * Follows the grant of one MCP server — this client's writes and other contexts' — and turns its changes into
 * session events and flow events, with a timer for the `expiring` event. Keeps no token but the access token whose
 * expiry it is timing.
 */
import type { FlowEventEmitter } from '../events.js';
import type { AuthStateStore, GrantChange, LocalGrantChange, StoredGrant } from '../storage/auth-state.js';
import { expiringFrom } from '../tokens/token-set.js';
import { grantInfo } from './grant-info.js';
import type { SessionEventEmitter, SessionEventSource, SignedOutReason } from './session-events.js';

/** What the tracker needs. */
export interface SessionTrackerConfig {
  store: AuthStateStore;
  /** The MCP server URL the grant is stored under. */
  key: string;
  refreshSkewMs: number;
  session: SessionEventEmitter;
  events: FlowEventEmitter;
  /** Whether the client renews tokens without a refresh token (a machine client), for the grant's `refreshable`. */
  renewsWithoutRefreshToken: () => boolean;
  /** Called once another context signed out (after the events). */
  onSignedOutElsewhere: () => void;
}

/** Longest delay `setTimeout` takes (about 24.8 days); longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Tracks one grant; `stop()` ends every subscription and timer. */
export class SessionTracker {
  readonly #config: SessionTrackerConfig;
  readonly #stops: Array<() => void> = [];
  #signedIn = false;
  /** Whether another context's sign-out was handled since the last grant was seen (its marker comes twice). */
  #signedOutElsewhere = false;
  /**
   * Counts grant changes: a storage read started before a change is stale once it resolves, and is dropped (a
   * late "refreshed elsewhere" must not follow a sign-out, nor an `expiring` a refresh).
   */
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The access token whose `expiring` event was sent, so it is sent once. */
  #expiringSentFor: string | undefined;
  #stopped = false;

  constructor(config: SessionTrackerConfig) {
    this.#config = config;
  }

  /** Starts following: reads the grant once (for the `expiring` timer), then follows every change. */
  start(): void {
    const { store, key } = this.#config;
    this.#stops.push(
      store.onLocalGrantChange((changed, change) => {
        if (changed === key) this.#onLocalChange(change);
      }),
      store.watchGrant(key, (change) => this.#onOtherContextChange(change)),
    );
    const generation = this.#generation;
    void store
      .loadGrant(key)
      .then((grant) => {
        if (this.#stopped || generation !== this.#generation || !grant) return;
        this.#signedIn = true;
        this.#schedule(grant);
      })
      .catch(() => undefined);
  }

  stop(): void {
    this.#stopped = true;
    this.#cancelTimer();
    for (const stop of this.#stops.splice(0)) stop();
  }

  #onLocalChange(change: LocalGrantChange): void {
    this.#generation += 1;
    if (change.kind === 'saved') return this.#onGrant(change.grant, 'this-client');
    this.#onGone(change.reason === 'signed-out' ? 'signed-out' : 'grant-refused', 'this-client');
  }

  #onOtherContextChange(change: GrantChange): void {
    if (this.#stopped) return;
    this.#generation += 1;
    const { store, key, events } = this.#config;
    if (change === 'signed-out') {
      if (this.#signedOutElsewhere) return;
      this.#signedOutElsewhere = true;
      events.emit({ step: 'revocation', status: 'succeeded', message: 'signed out in another tab' });
      this.#onGone('signed-out', 'other-context');
      this.#config.onSignedOutElsewhere();
      return;
    }
    const generation = this.#generation;
    void store
      .loadGrant(key)
      .then((grant) => {
        if (this.#stopped || generation !== this.#generation) return;
        events.emit({
          step: 'refresh',
          status: grant ? 'succeeded' : 'skipped',
          message: grant ? 'tokens updated by another tab' : 'the grant was removed by another tab',
        });
        if (grant) this.#onGrant(grant, 'other-context');
        else this.#onGone('removed', 'other-context');
      })
      .catch(() => undefined);
  }

  #onGrant(grant: StoredGrant, source: SessionEventSource): void {
    if (this.#stopped) return;
    this.#signedIn = true;
    this.#signedOutElsewhere = false;
    this.#config.session.emit({
      type: grant.renewed === true ? 'refreshed' : 'authorized',
      source,
      grant: grantInfo(grant, Date.now(), this.#config.renewsWithoutRefreshToken()),
    });
    this.#schedule(grant);
  }

  /** The grant is gone: told once, however many notifications (grant removed, sign-out marker) announce it. */
  #onGone(reason: SignedOutReason, source: SessionEventSource): void {
    this.#cancelTimer();
    if (this.#stopped || !this.#signedIn) return;
    this.#signedIn = false;
    this.#config.session.emit({ type: 'signed-out', source, reason });
  }

  /** Times the `expiring` event of `grant`'s access token. */
  #schedule(grant: StoredGrant): void {
    const from = expiringFrom(grant.tokens, this.#config.refreshSkewMs);
    this.#timeExpiring(grant.tokens.accessToken, from);
  }

  /** Only the access token and a time are kept: the timer may wait for months. */
  #timeExpiring(token: string, from: number | undefined): void {
    this.#cancelTimer();
    if (from === undefined || this.#expiringSentFor === token) return;
    const delay = Math.max(0, from - Date.now());
    this.#timer = setTimeout(
      () => (delay > MAX_TIMER_MS ? this.#timeExpiring(token, from) : void this.#announceExpiring(token)),
      Math.min(delay, MAX_TIMER_MS),
    );
    // A pending `expiring` event is no reason for a Node process to stay alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async #announceExpiring(token: string): Promise<void> {
    this.#timer = undefined;
    const generation = this.#generation;
    const grant = await this.#config.store.loadGrant(this.#config.key).catch(() => undefined);
    // Refreshed or gone meanwhile: the change that replaced it timed its own event.
    if (this.#stopped || generation !== this.#generation || !grant || grant.tokens.accessToken !== token)
      return;
    this.#expiringSentFor = token;
    this.#config.session.emit({
      type: 'expiring',
      source: 'this-client',
      grant: grantInfo(grant, Date.now(), this.#config.renewsWithoutRefreshToken()),
    });
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
