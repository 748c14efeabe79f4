/**
 * Refresh coordination: one refresh per grant at a time (single-flight in this realm, a named lock across
 * realms), rotation-safe. A caller that presents an access token which is no longer the stored one gets the
 * stored grant (someone else refreshed); `invalid_grant` drops the grant only if it still holds the refresh
 * token that was sent; network errors and 5xx never drop anything.
 */
import { McpAuthError } from '../errors.js';
import type { AuthStateStore, StoredGrant } from '../storage/auth-state.js';
import { SingleFlight } from './single-flight.js';
import type { Locks } from './single-flight.js';
import type { TokenSet } from './token-set.js';

/** The lock that serialises refreshes and sign-out of a grant (a new sign-in's grant is saved without it). */
export function refreshLockName(key: string): string {
  return `refresh:${key}`;
}

/** How long a refresh that waited for another context's lock waits for that context's write to show. */
const LATE_WRITE_WAIT_MS = 1_000;

/** Performs the refresh request for a grant. */
export type RefreshRequest = (grant: StoredGrant) => Promise<TokenSet>;

/** Coordinates refreshes of the grants of one store. */
export class RefreshCoordinator {
  readonly #store: AuthStateStore;
  readonly #locks: Locks;
  readonly #flights = new SingleFlight();

  readonly #renewWithoutRefreshToken: () => boolean;
  readonly #onGrantDropped: ((grant: StoredGrant) => Promise<void>) | undefined;
  readonly #refusedForGood: (error: McpAuthError) => boolean;

  /**
   * `renewWithoutRefreshToken`: the request renews grants that hold no refresh token (a machine client asks for a
   * new token with its own credentials), so they are renewed rather than given up.
   */
  constructor(
    store: AuthStateStore,
    locks: Locks,
    options: {
      renewWithoutRefreshToken?: () => boolean;
      /** Called once a refused grant was dropped (to forget what only it used, such as its DPoP key). */
      onGrantDropped?: (grant: StoredGrant) => Promise<void>;
      /**
       * Refusals that drop the grant besides `invalid_grant` and `dpop_key_missing` (a machine client's renewal is its
       * authorization: whatever the server refused in it, the grant cannot be renewed as it stands).
       */
      refusedForGood?: (error: McpAuthError) => boolean;
    } = {},
  ) {
    this.#store = store;
    this.#locks = locks;
    this.#renewWithoutRefreshToken = options.renewWithoutRefreshToken ?? (() => false);
    this.#onGrantDropped = options.onGrantDropped;
    this.#refusedForGood = options.refusedForGood ?? (() => false);
  }

  /**
   * Makes sure the grant of `key` is newer than `presentedAccessToken`, refreshing it if needed. Resolves to the
   * current grant, or undefined when there is none (or it cannot be refreshed: no refresh token).
   */
  refresh(
    key: string,
    presentedAccessToken: string,
    request: RefreshRequest,
  ): Promise<StoredGrant | undefined> {
    return this.#flights.run(key, () =>
      this.#locks.withLock(refreshLockName(key), async (waited) => {
        let grant = await this.#store.loadGrant(key);
        if (grant?.tokens.accessToken === presentedAccessToken && waited === true) {
          // Another context held the lock and may just have refreshed: a storage that reaches other contexts late
          // (localStorage between browser processes) may not show it yet, and sending the old refresh token would be
          // a reuse. Its change notification says when it does.
          if (await this.#store.grantChanges(key, LATE_WRITE_WAIT_MS))
            grant = await this.#store.loadGrant(key);
        }
        if (!grant) return undefined;
        if (grant.tokens.accessToken !== presentedAccessToken) return grant;
        if (!grant.tokens.refreshToken && !this.#renewWithoutRefreshToken()) return undefined;
        try {
          const tokens = await request(grant);
          const next: StoredGrant = { ...grant, tokens };
          await this.#store.saveGrant(key, next, 'refresh');
          return next;
        } catch (error) {
          // Refused for good: the grant is gone, or it is DPoP-bound to a key no longer held (nothing can use it).
          if (
            error instanceof McpAuthError &&
            (error.code === 'invalid_grant' ||
              error.code === 'dpop_key_missing' ||
              this.#refusedForGood(error))
          ) {
            const current = await this.#store.loadGrant(key);
            if (current?.tokens.refreshToken === grant.tokens.refreshToken) {
              await this.#store.deleteGrant(key);
              await this.#onGrantDropped?.(grant).catch(() => undefined);
            }
          }
          throw error;
        }
      }),
    );
  }
}

/** Whether a refresh failure is transient (keep tokens, report) rather than a refusal (re-authorize). */
export function isTransientFailure(error: unknown): boolean {
  if (!(error instanceof McpAuthError)) return false;
  if (error.code === 'network_error' || error.code === 'timeout' || error.code === 'aborted') return true;
  return error.status !== undefined && error.status >= 500;
}
