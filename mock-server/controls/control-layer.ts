/**
 * The control layer: a wrapper around the mock's fetch handler that applies injected faults, records the request log,
 * and swaps the whole configuration (settings + route table) atomically. Routes know nothing of it.
 */
import { withSimpleCors } from '../http/cors.js';
import { supportsAdministration, type TokenKind } from '../provider/administration.js';
import type { OAuthAuthorizationServerProvider } from '../provider/types.js';
import { findRoute, type Route } from '../routes/router.js';
import type { MockAuthServerSettings, ResolvedMockAuthServerSettings } from '../settings.js';
import { SettingsError } from '../settings-checks.js';
import type { AdjustableClock } from './clock.js';
import type { EndpointNamer, EndpointTarget } from './endpoints.js';
import { ControlUnsupportedError } from './errors.js';
import {
  FaultQueue,
  abortableDelay,
  injectedErrorResponse,
  type FailOptions,
  type FaultScope,
  type InjectedError,
  type PendingFault,
} from './faults.js';
import { injectedErrorRedirect } from './error-redirect.js';
import {
  RequestLog,
  describeArrival,
  loggedForm,
  type RequestArrival,
  type RequestLogEntry,
} from './request-log.js';
import { applySettingsPatch, type SettingsPatch } from './settings-patch.js';

/** Everything that changes together when the mock is reconfigured. Immutable: a new one replaces it. */
export interface ServerConfiguration {
  /** The settings as given (before validation), the base the next patch applies to. */
  readonly input: MockAuthServerSettings;
  readonly settings: ResolvedMockAuthServerSettings;
  readonly routes: readonly Route[];
  /** The endpoint a request path is aimed at, under these settings. */
  readonly endpointOf: EndpointNamer;
  /** Answers a request with these settings and routes. */
  readonly handle: (request: Request) => Promise<Response>;
}

/** A named settings patch; a function gets the mock's initial settings (to derive URLs from the issuer). */
export type PresetPatch = SettingsPatch | ((initial: ResolvedMockAuthServerSettings) => SettingsPatch);

/** The mock's clock as tests drive it. */
export interface ClockControl {
  /** The mock's current time, milliseconds since the epoch. */
  now(): number;
  /** Moves the mock's time forward: codes, tokens, secrets and consent pages expire without waiting. */
  advance(seconds: number): void;
  /** How far `advance` has moved the mock's time ahead of the clock it was given, in seconds (0 after `reset`). */
  offsetSeconds(): number;
}

/** Options of `mock.control.reset()`. */
export interface ResetOptions {
  /**
   * Keep the provider's clients, codes and tokens (only settings, faults, log and clock go back). Needed for a custom
   * provider without `resetState`.
   */
  keepProviderState?: boolean | undefined;
}

/** Test controls of a mock (`mock.control`). */
export interface MockControl {
  /** Reads and advances the mock's time, whatever clock it was given. */
  readonly clock: ClockControl;
  /**
   * Makes the next request(s) to `target` (an endpoint name such as `'token'`, or an exact path) answer with an
   * OAuth-style JSON error instead of reaching the route.
   *
   * @example mock.control.failNext('token', { status: 503, error: 'temporarily_unavailable', times: 2 })
   */
  failNext(target: EndpointTarget, options?: FailOptions): void;
  /** Holds the next request(s) to `target` back for `ms` milliseconds, then answers normally. Aborting cancels. */
  delayNext(target: EndpointTarget, ms: number, options?: FaultScope): void;
  /** Faults not used up yet, in the order they apply. */
  pendingFaults(): readonly PendingFault[];
  /** Drops every fault not used up yet; requests reach the routes again. */
  clearFaults(): void;
  /** The request log, oldest first, secrets redacted. */
  requests(): readonly RequestLogEntry[];
  /** Empties the request log, e.g. between the arrange and assert steps of a test. */
  clearRequests(): void;
  /**
   * How many requests the mock has logged since it was created, counting those that `clearRequests`, `reset` or the
   * log's limit dropped since: entry `i` of `requests()` is request number `totalRequests() - requests().length + i`
   * (from 0), a number that stays the same while the entry is kept, so a poller can ask only for newer ones.
   */
  totalRequests(): number;
  /** Makes every token of that kind (default: all) expired now. Returns how many. */
  expireAllTokens(kind?: TokenKind): number;
  /** Revokes every token of that kind (default: all). Returns how many. */
  revokeAllTokens(kind?: TokenKind): number;
  /**
   * Applies a settings patch to the current settings. Settings and routes switch together, between requests; clients
   * and tokens stay. Throws `SettingsError` (and changes nothing) when the result is invalid. A custom provider
   * hears of the new settings only if it has `applySettings` (see `ProviderAdministration`).
   */
  reconfigure(patch: SettingsPatch): ResolvedMockAuthServerSettings;
  /** Switches to a named preset: the initial settings with the preset's patch (presets do not stack). */
  usePreset(name: string): ResolvedMockAuthServerSettings;
  /** The preset in force, if the last switch was `usePreset`. */
  readonly preset: string | undefined;
  /** Names `usePreset` accepts. */
  presetNames(): readonly string[];
  /**
   * Back to the initial settings, no faults, an empty log, the clock's skips undone, an empty provider, no MCP
   * sessions and no cached Client ID Metadata Documents.
   */
  reset(options?: ResetOptions): void;
}

