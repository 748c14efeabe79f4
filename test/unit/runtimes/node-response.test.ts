import { describe, expect, it } from 'vitest';
import { toNodeHeaders } from '../../../mock-server/runtimes/node-response.js';

describe('toNodeHeaders', () => {
  it('keeps each Set-Cookie separate and joins other repeated fields', () => {
    const headers = new Headers();
    headers.append('Set-Cookie', 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
    headers.append('Set-Cookie', 'b=2');
    headers.append('Vary', 'Origin');
    headers.append('Vary', 'Accept');
    headers.set('Content-Type', 'application/json');
    expect(toNodeHeaders(headers)).toEqual({
      'set-cookie': ['a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'b=2'],
      vary: 'Origin, Accept',
      'content-type': 'application/json',
    });
  });

  it('omits Set-Cookie when there is none', () => {
    expect(toNodeHeaders(new Headers({ 'cache-control': 'no-store' }))).toEqual({
      'cache-control': 'no-store',
    });
  });
});
