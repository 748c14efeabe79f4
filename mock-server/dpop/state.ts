/**
 * A mock's DPoP state: its proof replay cache and the nonce sources of its token endpoint and MCP endpoint. Kept per
 * provider, as the mock's other replay memories are, so two mocks in one process never share it.
 */
import type { OAuthAuthorizationServerProvider } from '../provider/types.js';
import { NonceSource } from './nonces.js';
import { ProofReplayCache } from './replay-cache.js';

export interface DpopState {
  readonly replay: ProofReplayCache;
  /** Nonces of the token endpoint (RFC 9449 §8). */
  readonly authorizationServerNonces: NonceSource;
  /** Nonces of the MCP endpoint (RFC 9449 §9). */
  readonly resourceServerNonces: NonceSource;
}

const STATES = new WeakMap<OAuthAuthorizationServerProvider, DpopState>();

export function dpopStateOf(provider: OAuthAuthorizationServerProvider): DpopState {
  let state = STATES.get(provider);
  if (state === undefined) {
    state = {
      replay: new ProofReplayCache(),
      authorizationServerNonces: new NonceSource(),
      resourceServerNonces: new NonceSource(),
    };
    STATES.set(provider, state);
  }
  return state;
}
