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
} from 'mcp-authed-client';
import { recordingFetch, type Exchange } from './recorder.js';
import { STEPS, stepOfError, type StepId } from './steps.js';

export type StepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';

export interface StepState {
  status: StepStatus;
  exchanges: Exchange[];
  /** Facts the step established (issuer, client id, scopes, …), as label → value. */
  facts: Array<[string, string]>;
  error?: { code: string; message: string };
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
  /** Expiry of the access token in force after this mark (ms since the epoch), when known. */
  readonly expiresAt?: number;
}

export type Phase = 'connect' | 'tool' | 'step-up' | 'refresh' | 'sign-out';
export const PHASES: readonly Phase[] = ['connect', 'tool', 'step-up', 'refresh', 'sign-out'];

/** What the walkthrough needs from the server it runs against (the embedded mock's controls, or nothing). */
export interface ServerHooks {
  /** Makes the server treat the current access token as expired (for the refresh step). */
  expireAccessTokens?(): Promise<void>;
}

export interface WalkthroughOptions {
  mcpUrl: string;
  redirectUri: string;
  hooks: ServerHooks;
  /** Called whenever the state changed. */
  onChange(): void;
  /** Resolves when the person asks for the next step (step-by-step mode); undefined runs straight through. */
  waitForNext?: (next: StepId) => Promise<void>;
  /**
   * Resolves when the person clicked to go on, before a step that opens the sign-in window again (a popup needs a
   * click); the click handler calls `authorize.prepare()`.
   */
  waitForClick: (next: StepId) => Promise<void>;
}

/** The scope the mock's `elevated_echo` needs. */
const ELEVATED_TOOL = 'elevated_echo';

export class Walkthrough {
  readonly steps = new Map<StepId, StepState>();
  readonly arrows: Arrow[] = [];
  readonly marks: TokenMark[] = [];
  /** The flow events, as they came. */
  readonly events: FlowEvent[] = [];
  phase: Phase | 'done' | 'idle' = 'idle';
  #client: AuthedMcpClient | undefined;
  readonly #options: WalkthroughOptions;
  readonly #mcpUrl: URL;
  #lastReleased: StepId | undefined;

  constructor(options: WalkthroughOptions) {
    this.#options = options;
    this.#mcpUrl = new URL(options.mcpUrl);
    for (const step of STEPS) this.steps.set(step.id, { status: 'pending', exchanges: [], facts: [] });
  }

  /** Runs every phase from where it stands; stops at the first failure. `authorize` must be made in the click. */
  async run(authorize: AuthorizationHandler & { release(): void }): Promise<boolean> {
    try {
      for (const phase of PHASES) {
        this.phase = phase;
        this.#changed();
        await this.#runPhase(phase, authorize);
      }
      this.phase = 'done';
      return true;
    } catch (error) {
      this.#fail(error);
      return false;
    } finally {
      authorize.release();
      this.#changed();
    }
  }

  /** Closes the connection (if any). */
  async close(): Promise<void> {
    await this.#client?.close().catch(() => undefined);
  }

