import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../conformance/pool.js';

describe('mapWithConcurrency', () => {
  it('never has more than `limit` items in flight and keeps the input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const running = mapWithConcurrency([1, 2, 3, 4, 5], 2, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight -= 1;
      return n * 10;
    });
    // Release the waiting items one by one, out of order, until all five ran.
    for (let released = 0; released < 5; released += 1) {
      while (release.length === 0) await Promise.resolve();
      release.splice(release.length - 1, 1)[0]?.();
    }
    expect(await running).toEqual([10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
  });

  it('handles fewer items than the limit and no items', async () => {
    expect(await mapWithConcurrency(['a'], 4, async (s) => s.toUpperCase())).toEqual(['A']);
    expect(await mapWithConcurrency([], 2, async () => 1)).toEqual([]);
  });

  it('rejects a limit below one', async () => {
    await expect(mapWithConcurrency([1], 0, async (n) => n)).rejects.toThrow(RangeError);
  });
});
