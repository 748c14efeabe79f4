/**
 * The step panels: title and mark, what the specification requires (with links), the facts the step established,
 * the error when it failed, and every HTTP exchange of the step (headers and bodies, secrets partly masked).
 */
import type { Exchange } from '../recorder.js';
import { STEPS, type StepId } from '../steps.js';
import type { StepState, StepStatus } from '../walkthrough.js';
import { h, replace } from './dom.js';

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

/** Draws every panel into `list` (an `<ol>`), keeping which ones the person opened. */
export function renderPanels(
  list: HTMLElement,
  steps: ReadonlyMap<StepId, StepState>,
  corsHelp: boolean,
): void {
  // Drawn anew from state each time: what the person opened, and where their focus was, carries over.
  const open = new Set(
    [...list.querySelectorAll<HTMLDetailsElement>('details[open]')].map((details) => details.dataset['key']),
  );
  const focused = (document.activeElement as HTMLElement | null)?.closest('details')?.dataset['key'];
  const items = STEPS.map((info, index) => {
    const state = steps.get(info.id);
    if (!state) return null;
    const details = h(
      'details',
      {
        'data-step': info.id,
        'data-key': info.id,
        class: `panel ${state.status}`,
        open: open.has(info.id) || state.status === 'failed',
      },
      h(
        'summary',
        {},
        h('span', { class: 'mark', 'aria-hidden': 'true' }, ICONS[state.status]),
        h('span', { class: 'number' }, `${index + 1}.`),
        h('span', { class: 'title' }, info.title),
        h('span', { class: `status ${state.status}` }, MARKS[state.status]),
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
        state.error ? renderError(state.error, corsHelp) : null,
        state.facts.length > 0 ? renderFacts(state.facts) : null,
        ...state.exchanges.map((exchange) => renderExchange(exchange, `${info.id}:${exchange.id}`, open)),
        state.exchanges.length === 0 && state.facts.length === 0 && !state.error
          ? h(
              'p',
              { class: 'empty' },
              state.status === 'pending' ? 'Not reached yet.' : 'No HTTP request of its own.',
            )
          : null,
      ),
    );
    return h('li', { id: panelId(info.id) }, details);
  });
  replace(list, ...items);
  if (focused !== undefined)
    list.querySelector<HTMLElement>(`details[data-key="${focused}"] > summary`)?.focus();
}

function renderFacts(facts: ReadonlyArray<[string, string]>): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    ...facts.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]),
  );
}

function renderError(
  error: { code: string; message: string; refused: boolean },
  corsHelp: boolean,
): HTMLElement {
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', {}, h('strong', {}, `${error.refused ? 'Refused' : 'Failed'} (${error.code}). `), error.message),
    error.code === 'cors_refused' || (corsHelp && error.code === 'network_error')
      ? h(
          'p',
          {},
          'In plain words: the browser asked the server whether this page may talk to it, and the server did not say yes. ' +
            'The server (not this page) has to send CORS headers: Access-Control-Allow-Origin for this origin, and on the MCP endpoint ' +
            'Access-Control-Allow-Headers (Authorization, Content-Type, Mcp-Session-Id, MCP-Protocol-Version) and ' +
            'Access-Control-Expose-Headers (WWW-Authenticate, Mcp-Session-Id).',
        )
      : null,
  );
}

function renderExchange(exchange: Exchange, key: string, open: ReadonlySet<string | undefined>): HTMLElement {
  const url = new URL(exchange.url);
  const status =
    exchange.failure !== undefined
      ? `no answer: ${exchange.failure}`
      : exchange.status === undefined
        ? '…'
        : String(exchange.status);
  return h(
    'details',
    { class: 'exchange', 'data-key': key, open: open.has(key) },
    h(
      'summary',
      {},
      h('code', {}, `${exchange.method} ${url.pathname}${url.search ? '?…' : ''}`),
      ' → ',
      h('code', { class: (exchange.status ?? 0) >= 400 || exchange.failure ? 'bad' : 'good' }, status),
    ),
    h(
      'div',
      { class: 'wire' },
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
    ),
  );
}
