import { describe, expect, it } from 'vitest';
import { connectionAbort, followsLightSources } from '../../../mock-server/runtimes/node-connection-abort.js';

describe('connectionAbort', () => {
  it('is followed by this runtime without a real AbortController (else the server pays ~20 µs a request)', () => {
    expect(followsLightSources()).toBe(true);
  });

  it('aborts the request built with it, its clones and requests derived from it, with an AbortError', () => {
    const source = connectionAbort();
    const request = new Request('http://127.0.0.1/mcp', { signal: source.signal });
    const clone = request.clone();
    const derived = new Request(request, { headers: { accept: 'text/event-stream' } });
    const reasons: unknown[] = [];
    request.signal.addEventListener('abort', () => reasons.push(request.signal.reason));
    expect([source.aborted, request.signal.aborted, clone.signal.aborted, derived.signal.aborted]).toEqual([
      false,
      false,
      false,
      false,
    ]);

    source.abort();
    source.abort();

    expect([source.aborted, request.signal.aborted, clone.signal.aborted, derived.signal.aborted]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(DOMException);
    expect((reasons[0] as DOMException).name).toBe('AbortError');
  });

  it('keeps requests apart: aborting one source leaves the others running', () => {
    const first = connectionAbort();
    const second = connectionAbort();
    const one = new Request('http://127.0.0.1/a', { signal: first.signal });
    const other = new Request('http://127.0.0.1/b', { signal: second.signal });
    first.abort();
    expect(one.signal.aborted).toBe(true);
    expect(other.signal.aborted).toBe(false);
  });
});
