/** `stateLimits`: validation, the CLI flags and help, and the age-ordered store the in-memory provider is built on. */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryProvider, SettingsError, validateSettings } from '../../../mock-server/index.js';
import { AgeOrderedMap } from '../../../mock-server/provider/age-ordered-map.js';
import { expiredFor } from '../../../mock-server/provider/expiry.js';
import { CLI_HELP } from '../../../mock-server/runtimes/cli-help.js';
import { CliUsageError, parseCliArgs } from '../../../mock-server/runtimes/cli-options.js';
import { mergeSettingsLayers, parseConfigFile } from '../../../mock-server/runtimes/cli-settings.js';

const ISSUER = 'http://localhost:8000';

describe('stateLimits settings', () => {
  it('fills in each missing cap with its default and keeps the given ones', () => {
    expect(validateSettings({ issuerUrl: ISSUER, stateLimits: { maxTokens: 7 } }).stateLimits).toStrictEqual({
      maxClients: 10_000,
      maxTokens: 7,
      maxPendingAuthorizations: 10_000,
    });
  });

  it.each([
    [{ maxClients: 0 }, 'stateLimits.maxClients: must be a whole number ≥ 1, got 0'],
    [{ maxTokens: 1.5 }, 'stateLimits.maxTokens: must be a whole number ≥ 1, got 1.5'],
    [
      { maxPendingAuthorizations: '10' },
      'stateLimits.maxPendingAuthorizations: must be a whole number ≥ 1, got "10"',
    ],
    [
      { maxSessions: 3 },
      'stateLimits.maxSessions: unknown limit (known: maxClients, maxTokens, maxPendingAuthorizations)',
    ],
    [[], 'stateLimits: must be an object'],
  ])('refuses %j', (stateLimits, message) => {
    const run = () => validateSettings({ issuerUrl: ISSUER, stateLimits: stateLimits as never });
    expect(run).toThrow(SettingsError);
    expect(run).toThrow(message);
  });

  it('the provider built directly checks its limits too', () => {
    expect(() => new InMemoryProvider({ stateLimits: { maxClients: -1 } })).toThrow(SettingsError);
    expect(new InMemoryProvider({ stateLimits: { maxClients: 2 } }).stats().registeredClients).toBe(0);
  });
});

