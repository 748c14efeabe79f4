/**
 * The live sequence diagram: three lifelines (this page, the MCP server, the authorization server) and one row per
 * message, drawn as it happens. Each row is a button that opens its step's panel.
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

export function renderSequence(container: HTMLElement, arrows: readonly Arrow[]): void {
  // Follow the conversation while the person watches its end; keep their place when they scrolled up.
  const previous = container.querySelector('.rows');
  const atEnd = !previous || previous.scrollTop + previous.clientHeight >= previous.scrollHeight - 8;
  const scrollTop = previous?.scrollTop ?? 0;
  const header = h(
    'div',
    { class: 'lanes', 'aria-hidden': 'true' },
    ...LANES.map((lane) => h('div', { class: `lane-name ${lane}` }, NAMES[lane])),
  );
  const rows = arrows.map((arrow) => {
    const from = LANES.indexOf(arrow.from);
    const to = LANES.indexOf(arrow.to);
    const left = Math.min(from, to);
    const right = Math.max(from, to);
    const direction = to > from ? 'right' : 'left';
    return h(
      'button',
      {
        type: 'button',
        class: `arrow ${arrow.tone} ${direction} span-${left}-${right}`,
        title: `${NAMES[arrow.from]} → ${NAMES[arrow.to]}: ${arrow.label}`,
        'aria-label': `${NAMES[arrow.from]} to ${NAMES[arrow.to]}: ${arrow.label}. Show the step.`,
        onclick: () => openPanel(panelId(arrow.step)),
      },
      h('span', { class: 'label' }, arrow.label),
    );
  });
  replace(
    container,
    header,
    h(
      'div',
      { class: 'rows' },
      ...(rows.length > 0
        ? rows
        : [h('p', { class: 'empty' }, 'Messages appear here as the client sends them.')]),
    ),
  );
  const next = container.querySelector('.rows');
  if (next) next.scrollTop = atEnd ? next.scrollHeight : scrollTop;
}

function openPanel(id: string): void {
  const item = document.getElementById(id);
  const details = item?.querySelector('details');
  if (!item || !details) return;
  details.open = true;
  item.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  details.querySelector('summary')?.focus();
}
