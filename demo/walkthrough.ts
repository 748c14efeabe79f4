/**
 * The walkthrough: runs the real client against a server, phase by phase (connect, tool call, step-up, refresh,
 * sign-out), and turns what it sees — the client's own flow events and the recorded HTTP exchanges — into the state
 * the page draws: a status per step, the exchanges of each step, the arrows of the sequence diagram, and the token
 * timeline. The flow itself is the library's; nothing here re-implements it.
 */
import {
  createAuthedMcpClient,
  McpAuthError,
  webLocks,
  webStorage,
  type AuthedMcpClient,
  type FlowEvent,
  type AuthorizationHandler,
  type PreRegisteredClient,
} from 'mcp-authed-client';
import { mask, recordingFetch, type Exchange } from './recorder.js';
import { STEPS, stepOfError, type StepId } from './steps.js';

export type StepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';

export interface StepState {
  status: StepStatus;
  exchanges: Exchange[];
  /** Facts the step established (issuer, client id, scopes, …), as label → value. */
  facts: Array<[string, string]>;
  error?: { code: string; message: string; refused: boolean };
}

export type Lane = 'browser' | 'mcp' | 'as';

/** One arrow of the sequence diagram. */
export interface Arrow {
  readonly id: string;
  readonly from: Lane;
  readonly to: Lane;
  readonly label: string;
  readonly step: StepId;
  readonly tone: 'request' | 'ok' | 'error' | 'navigation';
}

/** One mark on the token timeline. */
export interface TokenMark {
  readonly at: number;
  readonly label: string;
  readonly kind: 'issued' | 'refreshed' | 'expired' | 'revoked' | 'clock';
  /** Expiry of the access token in force after this mark (ms since the epoch, client clock), when known. */
  readonly expiresAt?: number;
  /** How far the server's clock jumped ahead at this mark (kind `clock`), in ms. */
  readonly advanceMs?: number;
}

export type Phase = 'connect' | 'tool' | 'step-up' | 'refresh' | 'sign-out';
export const PHASES: readonly Phase[] = ['connect', 'tool', 'step-up', 'refresh', 'sign-out'];

/** What the walkthrough needs from the server it runs against (the embedded mock's controls, or nothing). */
export interface ServerHooks {
  /** Makes the server treat the current access token as expired (for the refresh step). */
  expireAccessTokens?(): Promise<void>;
}

/** Who the client says it is: dynamic registration unless pre-registered credentials or a document URL are given. */
export interface IdentityChoice {
  credentials?: PreRegisteredClient;
  clientMetadataUrl?: string;
  /** The Client ID Metadata Document the server will fetch, when the page knows it (the demo's own), as JSON text. */
  document?: string;
}

export interface WalkthroughOptions {
  mcpUrl: string;
  redirectUri: string;
  hooks: ServerHooks;
  identity: IdentityChoice;
  /** Called whenever the state changed. */
  onChange(): void;
  /**
   * Resolves when the person asks for the next step (step-by-step mode); undefined runs straight through. Besides
   * each step's first request, it is awaited before the sign-in window opens (`consent`: the click that resolves it
   * must open the window, with `prepare()`) and before the callback is checked (`callback`).
   */
  waitForNext?: (next: StepId) => Promise<void>;
  /**
   * Resolves when the person clicked to go on, before a step that opens the sign-in window again (a popup needs a
   * click); the click handler calls `authorize.prepare()`.
   */
  waitForClick: (next: StepId) => Promise<void>;
  /** How the sign-in reaches the authorization server: a popup, or the static build's in-page approval. */
  signIn: 'popup' | 'in-page';
}

/** The authorization request's parameters, as the page lists them before the sign-in window opens. */
const AUTHORIZATION_PARAMETERS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
] as const;

/** The scope the mock's `elevated_echo` needs. */
const ELEVATED_TOOL = 'elevated_echo';

export class Walkthrough {
  readonly steps = new Map<StepId, StepState>();
  readonly arrows: Arrow[] = [];
  readonly marks: TokenMark[] = [];
  phase: Phase | 'done' | 'idle' = 'idle';
  /** The panel that shows what the walkthrough is waiting for the person about (the request before consent, …). */
  reveal: StepId | undefined;
  #client: AuthedMcpClient | undefined;
  readonly #options: WalkthroughOptions;
  readonly #mcpUrl: URL;
  #lastReleased: StepId | undefined;
  /** The panel of each exchange, decided once, when it is sent. */
  readonly #exchangeSteps = new Map<number, StepId>();
  /** Whether the authorization server advertised RFC 9207 `iss` (read from its metadata as recorded). */
  #issAdvertised: boolean | undefined;
  #cancelled = false;
  #tools = new Set<string>();