export interface ControlLayerOptions {
  readonly initialSettings: MockAuthServerSettings;
  /** Validates settings and builds their routes; throws `SettingsError`. */
  readonly build: (input: MockAuthServerSettings) => ServerConfiguration;
  readonly provider: OAuthAuthorizationServerProvider;
  readonly clock: AdjustableClock;
  readonly presets?: Readonly<Record<string, PresetPatch>>;
  readonly requestLogLimit?: number;
  /** Forgets state kept outside the provider (MCP sessions, caches) when the mock is reset. */
  readonly onReset?: () => void;
}

export interface ControlLayer {
  fetch(request: Request): Promise<Response>;
  readonly control: MockControl;
  /** The configuration in force. */
  current(): ServerConfiguration;
}

export function createControlLayer(options: ControlLayerOptions): ControlLayer {
  const { build, provider, clock } = options;
  const presets = options.presets ?? {};
  const initial = build(options.initialSettings);
  let current = initial;
  let preset: string | undefined;
  const faults = new FaultQueue();
  const log = new RequestLog(options.requestLogLimit);

  const switchTo = (next: ServerConfiguration): ResolvedMockAuthServerSettings => {
    if (supportsAdministration(provider, 'applySettings')) provider.applySettings(next.settings);
    current = next;
    return next.settings;
  };

  const control: MockControl = {
    clock: {
      now: () => clock.now(),
      advance: (seconds) => clock.advance(seconds),
      offsetSeconds: () => clock.offset() / 1000,
    },
    failNext: (target, failOptions) => faults.fail(target, failOptions),
    delayNext: (target, ms, scope) => faults.delay(target, ms, scope),
    pendingFaults: () => faults.pending(),
    clearFaults: () => faults.clear(),
    requests: () => log.entries(),
    clearRequests: () => log.clear(),
    totalRequests: () => log.total(),
    expireAllTokens(kind = 'all') {
      if (!supportsAdministration(provider, 'expireTokens')) {
        throw new ControlUnsupportedError('expireAllTokens', 'expireTokens');
      }
      return provider.expireTokens(kind);
    },
    revokeAllTokens(kind = 'all') {
      if (!supportsAdministration(provider, 'revokeTokens')) {
        throw new ControlUnsupportedError('revokeAllTokens', 'revokeTokens');
      }
      return provider.revokeTokens(kind);
    },
    reconfigure(patch) {
      const settings = switchTo(build(applySettingsPatch(current.input, patch)));
      preset = undefined;
      return settings;
    },
    usePreset(name) {
      const patch = presets[name];
      if (patch === undefined || !Object.hasOwn(presets, name)) {
        const known = Object.keys(presets);
        throw new SettingsError(
          'preset',
          `unknown preset ${JSON.stringify(name)}; known: ${known.length > 0 ? known.join(', ') : 'none'}`,
        );
      }
      const resolved = typeof patch === 'function' ? patch(initial.settings) : patch;
      const settings = switchTo(build(applySettingsPatch(initial.input, resolved)));
      preset = name;
      return settings;
    },
    get preset() {
      return preset;
    },
    presetNames: () => Object.keys(presets),
    reset(resetOptions = {}) {
      const keepState = resetOptions.keepProviderState === true;
      if (!keepState && !supportsAdministration(provider, 'resetState')) {
        throw new ControlUnsupportedError('reset', 'resetState');
      }
      const fresh = build(initial.input);
      if (keepState) switchTo(fresh);
      else {
        if (supportsAdministration(provider, 'resetState')) provider.resetState(fresh.settings);
        current = fresh;
      }
      preset = undefined;
      faults.clear();
      log.clear();
      clock.resetOffset();
      if (!keepState) options.onReset?.();
    },
  };

  return {
    control,
    current: () => current,
    async fetch(request) {
      // As `fetch` does: a request whose signal already fired never reaches the server (nor the log or a fault).
      request.signal.throwIfAborted();
      const configuration = current;
      const time = clock.now();
      const description = describeArrival(request);
      const endpoint = configuration.endpointOf(description.path);
      const action = faults.take(description.method, description.path, endpoint);
      let status: number | null = null;
      let form: Readonly<Record<string, string>> | undefined;
      try {
        if (action !== undefined && action.delayMs > 0) await abortableDelay(action.delayMs, request.signal);
        let response: Response;
        if (action?.error === undefined) response = await configuration.handle(request);
        else {
          form = await loggedForm(request);
          response = await injectedAnswer(request, description, form, action.error, configuration, provider);
        }
        status = response.status;
        return response;
      } finally {
        // Read after the route, from the body it read: logging must not cost a second copy of every body.
        form ??= await loggedForm(request);
        const fault = action === undefined ? undefined : action.error === undefined ? 'delay' : 'error';
        const { method, path, query, authorization } = description;
        log.add({ time, method, path, query, form, authorization, endpoint, status, fault });
      }
    },
  };
}

/** The answer of an injected error: an error redirect when asked for and possible, else the JSON error. */
async function injectedAnswer(
  request: Request,
  description: RequestArrival,
  form: Readonly<Record<string, string>>,
  error: Readonly<InjectedError>,
  configuration: ServerConfiguration,
  provider: OAuthAuthorizationServerProvider,
): Promise<Response> {
  if (error.redirect === true) {
    const params = description.method === 'POST' ? form : description.query;
    const redirect = await injectedErrorRedirect(params, error, provider, configuration.settings);
    if (redirect !== undefined) return redirect;
  }
  return withRouteCors(request, configuration.routes, injectedErrorResponse(error));
}

/** An injected answer gets the CORS headers the real route would have sent, so a browser page can read it. */
function withRouteCors(request: Request, routes: readonly Route[], response: Response): Response {
  const route = findRoute(routes, new URL(request.url).pathname);
  return route?.corsMethods === undefined ? response : withSimpleCors(request, response);
}