  async #runPhase(phase: Phase, authorize: AuthorizationHandler & { release(): void }): Promise<void> {
    switch (phase) {
      case 'connect': {
        this.#client = await createAuthedMcpClient(this.#mcpUrl, {
          clientMetadata: { name: 'mcp-authed-client demo', redirectUri: this.#options.redirectUri },
          authorize,
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
        const result = await this.#requireClient().callTool({ name: 'whoami', arguments: {} });
        this.#factsFromWhoami('tool', result);
        this.#pass('tool');
        return;
      }
      case 'step-up': {
        await this.#options.waitForClick('step-up');
        this.#lastReleased = 'step-up';
        this.#set('step-up', { status: 'running' });
        const result = await this.#requireClient().callTool({
          name: ELEVATED_TOOL,
          arguments: { message: 'needs more scope' },
        });
        if (result.isError === true) throw new Error(`${ELEVATED_TOOL} failed: ${toolText(result)}`);
        this.#fact('step-up', 'tool answered', toolText(result));
        if (this.#state('step-up').status === 'running') {
          this.#fact('step-up', 'note', 'the token already had the scope: no step-up was needed');
          this.#set('step-up', { status: 'skipped' });
        }
        return;
      }
      case 'refresh': {
        await this.#release('refresh');
        this.#set('refresh', { status: 'running' });
        if (!this.#options.hooks.expireAccessTokens) {
          this.#fact('refresh', 'note', 'not a mock: the access token cannot be expired on demand');
          this.#set('refresh', { status: 'skipped' });
          return;
        }
        await this.#options.hooks.expireAccessTokens();
        this.marks.push({ at: Date.now(), label: 'server expired the access token' });
        const result = await this.#requireClient().callTool({ name: 'whoami', arguments: {} });
        this.#factsFromWhoami('refresh', result);
        if (this.#state('refresh').status === 'running') this.#set('refresh', { status: 'passed' });
        return;
      }
      case 'sign-out': {
        await this.#release('sign-out');
        this.#set('sign-out', { status: 'running' });
        await this.#requireClient().signOut();
        this.#client = undefined;
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
    await this.#release(this.#stepOf(exchange));
  }

  async #release(step: StepId): Promise<void> {
    if (this.#lastReleased === step) return;
    this.#lastReleased = step;
    if (this.#options.waitForNext) {
      this.#changed();
      await this.#options.waitForNext(step);
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
    const step = this.#stepOf(exchange);
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
        label: `${exchange.method} ${url.pathname}`,
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
    this.events.push(event);
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
      this.#fact('identity', 'client id', text(detail['client_id']));
      this.#fact('identity', 'source', text(detail['source']));
      this.#pass('identity');
    }
    const target = this.phase === 'step-up' ? 'step-up' : undefined;
    if (event.step === 'authorization' && event.status === 'started' && event.request) {
      const url = new URL(event.request.url);
      const params = url.searchParams;
      const step = target ?? 'auth-request';
      this.#fact(step, 'authorization URL', `${url.origin}${url.pathname}`);
      for (const name of ['code_challenge_method', 'state', 'resource', 'scope', 'client_id']) {
        const value = params.get(name);
        this.#fact(
          step,
          name,
          value === null ? '(absent)' : name === 'state' ? `${value.slice(0, 6)}…` : value,
        );
      }
      if (!target) {
        this.#pass('auth-request');
        this.#set('consent', { status: 'running' });
      }
      this.arrows.push({
        id: `nav-${this.arrows.length}`,
        from: 'browser',
        to: 'as',
        label: 'popup: GET /authorize',
        step: target ?? 'consent',
        tone: 'navigation',
      });
    }
    if (event.step === 'authorization' && event.status === 'succeeded') {
      this.arrows.push({
        id: `nav-${this.arrows.length}`,
        from: 'as',
        to: 'browser',
        label: 'redirect: callback (code, state, iss)',
        step: target ?? 'callback',
        tone: 'navigation',
      });
      if (!target) {
        this.#pass('consent');
        this.#fact('callback', 'state', 'matches the request');
        this.#fact('callback', 'iss', 'checked against the issuer (RFC 9207)');
        this.#pass('callback');
      }
    }
    if (
      (event.step === 'token' || event.step === 'refresh') &&
      event.status === 'succeeded' &&
      detail['expires_at'] !== undefined
    ) {
      const expiresAt = Number(detail['expires_at']);
      const step = target ?? (event.step === 'token' ? 'token' : 'refresh');
      if (event.step === 'token') {
        this.#fact(step, 'scopes', text(detail['scopes']));
        this.#fact(step, 'refresh token', detail['refresh_token'] === true ? 'yes' : 'no');
        if (!target) this.#pass('token');
      } else {
        this.#fact(
          'refresh',
          'refresh token rotated',
          detail['refresh_token_rotated'] === true ? 'yes' : 'no',
        );
        this.#pass('refresh');
      }
      this.marks.push({
        at: event.at,
        label: event.step === 'token' ? 'access token issued' : 'access token refreshed',
        expiresAt,
      });
    }
    if (event.step === 'step-up' && event.status === 'succeeded') this.#pass('step-up');
    if (event.step === 'step-up' && event.status === 'started' && typeof detail['scope'] === 'string') {
      this.#fact('step-up', 'scope demanded', detail['scope']);
    }
    if (event.step === 'revocation' && event.status === 'succeeded') {
      this.#fact('sign-out', event.message, 'done');
      if (event.message.startsWith('access token'))
        this.marks.push({ at: event.at, label: 'tokens revoked' });
    }
    if (event.step === 'connection' && event.status === 'succeeded')
      this.#fact('session', 'connected', 'yes');
    this.#changed();
  }

  #factsFromWhoami(step: StepId, result: unknown): void {
    const whoami = JSON.parse(toolText(result)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(whoami)) {
      this.#fact(step, name, Array.isArray(value) ? value.join(' ') || '(none)' : String(value));
    }
  }

  #fail(error: unknown): void {
    const code = error instanceof McpAuthError ? error.code : 'error';
    const message = error instanceof Error ? error.message : String(error);
    const running = STEPS.find((step) => this.#state(step.id).status === 'running')?.id;
    const step =
      stepOfError(code, error instanceof McpAuthError ? error.step : undefined) ?? running ?? 'probe';
    // A step-up or refresh failure belongs to its phase's panel.
    const panel =
      this.phase === 'step-up' || this.phase === 'refresh' || this.phase === 'sign-out' ? this.phase : step;
    this.#set(panel, { status: 'failed', error: { code, message } });
    for (const other of STEPS) {
      if (other.id !== panel && this.#state(other.id).status === 'running')
        this.#set(other.id, { status: 'pending' });
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
    this.#options.onChange();
  }
}

function toolText(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.find((block) => block.type === 'text')?.text ?? '';
}

function describeStatus(exchange: Exchange): string {
  const challenge = exchange.responseHeaders?.find(([name]) => name === 'www-authenticate')?.[1];
  if (challenge?.includes('insufficient_scope')) return ' insufficient_scope';
  if (exchange.status === 401) return ' Unauthorized';
  return '';
}