  constructor(options: WalkthroughOptions) {
    this.#options = options;
    this.#mcpUrl = new URL(options.mcpUrl);
    for (const step of STEPS) this.steps.set(step.id, { status: 'pending', exchanges: [], facts: [] });
  }

  /** Runs every phase from where it stands; stops at the first failure. `authorize` must be made in the click. */
  async run(authorize: AuthorizationHandler & { release(): void }): Promise<boolean> {
    const signIn = this.#showingSignIn(authorize);
    try {
      for (const phase of PHASES) {
        this.phase = phase;
        this.#changed();
        await this.#runPhase(phase, signIn);
      }
      this.phase = 'done';
      return true;
    } catch (error) {
      if (this.#cancelled) return false;
      this.#fail(error);
      await this.#signOutAfterFailure();
      return false;
    } finally {
      authorize.release();
      this.#changed();
    }
  }

  /** Stops a run (start over): its waits end, its connection closes, its late results are ignored. */
  async cancel(): Promise<void> {
    this.#cancelled = true;
    await this.#client?.close().catch(() => undefined);
    this.#client = undefined;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** A mark from outside the client (the mock's clock moved on), for the token timeline. */
  addMark(mark: TokenMark): void {
    this.marks.push(mark);
    this.#changed();
  }

  /**
   * The sign-in as the page shows it: the authorization request's parameters before the window opens, the callback's
   * before the client checks it, and in step-by-step mode a pause at both. The library still does all the work.
   */
  #showingSignIn(inner: AuthorizationHandler): AuthorizationHandler {
    const handler: AuthorizationHandler = async (authorizationUrl, context) => {
      const stepUp = this.phase === 'step-up';
      const requestPanel: StepId = stepUp ? 'step-up' : 'auth-request';
      this.#factsFromRequest(requestPanel, authorizationUrl);
      if (!stepUp) this.#pass('auth-request');
      await this.#pause('consent', requestPanel);
      if (!stepUp) this.#set('consent', { status: 'running' });
      this.arrows.push({
        id: `nav-${this.arrows.length}`,
        from: 'browser',
        to: 'as',
        label:
          this.#options.signIn === 'popup' ? 'popup: GET /authorize' : 'in page: GET /authorize (approve)',
        step: stepUp ? 'step-up' : 'consent',
        tone: 'navigation',
      });
      this.#changed();
      const callback = await inner(authorizationUrl, context);
      const callbackPanel: StepId = stepUp ? 'step-up' : 'callback';
      this.arrows.push({
        id: `nav-${this.arrows.length}`,
        from: 'as',
        to: 'browser',
        label: 'redirect: callback (code, state, iss)',
        step: callbackPanel,
        tone: 'navigation',
      });
      if (!stepUp) this.#pass('consent');
      this.#factsFromCallback(callbackPanel, new URL(String(callback), authorizationUrl));
      await this.#pause('callback', callbackPanel);
      if (!stepUp) this.#set('callback', { status: 'running' });
      return callback;
    };
    // The client releases what the handler prepared (a popup opened ahead) once it is connected.
    return Object.assign(handler, { release: () => inner.release?.() });
  }

  /** Step-by-step mode: waits for the person, with `panel` opened for them. */
  async #pause(step: StepId, panel: StepId): Promise<void> {
    if (!this.#options.waitForNext) return;
    this.#lastReleased = step;
    this.reveal = panel;
    this.#changed();
    try {
      await this.#options.waitForNext(step);
    } finally {
      this.reveal = undefined;
    }
    this.#stopIfCancelled();
  }

  /** Start over ends a pause too: the run it belonged to must not go on (nor open a window outside a click). */
  #stopIfCancelled(): void {
    if (this.#cancelled) throw new Error('the walkthrough was started over');
  }

  #factsFromRequest(step: StepId, url: URL): void {
    this.#fact(step, 'authorization URL', `${url.origin}${url.pathname}`);
    for (const name of AUTHORIZATION_PARAMETERS) {
      const value = url.searchParams.get(name);
      this.#fact(step, name, value === null ? '(absent)' : name === 'state' ? mask(value) : value);
    }
  }

