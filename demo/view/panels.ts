/**
 * The step panels: title and mark, what the specification requires (with links), the facts the step established,
 * the error when it failed, and every HTTP exchange of the step (headers and bodies, secrets partly masked).
 *
 * Built once and then updated in place: a panel the person opened stays open, focus stays where it was, and an
 * update that changes nothing touches nothing (no layout jumps while the walkthrough runs).
 */
import type { Exchange } from '../recorder.js';
import { STEPS, type StepId } from '../steps.js';
import type { StepState, StepStatus } from '../walkthrough.js';
import { h, replace, setAttribute, setText } from './dom.js';

const MARKS: Readonly<Record<StepStatus, string>> = {
  pending: 'not yet',
  running: 'in progress',
  passed: 'passed',
  failed: 'failed',
  skipped: 'skipped',
};
const ICONS: Readonly<Record<StepStatus, string>> = {
  pending: '○',
  running: '◔',
  passed: '✓',
  failed: '✗',
  skipped: '–',
};

/** The id of a step's panel element, for links from the diagram. */
export const panelId = (step: StepId): string => `step-${step}`;

/** What the panels show besides each step's state. */
export interface PanelsContext {
  /** Explain CORS in plain words on a network failure (the server is on another origin). */
  readonly corsHelp: boolean;
  /** The panel to open for the person, once, because the walkthrough waits for them there. */
  readonly reveal: StepId | undefined;
}

interface PanelView {
  readonly item: HTMLElement;
  readonly details: HTMLDetailsElement;
  readonly mark: HTMLElement;
  readonly status: HTMLElement;
  readonly error: HTMLElement;
  readonly facts: HTMLElement;
  readonly exchanges: HTMLElement;
  readonly empty: HTMLElement;
  /** Keyed by the exchange itself: a new run numbers its exchanges from 1 again. */
  readonly shown: Map<Exchange, ExchangeView>;
  errorKey: string;
  factsKey: string;
  /** Why the panel was last opened on its own (so it is done once, and the person can close it again). */
  openedFor: string;
}

interface ExchangeView {
  readonly details: HTMLDetailsElement;
  readonly status: HTMLElement;
  readonly wire: HTMLElement;
  key: string;
}

const views = new WeakMap<HTMLElement, Map<StepId, PanelView>>();

/** Draws the panels into `list` (an `<ol>`) the first time, and brings them up to date after that. */
export function renderPanels(
  list: HTMLElement,
  steps: ReadonlyMap<StepId, StepState>,
  context: PanelsContext,
): void {
  let panels = views.get(list);
  if (!panels) {
    panels = new Map(STEPS.map((info, index) => [info.id, buildPanel(info.id, index)]));
    replace(list, ...[...panels.values()].map((view) => view.item));
    views.set(list, panels);
  }
  for (const [id, view] of panels) {
    const state = steps.get(id);
    if (state) updatePanel(view, id, state, context);
  }
}

function buildPanel(id: StepId, index: number): PanelView {
  const info = STEPS[index];
  if (!info) throw new Error(`no step ${id}`);
  const mark = h('span', { class: 'mark', 'aria-hidden': 'true' });
  const status = h('span', { class: 'status' });
  const error = h('div', { class: 'error', role: 'alert', hidden: true });
  const facts = h('dl', { class: 'facts', hidden: true });
  const exchanges = h('div', { class: 'exchanges' });
  const empty = h('p', { class: 'empty' });
  const details = h(
    'details',
    { 'data-step': id, class: 'panel pending' },
    h(
      'summary',
      {},
      mark,
      h('span', { class: 'number' }, `${index + 1}.`),
      h('span', { class: 'title' }, info.title),
      status,
    ),
    h(
      'div',
      { class: 'body' },
      h(
        'p',
        { class: 'requirement' },
        info.requirement,
        ' ',
        ...info.links.flatMap((link) => [
          h('a', { href: link.href, target: '_blank', rel: 'noreferrer' }, link.label),
          ' ',
        ]),
      ),
      error,
      facts,
      exchanges,
      empty,
    ),
  );
  return {
    item: h('li', { id: panelId(id) }, details),
    details,
    mark,
    status,
    error,
    facts,
    exchanges,
    empty,
    shown: new Map(),
    errorKey: '',
    factsKey: '',
    openedFor: '',
  };
}

