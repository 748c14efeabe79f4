/**
 * The token timeline: the current access token's remaining lifetime, counting down, and the marks of its life
 * (issued, refreshed, expired by the server, revoked).
 */
import type { TokenMark } from '../walkthrough.js';
import { h, replace } from './dom.js';

export function renderTimeline(container: HTMLElement, marks: readonly TokenMark[], now: number): void {
  const current = [...marks].reverse().find((mark) => mark.expiresAt !== undefined);
  const revoked = marks.at(-1)?.kind === 'revoked';
  let meter: HTMLElement;
  if (!current?.expiresAt || revoked) {
    meter = h('p', { class: 'countdown' }, revoked ? 'No token: signed out.' : 'No access token yet.');
  } else {
    const lifetime = current.expiresAt - current.at;
    const left = Math.max(0, current.expiresAt - now);
    const fraction = lifetime > 0 ? left / lifetime : 0;
    meter = h(
      'div',
      { class: 'meter' },
      h(
        'div',
        {
          class: 'bar',
          role: 'meter',
          'aria-valuemin': '0',
          'aria-valuemax': String(Math.round(lifetime / 1000)),
          'aria-valuenow': String(Math.round(left / 1000)),
          'aria-label': 'Access token lifetime left, in seconds',
        },
        h('div', { class: 'fill', style: `inline-size: ${(fraction * 100).toFixed(1)}%` }),
      ),
      h(
        'p',
        { class: 'countdown' },
        left > 0
          ? `Access token expires in ${formatSeconds(left)}`
          : 'Access token expired (client-side clock).',
      ),
    );
  }
  replace(
    container,
    meter,
    h(
      'ol',
      { class: 'marks' },
      ...marks.map((mark) =>
        h(
          'li',
          {},
          h('time', { datetime: new Date(mark.at).toISOString() }, clock(mark.at)),
          ' ',
          mark.label,
        ),
      ),
    ),
  );
}

function formatSeconds(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds >= 120 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour12: false });
}