  #factsFromCallback(step: StepId, url: URL): void {
    for (const name of ['code', 'state', 'iss', 'error']) {
      const value = url.searchParams.get(name);
      if (value === null && name === 'error') continue;
      const shown = value === null ? '(absent)' : name === 'code' || name === 'state' ? mask(value) : value;
      this.#fact(step, step === 'step-up' ? `callback ${name}` : name, shown);
    }
    this.#changed();
  }

  /** Tokens obtained before a failure are not left alive: the client signs out (revoking them). */
  async #signOutAfterFailure(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    this.phase = 'sign-out';
    this.#set('sign-out', { status: 'running' });
    try {
      await client.signOut();
      this.#fact('sign-out', 'note', 'signed out after the failure, so no token stays alive');
      this.marks.push({ at: Date.now(), label: 'signed out: tokens forgotten', kind: 'revoked' });
      this.#pass('sign-out');
    } catch (error) {
      this.#set('sign-out', { status: 'failed', error: describeError(error) });
    }
  }

  async #runPhase(phase: Phase, authorize: AuthorizationHandler): Promise<void> {
    switch (phase) {
      case 'connect': {
        const { credentials, clientMetadataUrl } = this.#options.identity;
        this.#client = await createAuthedMcpClient(this.#mcpUrl, {
          clientMetadata: { name: 'mcp-authed-client demo', redirectUri: this.#options.redirectUri },
          ...(credentials ? { credentials } : {}),
          ...(clientMetadataUrl ? { clientMetadataUrl } : {}),
          authorize,
          // Tokens bound to a key of this page wherever the authorization server offers DPoP (RFC 9449).
          dpop: 'auto',
          storage: webStorage(sessionStorage),
          locks: webLocks(navigator.locks),
          fetch: recordingFetch(
            (input, init) => fetch(input, init),
            (exchange) => this.#record(exchange),
            (exchange) => this.#gate(exchange),
          ),
          onEvent: (event) => this.#onEvent(event),
        });
        this.#pass('session');
        return;
      }
      case 'tool': {
        await this.#release('tool');
        const { tools } = await this.#requireClient().listTools();
        this.#tools = new Set(tools.map((tool) => tool.name));
        this.#fact('tool', 'tools', tools.map((tool) => tool.name).join(' ') || '(none)');
        if (this.#tools.has('whoami')) {
          this.#factsFromWhoami(
            'tool',
            await this.#requireClient().callTool({ name: 'whoami', arguments: {} }),
          );
        }
        this.#pass('tool');
        return;
      }
      case 'step-up': {
        await this.#options.waitForClick('step-up');
        this.#stopIfCancelled();
        this.#lastReleased = 'step-up';
        this.#set('step-up', { status: 'running' });
        if (!this.#tools.has(ELEVATED_TOOL)) {
          this.#skip('step-up', `the server has no ${ELEVATED_TOOL} tool to demand more scope with`);
          return;
        }
        const result = await this.#requireClient().callTool({
          name: ELEVATED_TOOL,
          arguments: { message: 'needs more scope' },
        });
        this.#fact('step-up', 'tool answered', toolText(result));
        if (result.isError === true) {
          this.#skip(
            'step-up',
            'the server answered with a tool error, not 403 insufficient_scope (plain FastMCP does): the client cannot step up',
          );
        } else if (this.#state('step-up').status === 'running') {
          this.#skip('step-up', 'the token already had the scope: no step-up was needed');
        }
        return;
      }
      case 'refresh': {
        await this.#release('refresh');
        this.#set('refresh', { status: 'running' });
        if (!this.#options.hooks.expireAccessTokens) {
          this.#skip('refresh', 'not a mock: the access token cannot be expired on demand');
          return;
        }
        await this.#options.hooks.expireAccessTokens();
        this.marks.push({ at: Date.now(), label: 'server expired the access token', kind: 'expired' });
        const client = this.#requireClient();
        if (this.#tools.has('whoami')) {
          this.#factsFromWhoami('refresh', await client.callTool({ name: 'whoami', arguments: {} }));
        } else {
          await client.listTools();
        }
        if (this.#state('refresh').status === 'running') {
          // No refresh event: the client had no refresh token and signed in again.
          this.#skip('refresh', 'no refresh token was issued: the client had to sign in again');
        }
        return;
      }
      case 'sign-out': {
        await this.#release('sign-out');
        this.#set('sign-out', { status: 'running' });
        await this.#requireClient().signOut();
        this.#client = undefined;
        this.marks.push({ at: Date.now(), label: 'signed out: tokens forgotten', kind: 'revoked' });
        this.#pass('sign-out');
        return;
      }
    }
  }

  #requireClient(): AuthedMcpClient {
    if (!this.#client) throw new Error('not connected');
    return this.#client;
  }

  /** In step-by-step mode, waits before the first request of a step other than the one last released. */
  async #gate(exchange: Exchange): Promise<void> {
    // Every request of a run that was started over is refused, the client's fallbacks and retries included.
    this.#stopIfCancelled();
    const step = this.#stepOf(exchange);
    this.#exchangeSteps.set(exchange.id, step);
    await this.#release(step);
  }

  async #release(step: StepId): Promise<void> {
    if (this.#lastReleased === step) return;
    this.#lastReleased = step;
    if (this.#options.waitForNext) {
      this.#changed();
      await this.#options.waitForNext(step);
      this.#stopIfCancelled();
    }
    if (this.#state(step).status === 'pending') this.#set(step, { status: 'running' });
  }

  /** Which panel an exchange belongs to: the phase decides after connecting, the request itself before. */
  #stepOf(exchange: Exchange): StepId {
    if (this.phase === 'step-up' || this.phase === 'refresh' || this.phase === 'sign-out') return this.phase;
    const url = new URL(exchange.url);
    const path = url.pathname;
    if (path.startsWith('/.well-known/oauth-protected-resource')) return 'resource-metadata';
    if (
      path.includes('/.well-known/oauth-authorization-server') ||
      path.includes('/.well-known/openid-configuration')
    )
      return 'as-metadata';
    if (path.endsWith('/register')) return 'identity';
    if (path.endsWith('/revoke')) return 'sign-out';
    if (path.endsWith('/token'))
      return /grant_type=refresh_token/.test(exchange.requestBody) ? 'refresh' : 'token';
    if (this.#isMcp(url)) {
      const authorized = exchange.requestHeaders.some(([name]) => name === 'authorization');
      if (!authorized) return 'probe';
      return this.phase === 'tool' ? 'tool' : 'session';
    }
    return this.phase === 'tool' ? 'tool' : 'session';
  }

  #isMcp(url: URL): boolean {
    return (
      url.origin === this.#mcpUrl.origin &&
      url.pathname.replace(/\/$/, '') === this.#mcpUrl.pathname.replace(/\/$/, '')
    );
  }

  #laneOf(url: URL): Lane {
    return this.#isMcp(url) || url.pathname.startsWith('/.well-known/oauth-protected-resource')
      ? 'mcp'
      : 'as';
  }

  #record(exchange: Exchange): void {
    if (this.#cancelled) return;
    const step = this.#exchangeSteps.get(exchange.id) ?? this.#stepOf(exchange);
    if (step === 'as-metadata' && exchange.responseBody !== undefined)
      this.#readIssAdvertised(exchange.responseBody);
    const state = this.#state(step);
    if (!state.exchanges.includes(exchange)) state.exchanges.push(exchange);
    const url = new URL(exchange.url);
    const lane = this.#laneOf(url);
    const request = `req-${exchange.id}`;
    if (!this.arrows.some((arrow) => arrow.id === request)) {
      this.arrows.push({
        id: request,
        from: 'browser',
        to: lane,
        label: `${exchange.method} ${url.pathname}${jsonRpcLabel(exchange.requestBody)}`,
        step,
        tone: 'request',
      });
    }
    const response = `res-${exchange.id}`;
    if (
      (exchange.status !== undefined || exchange.failure) &&
      !this.arrows.some((arrow) => arrow.id === response)
    ) {
      const failed = exchange.failure !== undefined || (exchange.status ?? 0) >= 400;
      this.arrows.push({
        id: response,
        from: lane,
        to: 'browser',
        label: exchange.failure ? 'no answer' : `${exchange.status}${describeStatus(exchange)}`,
        step,
        tone: failed ? 'error' : 'ok',
      });
    }
    if (step === 'probe' && exchange.status === 401) this.#pass('probe');
    this.#changed();
  }

  #onEvent(event: FlowEvent): void {
    const detail = event.detail ?? {};
    const text = (value: unknown): string =>
      Array.isArray(value) ? value.join(' ') || '(none)' : String(value);
    if (event.step === 'discovery' && event.status === 'succeeded') {
      if (event.message === 'protected-resource metadata') {
        this.#fact('resource-metadata', 'resource', text(detail['resource']));
        this.#pass('resource-metadata');
      } else if (event.message === 'authorization-server metadata') {
        this.#fact('as-metadata', 'issuer', text(detail['issuer']));
        this.#pass('as-metadata');
      } else if (detail['legacy'] === true) {
        this.#fact('resource-metadata', 'note', event.message);
        if (this.#state('resource-metadata').status !== 'passed')
          this.#set('resource-metadata', { status: 'skipped' });
        if (this.#state('as-metadata').status !== 'passed') this.#set('as-metadata', { status: 'skipped' });
      }
    }
    if (event.step === 'registration' && (event.status === 'succeeded' || event.status === 'skipped')) {
      this.#factsFromIdentity(text(detail['client_id']), text(detail['source']));
      this.#pass('identity');
    }
    const target = this.phase === 'step-up' ? 'step-up' : undefined;
    if (event.step === 'authorization' && event.status === 'succeeded') {
      if (!target) {
        this.#fact('callback', 'state check', 'matches the request');
        this.#fact(
          'callback',
          'iss check',
          this.#issAdvertised === true
            ? 'advertised by the server: present and equal to the issuer (RFC 9207)'
            : 'not advertised by the server: compared only if present',
        );
        this.#pass('callback');
      }
    }
    if ((event.step === 'token' || event.step === 'refresh') && event.status === 'succeeded') {
      const expiresAt = detail['expires_at'] === undefined ? undefined : Number(detail['expires_at']);
      const step = target ?? (event.step === 'token' ? 'token' : 'refresh');
      if (event.step === 'token') {
        this.#fact(step, 'scopes', text(detail['scopes']));
        this.#fact(
          step,
          'token type',
          detail['token_type'] === 'DPoP'
            ? 'DPoP: bound to a key of this page (RFC 9449), proved on every request'
            : 'Bearer',
        );
        this.#fact(step, 'refresh token', detail['refresh_token'] === true ? 'yes' : 'no');
        this.#fact(
          step,
          'expires',
          expiresAt === undefined ? 'not said (no expires_in)' : new Date(expiresAt).toLocaleTimeString(),
        );
        if (!target) this.#pass('token');
      } else {
        this.#fact(
          'refresh',
          'refresh token rotated',
          detail['refresh_token_rotated'] === true ? 'yes' : 'no',
        );
        this.#pass('refresh');
      }
      const label =
        event.step === 'refresh'
          ? 'access token refreshed'
          : target
            ? 'access token issued (step-up)'
            : 'access token issued';
      this.marks.push({
        at: event.at,
        label,
        kind: event.step === 'refresh' ? 'refreshed' : 'issued',
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
    }
    if (event.step === 'step-up' && event.status === 'succeeded') this.#pass('step-up');
    if (event.step === 'step-up' && event.status === 'started' && typeof detail['scope'] === 'string') {
      this.#fact('step-up', 'scope demanded', detail['scope']);
    }
    if (event.step === 'revocation' && event.status === 'succeeded') {
      this.#fact('sign-out', event.message, 'done');
      if (event.message.startsWith('access token'))
        this.marks.push({ at: event.at, label: 'tokens revoked', kind: 'revoked' });
    }
    if (event.step === 'connection' && event.status === 'succeeded')
      this.#fact('session', 'connected', 'yes');
    this.#changed();
  }

  #factsFromIdentity(clientId: string, source: string): void {
    const { credentials, document } = this.#options.identity;
    this.#fact('identity', 'client id', clientId);
    this.#fact('identity', 'source', source);
    if (source === 'pre-registered' && credentials) {
      this.#fact(
        'identity',
        'client secret',
        credentials.clientSecret ? 'given (kept in memory, never stored)' : 'none: a public client',
      );
      this.#fact(
        'identity',
        'token endpoint auth',
        credentials.tokenEndpointAuthMethod ?? 'chosen from the server’s metadata',
      );
    }
    if (source === 'metadata-document') {
      this.#fact(
        'identity',
        'note',
        'the authorization server fetches this document itself: the browser never does',
      );
      if (document) this.#fact('identity', 'document', document);
    }
  }

  #factsFromWhoami(step: StepId, result: unknown): void {
    const whoami = JSON.parse(toolText(result)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(whoami)) {
      this.#fact(step, name, Array.isArray(value) ? value.join(' ') || '(none)' : String(value));
    }
  }

  #fail(error: unknown): void {
    const running = STEPS.find((step) => this.#state(step.id).status === 'running')?.id;
    const late = this.phase === 'step-up' || this.phase === 'refresh' || this.phase === 'sign-out';
    // A failure after connecting belongs to its phase's panel; before, to the check that failed.
    const panel = late
      ? (this.phase as StepId)
      : (stepOfError(
          error instanceof McpAuthError ? error.code : undefined,
          error instanceof McpAuthError ? error.step : undefined,
          running,
        ) ?? 'probe');
    this.#set(panel, { status: 'failed', error: describeError(error) });
    const failedAt = STEPS.findIndex((step) => step.id === panel);
    STEPS.forEach((step, index) => {
      if (step.id === panel || this.#state(step.id).status !== 'running') return;
      // A step before the failing one did its part (the consent page was approved before iss was checked).
      this.#set(step.id, { status: index < failedAt ? 'passed' : 'pending' });
    });
  }

  #readIssAdvertised(body: string): void {
    try {
      const metadata = JSON.parse(body) as Record<string, unknown>;
      this.#issAdvertised = metadata['authorization_response_iss_parameter_supported'] === true;
    } catch {
      // Not JSON: the discovery step reports that.
    }
  }

  #state(step: StepId): StepState {
    const state = this.steps.get(step);
    if (!state) throw new Error(`unknown step ${step}`);
    return state;
  }

  #set(step: StepId, patch: Partial<StepState>): void {
    Object.assign(this.#state(step), patch);
    this.#changed();
  }

  /** The step does not apply here; `note` says why. */
  #skip(step: StepId, note: string): void {
    this.#fact(step, 'note', note);
    this.#set(step, { status: 'skipped' });
  }

  #pass(step: StepId): void {
    if (this.#state(step).status !== 'failed') this.#set(step, { status: 'passed' });
  }

  #fact(step: StepId, label: string, value: string): void {
    const facts = this.#state(step).facts;
    const existing = facts.findIndex(([name]) => name === label);
    if (existing >= 0) facts[existing] = [label, value];
    else facts.push([label, value]);
  }

  #changed(): void {
    if (!this.#cancelled) this.#options.onChange();
  }
}

