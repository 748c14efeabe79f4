/**
 * Optional provider capabilities behind `mock.control` (reconfigure, reset, expire or revoke every token). The default
 * in-memory provider has them all; a custom provider may implement any subset, and each control that needs a missing
 * one fails with {@link ControlUnsupportedError} instead of silently doing nothing.
 */
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import type { OAuthAuthorizationServerProvider } from './types.js';

/** Which tokens a bulk operation touches. */
export type TokenKind = 'access' | 'refresh' | 'all';

/**
 * Optional provider methods behind `mock.control`; implement the ones your provider can support, and the controls
 * that need a missing one throw `ControlUnsupportedError`.
 */
export interface ProviderAdministration {
  /**
   * Takes new settings at run time (approval mode, token lifetimes, pre-registered clients) and keeps its state:
   * clients named in the settings are added or replaced, every other client, code and token stays.
   */
  applySettings(settings: ResolvedMockAuthServerSettings): void;
  /** Forgets every client, code, token and pending consent, then applies `settings` as if newly built. */
  resetState(settings: ResolvedMockAuthServerSettings): void;
  /** Makes the tokens of that kind expired as of now. Returns how many it touched. */
  expireTokens(kind: TokenKind): number;
  /** Revokes every token of that kind. Returns how many it removed. */
  revokeTokens(kind: TokenKind): number;
}

export type ProviderAdministrationMethod = keyof ProviderAdministration;

/** True when `provider` has `method` (each capability is checked on its own). */
export function supportsAdministration<M extends ProviderAdministrationMethod>(
  provider: OAuthAuthorizationServerProvider,
  method: M,
): provider is OAuthAuthorizationServerProvider & Pick<ProviderAdministration, M> {
  return typeof (provider as Partial<ProviderAdministration>)[method] === 'function';
}