describe('stateLimits on the command line', () => {
  it('maps --max-clients, --max-tokens and --max-pending-authorizations', () => {
    const { settings } = parseCliArgs([
      '--max-clients',
      '12',
      '--max-tokens',
      '34',
      '--max-pending-authorizations',
      '56',
    ]);
    expect(settings.stateLimits).toStrictEqual({
      maxClients: 12,
      maxTokens: 34,
      maxPendingAuthorizations: 56,
    });
    expect(parseCliArgs([]).settings.stateLimits).toBeUndefined();
  });

  it.each(['0', '-3', 'many', '1e3', ''])('refuses --max-tokens %j', (value) => {
    expect(() => parseCliArgs(['--max-tokens', value])).toThrow(CliUsageError);
  });

  it('merges the config file and the flags cap by cap', () => {
    const file = parseConfigFile('{"stateLimits":{"maxClients":5,"maxTokens":6}}', 'settings.json');
    const merged = mergeSettingsLayers(file, parseCliArgs(['--max-tokens', '9']).settings);
    expect(merged.stateLimits).toStrictEqual({ maxClients: 5, maxTokens: 9 });
    expect(() => parseConfigFile('{"stateLimits":3}', 'settings.json')).toThrow(CliUsageError);
  });

  it('documents every flag with its default in --help', () => {
    expect(CLI_HELP).toMatch(/--max-clients <n>\s+registered clients kept \(default 10000;/);
    expect(CLI_HELP).toMatch(
      /--max-tokens <n>\s+access tokens kept, and refresh tokens kept \(default 100000\)/,
    );
    expect(CLI_HELP).toMatch(/--max-pending-authorizations <n>\s+unredeemed codes kept.*\(default 10000\)/);
  });
});

describe('AgeOrderedMap', () => {
  it('deletes from the oldest end while due, skipping deleted and moved entries, and stops at the first not due', () => {
    const map = new AgeOrderedMap<string, number>();
    for (const [key, expiry] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 9],
      ['e', 4],
    ] as const)
      map.set(key, expiry);
    map.delete('b');
    map.touch('c'); // now the newest: after `e`
    const deleted: string[] = [];
    expect(
      map.deleteOldestWhile(
        (expiry) => expiry < 5,
        (key) => deleted.push(key),
      ),
    ).toBe(1);
    // `e` is due but sits behind `d`, which is not: it waits (the caps bound such stragglers).
    expect(deleted).toStrictEqual(['a']);
    expect(map.size).toBe(3);
    expect(map.deleteOldestBeyond(1)).toBe(2);
    expect([...map.entries()]).toStrictEqual([['c', 3]]);
  });

  it('behaves like a plain insertion-ordered list under any sequence of operations', () => {
    type Operation =
      | { kind: 'set'; key: number }
      | { kind: 'touch'; key: number }
      | { kind: 'delete'; key: number }
      | { kind: 'deleteOldestBeyond'; max: number };
    const key = fc.integer({ min: 0, max: 40 });
    const operation: fc.Arbitrary<Operation> = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key }),
      fc.record({ kind: fc.constant('touch' as const), key }),
      fc.record({ kind: fc.constant('delete' as const), key }),
      fc.record({ kind: fc.constant('deleteOldestBeyond' as const), max: fc.integer({ min: 0, max: 30 }) }),
    );
    // Long runs, so the side queue fills with stale items and is rebuilt many times along the way.
    const runs = fc.array(operation, { minLength: 150, maxLength: 400 });
    fc.assert(
      fc.property(runs, (operations) => isDeepStrictEqual(observe(operations), model(operations))),
      { seed: 20_260_710, numRuns: 200 },
    );

    /** What the map answers to each operation, then every entry drained oldest first. */
    function observe(operations: readonly Operation[]): unknown[] {
      const map = new AgeOrderedMap<number, number>();
      const trace: unknown[] = operations.map((op, step) => {
        if (op.kind === 'set') return map.set(op.key, step);
        if (op.kind === 'touch') return map.touch(op.key);
        if (op.kind === 'delete') return map.delete(op.key);
        const evicted: number[] = [];
        map.deleteOldestBeyond(op.max, (key) => evicted.push(key));
        return [evicted, map.size];
      });
      const drained: Array<[number, number]> = [];
      map.deleteOldestWhile(
        () => true,
        (key, value) => drained.push([key, value]),
      );
      return [...trace, drained];
    }

    /** The same answers from a plain list of [key, value], oldest first. */
    function model(operations: readonly Operation[]): unknown[] {
      let list: Array<[number, number]> = [];
      const without = (key: number) => list.filter(([k]) => k !== key);
      const trace: unknown[] = operations.map((op, step) => {
        if (op.kind === 'deleteOldestBeyond') {
          const evicted = list.slice(0, Math.max(0, list.length - op.max));
          list = list.slice(evicted.length);
          return [evicted.map(([k]) => k), list.length];
        }
        const found = list.find(([k]) => k === op.key);
        if (op.kind === 'set') {
          list = [...without(op.key), [op.key, step]];
          return undefined;
        }
        if (op.kind === 'touch') {
          if (found !== undefined) list = [...without(op.key), found];
          return found?.[1];
        }
        list = without(op.key);
        return found !== undefined;
      });
      return [...trace, list];
    }
  });
});

describe('expiredFor', () => {
  it('counts the retention after the expiry, and never for what never expires', () => {
    expect(expiredFor(100, 100, 0)).toBe(false);
    expect(expiredFor(100, 100.5, 0)).toBe(true);
    expect(expiredFor(100, 150, 60)).toBe(false);
    expect(expiredFor(100, 161, 60)).toBe(true);
    expect(expiredFor(undefined, Number.MAX_SAFE_INTEGER, 0)).toBe(false);
  });
});