function toolText(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.find((block) => block.type === 'text')?.text ?? '';
}

/** ` initialize`, ` tools/call whoami`: the JSON-RPC method of an MCP request body, for the diagram. */
function jsonRpcLabel(body: string): string {
  try {
    const message = JSON.parse(body) as { method?: unknown; params?: { name?: unknown } };
    if (typeof message.method !== 'string') return '';
    return typeof message.params?.name === 'string'
      ? ` ${message.method} ${message.params.name}`
      : ` ${message.method}`;
  } catch {
    return '';
  }
}

/** Checks the client failed (the server is unsafe or misconfigured) are "refused"; other errors "failed". */
const REFUSALS = new Set([
  'resource_mismatch',
  'issuer_mismatch',
  'pkce_not_supported',
  'iss_missing',
  'iss_mismatch',
  'state_mismatch',
  'cors_refused',
  'insecure_url',
  'authorization_expired',
]);

function describeError(error: unknown): { code: string; message: string; refused: boolean } {
  const code = error instanceof McpAuthError ? error.code : 'error';
  return {
    code,
    message: error instanceof Error ? error.message : String(error),
    refused: REFUSALS.has(code),
  };
}

function describeStatus(exchange: Exchange): string {
  const challenge = exchange.responseHeaders?.find(([name]) => name === 'www-authenticate')?.[1];
  if (challenge?.includes('insufficient_scope')) return ' insufficient_scope';
  if (exchange.status === 401) return ' Unauthorized';
  return '';
}
