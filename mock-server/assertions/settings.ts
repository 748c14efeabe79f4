/**
 * `trustedAssertionIssuers`: the issuers, beyond the mock's own workload platform and identity provider, whose JWTs
 * the JWT bearer grant accepts (`beyondFastMcp.jwtBearerGrant`), each with the public keys that verify them.
 */
import { SettingsError } from '../settings-checks.js';

/** An issuer whose JWTs the JWT bearer grant accepts. */
export interface TrustedAssertionIssuer {
  /** The `iss` of its JWTs. */
  issuer: string;
  /**
   * Its public keys as JWKs (ES256 on P-256, or RS256); private members are ignored. (Typed as plain objects rather
   * than the DOM's `JsonWebKey`, so projects without the DOM lib can name the type.)
   */
  jwks: { keys: object[] };
}

/** Validates the list; a copy, so later changes to the input do not reach the mock. Throws {@link SettingsError}. */
export function resolveTrustedAssertionIssuers(value: unknown): readonly TrustedAssertionIssuer[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SettingsError('trustedAssertionIssuers', 'must be a list');
  return value.map((entry: unknown, index) => {
    const field = `trustedAssertionIssuers.${index}`;
    if (typeof entry !== 'object' || entry === null) throw new SettingsError(field, 'must be an object');
    const { issuer, jwks } = entry as Record<string, unknown>;
    if (typeof issuer !== 'string' || issuer === '') {
      throw new SettingsError(`${field}.issuer`, 'must be a non-empty string');
    }
    const keys = (jwks as { keys?: unknown } | null | undefined)?.keys;
    if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'object' || key === null)) {
      throw new SettingsError(`${field}.jwks`, 'must be a JWK set: { keys: [ … ] }');
    }
    return structuredClone({ issuer, jwks: { keys: keys as object[] } });
  });
}
