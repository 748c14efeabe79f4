/**
 * The `dpop` settings (RFC 9449), used when `beyondFastMcp.dpop` is on: which servers of the mock demand a nonce,
 * which proof algorithms it accepts, how long a nonce lives, and whether the MCP endpoint takes bound tokens only.
 */
import { optionalBoolean, optionalObject, optionalWholeNumber, SettingsError } from '../settings-checks.js';
import { DEFAULT_DPOP_ALGORITHMS, DPOP_ALGORITHMS, type DpopAlgorithm } from './algorithms.js';

/**
 * Where a DPoP nonce (RFC 9449 §8, §9) is demanded: nowhere, at the token endpoint (`as`), at the MCP endpoint
 * (`rs`), or at both.
 */
export type DpopNonceMode = 'none' | 'as' | 'rs' | 'both';

export const DPOP_NONCE_MODES = ['none', 'as', 'rs', 'both'] as const satisfies readonly DpopNonceMode[];

/** DPoP options; they matter only with `beyondFastMcp.dpop` on. */
export interface DpopOptions {
  /** Where a nonce is demanded (a proof without the current one gets `use_dpop_nonce`). Default `none`. */
  nonce?: DpopNonceMode | undefined;
  /**
   * Proof algorithms accepted and advertised (`dpop_signing_alg_values_supported`). Default ES256, ES384, ES512,
   * RS256 and PS256; RS384, RS512, PS384, PS512 and EdDSA (Ed25519, where the runtime's WebCrypto has it) may be added.
   */
  algorithms?: DpopAlgorithm[] | undefined;
  /** How long a nonce is the current one; the one before it is still accepted for as long. Default 300 s. */
  nonceLifetimeSeconds?: number | undefined;
  /**
   * The MCP endpoint refuses tokens that are not DPoP-bound (`dpop_bound_access_tokens_required: true` in the
   * protected-resource metadata). Default false: Bearer tokens are still served.
   */
  boundTokensRequired?: boolean | undefined;
}

/** {@link DpopOptions} with the defaults filled in. */
export interface ResolvedDpopSettings {
  /** Where a nonce is demanded (`none` unless set). */
  readonly nonce: DpopNonceMode;
  /** The proof algorithms accepted and advertised, in {@link DpopAlgorithm} order. */
  readonly algorithms: readonly DpopAlgorithm[];
  /** How long a nonce is the current one, in seconds. */
  readonly nonceLifetimeSeconds: number;
  /** Whether the MCP endpoint refuses tokens that are not DPoP-bound. */
  readonly boundTokensRequired: boolean;
}

const KNOWN_KEYS = ['nonce', 'algorithms', 'nonceLifetimeSeconds', 'boundTokensRequired'];

/** Validates `dpop` and fills in defaults. Throws {@link SettingsError}. */
export function resolveDpopSettings(value: unknown): ResolvedDpopSettings {
  const given = optionalObject('dpop', value) as DpopOptions;
  for (const key of Object.keys(given)) {
    if (!KNOWN_KEYS.includes(key)) {
      throw new SettingsError(`dpop.${key}`, `unknown option (known: ${KNOWN_KEYS.join(', ')})`);
    }
  }
  const nonce = given.nonce ?? 'none';
  if (!(DPOP_NONCE_MODES as readonly unknown[]).includes(nonce)) {
    throw new SettingsError(
      'dpop.nonce',
      `must be one of ${DPOP_NONCE_MODES.join(', ')}, got ${JSON.stringify(nonce)}`,
    );
  }
  return {
    nonce,
    algorithms: resolveAlgorithms(given.algorithms),
    nonceLifetimeSeconds: optionalWholeNumber('dpop.nonceLifetimeSeconds', given.nonceLifetimeSeconds) ?? 300,
    boundTokensRequired: optionalBoolean('dpop.boundTokensRequired', given.boundTokensRequired) ?? false,
  };
}

function resolveAlgorithms(value: unknown): DpopAlgorithm[] {
  if (value === undefined) return [...DEFAULT_DPOP_ALGORITHMS];
  const known: readonly unknown[] = DPOP_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0 || value.some((alg) => !known.includes(alg))) {
    throw new SettingsError(
      'dpop.algorithms',
      `must be a non-empty list of ${DPOP_ALGORITHMS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return DPOP_ALGORITHMS.filter((alg) => value.includes(alg));
}

/** Whether the token endpoint (`as`) or the MCP endpoint (`rs`) demands a nonce under `mode`. */
export function demandsNonce(mode: DpopNonceMode, server: 'as' | 'rs'): boolean {
  return mode === 'both' || mode === server;
}
