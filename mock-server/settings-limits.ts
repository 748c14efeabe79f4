/**
 * Caps on the state the default in-memory provider keeps. FastMCP's example providers keep every client, code and
 * token until the process ends; a mock that serves a long test run, a fuzzer or a load test must not grow without
 * bound, so beyond these counts the oldest entries are forgotten (see provider/in-memory.ts for the order).
 */
import { optionalObject, optionalWholeNumber, SettingsError } from './settings-checks.js';

/** How much state the default in-memory provider keeps at most; each count must be a whole number ≥ 1. */
export interface StateLimits {
  /**
   * Most clients registered through `/register` kept at once. Registering one more forgets the least recently used
   * one (the one whose last `/authorize`, `/token` or `/revoke` is oldest) and revokes its tokens; that client then
   * gets FastMCP's unknown-client errors. Clients given in `clients` are not counted and never forgotten.
   * Default 10 000.
   */
  maxClients?: number | undefined;
  /**
   * Most access tokens kept, and separately most refresh tokens. Issuing one more forgets the oldest one of that
   * kind, which then answers like a revoked token. Default 100 000.
   */
  maxTokens?: number | undefined;
  /**
   * Most authorization codes waiting to be redeemed, and separately most requests waiting on the consent page.
   * Issuing one more forgets the oldest one (its redemption or approval then fails as for an unknown one).
   * Default 10 000.
   */
  maxPendingAuthorizations?: number | undefined;
}

/** {@link StateLimits} with every default filled in. */
export type ResolvedStateLimits = { readonly [K in keyof StateLimits]-?: Exclude<StateLimits[K], undefined> };

/** The caps used where none is given: by `validateSettings`, the in-memory provider and the CLI's help. */
export const DEFAULT_STATE_LIMITS = {
  maxClients: 10_000,
  maxTokens: 100_000,
  maxPendingAuthorizations: 10_000,
} as const satisfies ResolvedStateLimits;

/** `given` with {@link DEFAULT_STATE_LIMITS} where a cap is missing; throws `SettingsError` for a bad one. */
export function resolveStateLimits(given: unknown, field = 'stateLimits'): ResolvedStateLimits {
  const limits = optionalObject(field, given);
  const known = Object.keys(DEFAULT_STATE_LIMITS);
  for (const key of Object.keys(limits)) {
    if (!known.includes(key)) {
      throw new SettingsError(`${field}.${key}`, `unknown limit (known: ${known.join(', ')})`);
    }
  }
  return Object.fromEntries(
    known.map((key) => [
      key,
      optionalWholeNumber(`${field}.${key}`, limits[key]) ??
        DEFAULT_STATE_LIMITS[key as keyof ResolvedStateLimits],
    ]),
  ) as ResolvedStateLimits;
}
