/**
 * The token timeline: the current access token's remaining lifetime at the server, counting down, and the marks of
 * its life (issued, refreshed, expired by the server, the mock's clock moved on, revoked). Built once, then updated
 * in place: the meter keeps its place and size, and marks are only appended.
 */
import type { TokenMark } from '../walkthrough.js';
import { h, replace, setAttribute, setText } from './dom.js';

/** What the meter shows at one moment. Pure data, from {@link tokenLife}. */
export interface TokenLife {
  /** Lifetime of the token in force, and what is left of it at the server, in ms (both 0 without a token). */
  readonly lifetimeMs: number;
  readonly leftMs: number;
  readonly text: string;
}

/**
 * The access token's life at `now`, as the server sees it: its expiry moves closer by every jump of the mock's
 * clock after it was issued, and a token the server expired or revoked has none left. Pure.
 */
export function tokenLife(marks: readonly TokenMark[], now: number): TokenLife {
  const issuedAt = marks.findLastIndex((mark) => mark.expiresAt !== undefined);
  const current = marks[issuedAt];
  if (marks.at(-1)?.kind === 'revoked') return { lifetimeMs: 0, leftMs: 0, text: 'No token: signed out.' };
  if (current?.expiresAt === undefined) return { lifetimeMs: 0, leftMs: 0, text: 'No access token yet.' };
  const later = marks.slice(issuedAt + 1);
  const skippedMs = later.reduce((sum, mark) => sum + (mark.advanceMs ?? 0), 0);
  const lifetimeMs = Math.max(0, current.expiresAt - current.at);
  const leftMs = later.some((mark) => mark.kind === 'expired')
    ? 0
    : Math.min(lifetimeMs, Math.max(0, current.expiresAt - now - skippedMs));
  const ahead = skippedMs > 0 ? ` (the mock’s clock is ${formatDuration(skippedMs)} ahead)` : '';
  let text: string;
  if (leftMs > 0) text = `Access token expires in ${formatDuration(leftMs)}${ahead}.`;
  else if (later.some((mark) => mark.kind === 'expired'))
    text = 'Access token expired: the server expired it.';
  else if (skippedMs > 0) text = `Access token expired at the server${ahead}: the next request is refused.`;
  else text = 'Access token expired.';
  return { lifetimeMs, leftMs, text };
}

interface TimelineView {
  readonly bar: HTMLElement;
  readonly fill: HTMLElement;
  readonly countdown: HTMLElement;
  readonly list: HTMLElement;
  marks: readonly TokenMark[];
  drawn: number;
}

const views = new WeakMap<HTMLElement, TimelineView>();

export function renderTimeline(container: HTMLElement, marks: readonly TokenMark[], now: number): void {
  let view = views.get(container);
  if (!view) {
    view = buildTimeline(container);
    views.set(container, view);
  }
  const life = tokenLife(marks, now);
  const fraction = life.lifetimeMs > 0 ? life.leftMs / life.lifetimeMs : 0;
  view.fill.style.inlineSize = `${(fraction * 100).toFixed(1)}%`;
  setAttribute(view.bar, 'aria-valuemax', String(Math.round(life.lifetimeMs / 1000)));
  setAttribute(view.bar, 'aria-valuenow', String(Math.round(life.leftMs / 1000)));
  setAttribute(view.bar, 'class', `bar${life.lifetimeMs > 0 && life.leftMs === 0 ? ' expired' : ''}`);
  setText(view.countdown, life.text);

  if (view.marks !== marks || view.drawn > marks.length) {
    view.list.replaceChildren();
    view.marks = marks;
    view.drawn = 0;
  }
  if (view.drawn === marks.length) return;
  for (const mark of marks.slice(view.drawn)) {
    view.list.append(
      h(
        'li',
        { class: mark.kind },
        h('time', { datetime: new Date(mark.at).toISOString() }, clock(mark.at)),
        ' ',
        mark.label,
      ),
    );
  }
  view.drawn = marks.length;
  view.list.scrollTop = view.list.scrollHeight;
}

function buildTimeline(container: HTMLElement): TimelineView {
  const fill = h('div', { class: 'fill' });
  const bar = h(
    'div',
    {
      class: 'bar',
      role: 'meter',
      'aria-valuemin': '0',
      'aria-valuemax': '0',
      'aria-valuenow': '0',
      'aria-label': 'Access token lifetime left at the server, in seconds',
    },
    fill,
  );
  const countdown = h('p', { class: 'countdown' });
  // Scrolls on its own once it holds more marks than fit, so it must be reachable from the keyboard.
  const list = h('ol', { class: 'marks', tabindex: '0', 'aria-label': 'Token events, oldest first' });
  replace(container, h('div', { class: 'meter' }, bar, countdown), list);
  return { bar, fill, countdown, list, marks: [], drawn: 0 };
}

/** `59 min 58 s`, `1 h`, `42 s`: whole seconds, rounded up (a token with 0.2 s left is not expired yet). */
export function formatDuration(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
  return `${seconds} s`;
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour12: false });
}
