/**
 * DPoP key bindings (RFC 9449): when a grant is bound to a key, the key pair itself (ES256, made with WebCrypto, its
 * private key not extractable), and oauth4webapi's handle for it, which signs the proofs and remembers the nonces
 * servers hand out. Bindings are found by the key's RFC 7638 thumbprint, which the grant records.
 */
import { DPoP } from 'oauth4webapi';
import type { AuthorizationServer, DPoPHandle } from 'oauth4webapi';
import { McpAuthError } from '../errors.js';
import { quoteServerText } from '../server-text.js';
import type { DpopKeyPair, DpopKeyStore } from './key-store.js';

/** A key pair a grant is (or is about to be) bound to. */
export interface DpopBinding {
  /**
   * Signs the token requests' proofs and keeps the authorization server's nonces (one per key, so nonces outlive a
   * request).
   */
  readonly handle: DPoPHandle;
  /**
   * Signs the resource requests' proofs and keeps the MCP server's nonces. A handle of its own: oauth4webapi keeps
   * nonces by origin, and an authorization server on the MCP server's origin would otherwise overwrite the MCP
   * server's nonce with its own at every token request (and the other way round), costing a refusal each time.
   */
  readonly resourceHandle: DPoPHandle;
  /** The RFC 7638 SHA-256 thumbprint of the public key: the token's `cnf.jkt`. */
  readonly jkt: string;
}

/**
 * When to bind tokens to a key: `always` sends a proof with every token request (a server that ignores it issues
 * bearer tokens, which are then used as such); `advertised` only where the authorization server lists ES256 in
 * `dpop_signing_alg_values_supported`.
 */
export type DpopUse = 'always' | 'advertised';

/** The one algorithm this client signs proofs with: ES256, which RFC 9449 servers are expected to accept. */
export const DPOP_ALGORITHM = 'ES256';

/**
 * Whether a new grant at `as` is bound to a key. `always` at a server that lists algorithms without ES256 is
 * `dpop_unsupported`: a proof it cannot verify would only be refused.
 */
export function bindsGrantAt(use: DpopUse | undefined, as: AuthorizationServer): boolean {
  if (use === undefined) return false;
  const listed = as.dpop_signing_alg_values_supported;
  const accepted = Array.isArray(listed) && listed.includes(DPOP_ALGORITHM);
  if (use === 'advertised') return accepted;
  if (Array.isArray(listed) && !accepted) {
    throw new McpAuthError({
      code: 'dpop_unsupported',
      step: 'token',
      message: `the authorization server ${quoteServerText(as.issuer)} accepts DPoP proofs signed with ${listed.length === 0 ? 'no algorithm' : quoteServerText(listed.slice(0, 8).map(String).join(', '))}, not ${DPOP_ALGORITHM}, the one this client signs with: use dpop: 'auto' to fall back to bearer tokens there`,
    });
  }
  return true;
}

/**
 * The bindings of one client: key pairs read from (and written to) `store`, each wrapped once in a handle, so the
 * nonces a server gave are reused by the next proof.
 */
export class DpopBindings {
  readonly #store: DpopKeyStore;
  readonly #byThumbprint = new Map<string, Promise<DpopBinding | undefined>>();

  constructor(store: DpopKeyStore) {
    this.#store = store;
  }

  /** The binding of the key with this thumbprint, or undefined when the key is gone (storage cleared). */
  find(jkt: string): Promise<DpopBinding | undefined> {
    let found = this.#byThumbprint.get(jkt);
    if (!found) {
      found = this.#store.get(jkt).then(async (pair) => {
        // A pair stored under another thumbprint (edited storage) would bind nothing it claims to.
        const binding = pair && (await bindingOf(pair));
        return binding?.jkt === jkt ? binding : undefined;
      });
      // A miss is not cached: another tab may write the key, and the next lookup must see it.
      found.then(
        (binding) => {
          if (!binding) this.#byThumbprint.delete(jkt);
        },
        () => this.#byThumbprint.delete(jkt),
      );
      this.#byThumbprint.set(jkt, found);
    }
    return found;
  }

  /**
   * A new key pair, kept in the store before it is used, so whatever it binds survives this page. A store that cannot
   * keep it (IndexedDB refused, quota) leaves it in this object only: `persisted` says which.
   */
  async create(): Promise<DpopBinding & { persisted: boolean }> {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as DpopKeyPair;
    const binding = await bindingOf(pair);
    const persisted = await this.#store.set(binding.jkt, pair).then(
      () => true,
      () => false,
    );
    this.#byThumbprint.set(binding.jkt, Promise.resolve(binding));
    return { ...binding, persisted };
  }

  /** Forgets the key pair (after sign-out: nothing it bound is usable any more). */
  async forget(jkt: string): Promise<void> {
    this.#byThumbprint.delete(jkt);
    await this.#store.delete(jkt);
  }
}

async function bindingOf(pair: DpopKeyPair): Promise<DpopBinding> {
  const handle = DPoP({}, pair as CryptoKeyPair);
  return {
    handle,
    resourceHandle: DPoP({}, pair as CryptoKeyPair),
    jkt: await handle.calculateThumbprint(),
  };
}
