/** How the in-memory provider is configured: its options, their defaults, and the options the mock's settings give. */
import { CONSENT_PATH } from '../routes/consent.js';
import {
  withDefaultLifetimes,
  type ApprovalMode,
  type ClientInformation,
  type ResolvedMockAuthServerSettings,
  type ResolvedTokenLifetimes,
} from '../settings.js';
import { resolveStateLimits, type ResolvedStateLimits, type StateLimits } from '../settings-limits.js';
import type { Clock } from './clock.js';

/** Options of `new InMemoryProvider(…)`; `createMockAuthServer` fills them from the settings. */
export interface InMemoryProviderOptions {
  /** Clients known from the start. */
  clients?: readonly ClientInformation[] | undefined;
  /** Time source for every expiry. Default: real time. */
  clock?: Clock | undefined;
  /** `auto` (default) issues a code at once; `consent` sends the browser to `consentPageUrl`. */
  approval?: ApprovalMode | undefined;
  /** Absolute URL of the consent page; the request id is added as `?request=`. Required for `consent`. */
  consentPageUrl?: string | undefined;
  /** Lifetime of authorization codes in seconds. Default 300. */
  authorizationCodeSeconds?: number | undefined;
  /** Lifetime of access tokens in seconds. Default 3600. */
  accessTokenSeconds?: number | undefined;
  /** Lifetime of refresh tokens in seconds. Default 30 days; `null` → refresh tokens never expire. */
  refreshTokenSeconds?: number | null | undefined;
  /** How long a request waits on the consent page, in seconds. Default 600. */
  consentSeconds?: number | undefined;
  /** Caps on the clients, codes, consent requests and tokens kept; defaults as in `DEFAULT_STATE_LIMITS`. */
  stateLimits?: StateLimits | undefined;
}

/** The options that change at run time, defaults filled in. */
export interface InMemoryConfiguration {
  readonly approval: ApprovalMode;
  readonly consentPageUrl: string | undefined;
  readonly lifetimes: ResolvedTokenLifetimes;
  readonly limits: ResolvedStateLimits;
}

/**
 * Fills in the defaults. Throws a TypeError for `consent` without a consent page, a `SettingsError` for a bad limit.
 */
export function configurationOf(options: InMemoryProviderOptions): InMemoryConfiguration {
  if (options.approval === 'consent' && options.consentPageUrl === undefined) {
    throw new TypeError('InMemoryProvider: consentPageUrl is required when approval is "consent"');
  }
  return {
    approval: options.approval ?? 'auto',
    consentPageUrl: options.consentPageUrl,
    lifetimes: withDefaultLifetimes(options),
    limits: resolveStateLimits(options.stateLimits),
  };
}

/** The options `createMockAuthServer` gives its default provider: the consent page is the mock's own. */
export function optionsFromSettings(settings: ResolvedMockAuthServerSettings): InMemoryProviderOptions {
  return {
    clients: settings.clients,
    approval: settings.approval,
    consentPageUrl: `${new URL(settings.issuerUrl).origin}${CONSENT_PATH}`,
    ...settings.tokenLifetimes,
    stateLimits: settings.stateLimits,
  };
}
