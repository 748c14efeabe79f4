/**
 * Replay memory: the grant each redeemed authorization code and each rotated-out refresh token came from, so that one
 * coming back can revoke its grant (`beyondFastMcp.codeReplayRevokesGrant`, `refreshTokenReuseRevokesFamily`).
 * Bounded: beyond the limit the oldest are forgotten.
 */
import { AgeOrderedMap } from './age-ordered-map.js';

/** How many spent codes and refresh tokens are remembered. */
const REPLAY_MEMORY = 10_000;

export class SpentCredentials {
  /** `code:<code>` or `refresh:<token>` → grant id, oldest first. */
  readonly #grants = new AgeOrderedMap<string, string>();

  spendCode(code: string, grantId: string): void {
    this.#remember(`code:${code}`, grantId);
  }

  spendRefreshToken(refreshToken: string, grantId: string): void {
    this.#remember(`refresh:${refreshToken}`, grantId);
  }

  /** The grant of a code redeemed before, if it is still remembered. */
  grantOfCode(code: string): string | undefined {
    return this.#grants.get(`code:${code}`);
  }

  /** The grant of a refresh token rotated out before, if it is still remembered. */
  grantOfRefreshToken(refreshToken: string): string | undefined {
    return this.#grants.get(`refresh:${refreshToken}`);
  }

  clear(): void {
    this.#grants.clear();
  }

  #remember(key: string, grantId: string): void {
    this.#grants.set(key, grantId);
    this.#grants.deleteOldestBeyond(REPLAY_MEMORY);
  }
}
