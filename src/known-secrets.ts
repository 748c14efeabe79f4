/**
 * The secrets one client holds (authorization codes, code verifiers, client secrets, access and refresh tokens), so
 * that text from servers can be scrubbed of them before it is quoted in an error or an event (see `server-text.ts`).
 * Each client (and each `completeAuthorization` call) has its own: the flow adds what it sends and receives, the
 * places that quote server text read it.
 */
import { basicAuthorization } from './flow/token-endpoint-auth.js';
import { MIN_SECRET_LENGTH } from './server-text.js';

/**
 * How many secrets are remembered: far more than one client holds at once (a grant's two tokens, a pending
 * request's verifier and code, a client secret), so tokens replaced by the last few dozen refreshes still count,
 * while a client that runs for months does not grow without end.
 */
export const KNOWN_SECRETS_CAPACITY = 64;

/**
 * Longest secret remembered: 64 KiB, four times the request headers Node accepts, so every token a server can take
 * back is covered, while a hostile megabyte "client id" inside Basic credentials does not make every later scrub
 * read a megabyte.
 */
export const MAX_SECRET_LENGTH = 64 * 1024;

/** A bounded, most-recently-added-last set of secrets. */
export class KnownSecrets implements Iterable<string> {
  readonly #values = new Set<string>();

  /** Remembers each value (ignoring missing, too short and too long ones); the oldest go past the capacity. */
  add(...values: ReadonlyArray<string | undefined>): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || value.length > MAX_SECRET_LENGTH)
        continue;
      // Re-adding moves a secret to the young end, so the ones in use are never the ones forgotten.
      this.#values.delete(value);
      this.#values.add(value);
    }
    for (const oldest of this.#values) {
      if (this.#values.size <= KNOWN_SECRETS_CAPACITY) break;
      this.#values.delete(oldest);
    }
  }

  /** Remembers a client secret and the HTTP Basic credentials built from it (a server may echo the header). */
  addClient(clientId: string, clientSecret: string | undefined): void {
    if (clientSecret === undefined || clientSecret === '') return;
    this.add(clientSecret, basicAuthorization(clientId, clientSecret).slice('Basic '.length));
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#values[Symbol.iterator]();
  }
}
