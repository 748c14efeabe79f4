/**
 * The live sequence diagram: three lifelines (this page, the MCP server, the authorization server) and one row per
 * message, drawn as it happens. Each row is a button that opens its step's panel.
 *
 * The diagram is one tab stop (a vertical toolbar with a roving tabindex): the arrow keys, Home and End move between
 * messages, Enter or Space opens the message's step. Rows are only ever appended, so the person's place, focus and
 * scroll position survive every update.
 */
import type { Arrow, Lane } from '../walkthrough.js';
import { h, replace } from './dom.js';
import { panelId } from './panels.js';

const LANES: readonly Lane[] = ['browser', 'mcp', 'as'];
const NAMES: Readonly<Record<Lane, string>> = {
  browser: 'Browser (this page)',
  mcp: 'MCP server',
  as: 'Authorization server',
};

interface SequenceView {
  readonly rows: HTMLElement;
  readonly empty: HTMLElement;
  /** The arrows drawn so far: a new walkthrough brings a new list, and the diagram starts again. */
  arrows: readonly Arrow[];
  drawn: number;
}

const views = new WeakMap<HTMLElement, SequenceView>();

export function renderSequence(container: HTMLElement, arrows: readonly Arrow[]): void {
  let view = views.get(container);
  if (!view) {
    view = buildSequence(container);
    views.set(container, view);
  }
  if (view.arrows !== arrows || view.drawn > arrows.length) {
    view.rows.replaceChildren();
    view.arrows = arrows;
    view.drawn = 0;
  }
  if (view.drawn === arrows.length) return;
  // Follow the conversation while the person watches its end; keep their place when they scrolled up.
  const { rows } = view;
  const atEnd = rows.scrollTop + rows.clientHeight >= rows.scrollHeight - 8;
  for (const arrow of arrows.slice(view.drawn)) rows.append(arrowButton(arrow));
  view.drawn = arrows.length;
  view.empty.hidden = arrows.length > 0;
  // One row is the tab stop: the one the person last moved to, else the first.
  if (!rows.querySelector('[tabindex="0"]')) rows.firstElementChild?.setAttribute('tabindex', '0');
  if (atEnd) rows.scrollTop = rows.scrollHeight;
}

function buildSequence(container: HTMLElement): SequenceView {
  const rows = h('div', {
    class: 'rows',
    role: 'toolbar',
    'aria-orientation': 'vertical',
    'aria-label': 'Messages, oldest first: arrow keys move, Enter opens the step',
    onkeydown: (event) => moveFocus(rows, event as KeyboardEvent),
    onfocusin: (event) => {
      const target = event.target;
      if (target instanceof HTMLElement && target.parentElement === rows) makeTabStop(rows, target);
    },
  });
  const empty = h('p', { class: 'empty' }, 'Messages appear here as the client sends them.');
  replace(
    container,
    h(
      'div',
      { class: 'lanes', 'aria-hidden': 'true' },
      ...LANES.map((lane) => h('div', { class: `lane-name ${lane}` }, NAMES[lane])),
    ),
    h('div', { class: 'rows-frame' }, rows, empty),
  );
  return { rows, empty, arrows: [], drawn: 0 };
}

function arrowButton(arrow: Arrow): HTMLElement {
  const from = LANES.indexOf(arrow.from);
  const to = LANES.indexOf(arrow.to);
  const direction = to > from ? 'right' : 'left';
  return h(
    'button',
    {
      type: 'button',
      tabindex: '-1',
      class: `arrow ${arrow.tone} ${direction} span-${Math.min(from, to)}-${Math.max(from, to)}`,
      'data-step': arrow.step,
      title: `${NAMES[arrow.from]} → ${NAMES[arrow.to]}: ${arrow.label}`,
      'aria-label': `${NAMES[arrow.from]} to ${NAMES[arrow.to]}: ${arrow.label}. Show the step.`,
      onclick: () => openPanel(panelId(arrow.step)),
    },
    h('span', { class: 'label' }, arrow.label),
  );
}

const KEYS: Readonly<Record<string, (index: number, count: number) => number>> = {
  ArrowDown: (index, count) => Math.min(index + 1, count - 1),
  ArrowRight: (index, count) => Math.min(index + 1, count - 1),
  ArrowUp: (index) => Math.max(index - 1, 0),
  ArrowLeft: (index) => Math.max(index - 1, 0),
  Home: () => 0,
  End: (_index, count) => count - 1,
};

function moveFocus(rows: HTMLElement, event: KeyboardEvent): void {
  const move = KEYS[event.key];
  if (!move || event.altKey || event.ctrlKey || event.metaKey) return;
  const buttons = [...rows.children] as HTMLElement[];
  if (buttons.length === 0) return;
  event.preventDefault();
  const index = buttons.findIndex((button) => button === document.activeElement);
  const next = buttons[move(Math.max(index, 0), buttons.length)];
  if (!next) return;
  makeTabStop(rows, next);
  next.focus();
  next.scrollIntoView({ block: 'nearest' });
}

function makeTabStop(rows: HTMLElement, button: HTMLElement): void {
  for (const other of rows.querySelectorAll('[tabindex="0"]')) {
    if (other !== button) other.setAttribute('tabindex', '-1');
  }
  button.setAttribute('tabindex', '0');
}

function openPanel(id: string): void {
  const item = document.getElementById(id);
  const details = item?.querySelector('details');
  if (!item || !details) return;
  details.open = true;
  item.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  details.querySelector('summary')?.focus();
}