function updatePanel(view: PanelView, id: StepId, state: StepState, context: PanelsContext): void {
  setAttribute(view.details, 'class', `panel ${state.status}`);
  setText(view.mark, ICONS[state.status]);
  setText(view.status, MARKS[state.status]);
  setAttribute(view.status, 'class', `status ${state.status}`);

  const errorKey = state.error ? JSON.stringify([state.error, context.corsHelp]) : '';
  if (errorKey !== view.errorKey) {
    view.errorKey = errorKey;
    view.error.hidden = !state.error;
    if (state.error) replace(view.error, ...renderError(state.error, context.corsHelp));
    else replace(view.error);
  }

  const factsKey = JSON.stringify(state.facts);
  if (factsKey !== view.factsKey) {
    view.factsKey = factsKey;
    view.facts.hidden = state.facts.length === 0;
    replace(view.facts, ...state.facts.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
  }

  // A new run starts with fresh state: exchanges it no longer has go.
  const current = new Set(state.exchanges);
  for (const [exchange, shown] of view.shown) {
    if (current.has(exchange)) continue;
    shown.details.remove();
    view.shown.delete(exchange);
  }
  for (const exchange of state.exchanges) {
    let shown = view.shown.get(exchange);
    if (!shown) {
      shown = buildExchange(exchange, `${id}:${exchange.id}`);
      view.shown.set(exchange, shown);
      view.exchanges.append(shown.details);
    }
    updateExchange(shown, exchange);
  }

  const nothing = state.exchanges.length === 0 && state.facts.length === 0 && !state.error;
  view.empty.hidden = !nothing;
  setText(view.empty, state.status === 'pending' ? 'Not reached yet.' : 'No HTTP request of its own.');

  // Opened on its own once per reason (a failure, a wait for the person); closing it again is theirs to do.
  const reason = state.status === 'failed' ? 'failed' : context.reveal === id ? 'waiting' : '';
  if (reason === '') {
    if (state.status === 'pending') view.openedFor = '';
  } else if (view.openedFor !== reason) {
    view.openedFor = reason;
    view.details.open = true;
  }
}

function renderError(error: { code: string; message: string; refused: boolean }, corsHelp: boolean): Node[] {
  return [
    h('p', {}, h('strong', {}, `${error.refused ? 'Refused' : 'Failed'} (${error.code}). `), error.message),
    ...(error.code === 'cors_refused' || (corsHelp && error.code === 'network_error')
      ? [
          h(
            'p',
            {},
            'In plain words: the browser asked the server whether this page may talk to it, and the server did not say yes. ' +
              'The server (not this page) has to send CORS headers: Access-Control-Allow-Origin for this origin, and on the MCP endpoint ' +
              'Access-Control-Allow-Headers (Authorization, Content-Type, Mcp-Session-Id, MCP-Protocol-Version) and ' +
              'Access-Control-Expose-Headers (WWW-Authenticate, Mcp-Session-Id).',
          ),
        ]
      : []),
  ];
}

function buildExchange(exchange: Exchange, key: string): ExchangeView {
  const url = new URL(exchange.url);
  const status = h('code', {});
  const wire = h('div', { class: 'wire' });
  const details = h(
    'details',
    { class: 'exchange', 'data-key': key },
    h(
      'summary',
      {},
      h('code', {}, `${exchange.method} ${url.pathname}${url.search ? '?…' : ''}`),
      ' → ',
      status,
    ),
    wire,
  );
  return { details, status, wire, key: '' };
}

/** An exchange is recorded in stages (sent, answered, body read): each stage redraws only its own element. */
function updateExchange(view: ExchangeView, exchange: Exchange): void {
  const key = JSON.stringify([
    exchange.status,
    exchange.failure,
    exchange.responseHeaders?.length,
    exchange.responseBody,
  ]);
  if (key === view.key) return;
  view.key = key;
  const status =
    exchange.failure !== undefined
      ? `no answer: ${exchange.failure}`
      : exchange.status === undefined
        ? '…'
        : String(exchange.status);
  setText(view.status, status);
  setAttribute(view.status, 'class', (exchange.status ?? 0) >= 400 || exchange.failure ? 'bad' : 'good');
  replace(
    view.wire,
    h('h4', {}, 'Request'),
    h(
      'pre',
      {},
      [`${exchange.method} ${exchange.url}`, ...exchange.requestHeaders.map(([n, v]) => `${n}: ${v}`)].join(
        '\n',
      ),
    ),
    exchange.requestBody ? h('pre', { class: 'body-text' }, exchange.requestBody) : null,
    h('h4', {}, 'Response'),
    exchange.responseHeaders
      ? h(
          'pre',
          {},
          [`HTTP ${exchange.status}`, ...exchange.responseHeaders.map(([n, v]) => `${n}: ${v}`)].join('\n'),
        )
      : h('p', {}, status),
    exchange.responseBody ? h('pre', { class: 'body-text' }, exchange.responseBody) : null,
  );
}
