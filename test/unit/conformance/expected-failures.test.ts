import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ExpectedFailuresError,
  judge,
  parseExpectedFailures,
  verdictFails,
} from '../../conformance/expected-failures.js';
import type { ExpectedFailure } from '../../conformance/expected-failures.js';
import type { ConformanceCheck, ScenarioResult } from '../../conformance/results.js';

function check(id: string, status: ConformanceCheck['status']): ConformanceCheck {
  return { id, name: id, description: id, status };
}

function result(scenario: string, ...checks: ConformanceCheck[]): ScenarioResult {
  return { scenario, checks, durationMs: 1 };
}

const known = new Set([
  'initialize',
  'tools_call',
  'sse-retry',
  'json-schema-2020-12-preservation',
  'auth/metadata-default',
]);

describe('parseExpectedFailures', () => {
  it('reads whole-scenario and per-check entries', () => {
    expect(
      parseExpectedFailures({
        entries: [
          { scenario: 'sse-retry', reason: 'the SDK reconnects too early' },
          { scenario: 'tools_call', check: 'tool-add-numbers', reason: 'SDK bug' },
        ],
      }),
    ).toEqual([
      { scenario: 'sse-retry', reason: 'the SDK reconnects too early' },
      { scenario: 'tools_call', check: 'tool-add-numbers', reason: 'SDK bug' },
    ]);
  });

  it('accepts the committed file', () => {
    const text = readFileSync(new URL('../../conformance/expected-failures.json', import.meta.url), 'utf8');
    expect(() => parseExpectedFailures(JSON.parse(text))).not.toThrow();
  });

  it.each([
    ['no entries array', [], /"entries" array/],
    ['an entry without scenario', { entries: [{ reason: 'r' }] }, /needs a "scenario"/],
    ['an entry without reason', { entries: [{ scenario: 'initialize' }] }, /needs a "reason"/],
    ['an empty check id', { entries: [{ scenario: 'initialize', check: '', reason: 'r' }] }, /"check"/],
    [
      'an unknown key',
      { entries: [{ scenario: 'initialize', reason: 'r', note: 'x' }] },
      /unknown keys: note/,
    ],
    ['an auth scenario', { entries: [{ scenario: 'auth/metadata-default', reason: 'r' }] }, /auth scenario/],
    [
      'a duplicate',
      {
        entries: [
          { scenario: 'initialize', reason: 'a' },
          { scenario: 'initialize', reason: 'b' },
        ],
      },
      /listed twice/,
    ],
    [
      'a check entry under a whole-scenario entry',
      {
        entries: [
          { scenario: 'tools_call', reason: 'a' },
          { scenario: 'tools_call', check: 'tool-add-numbers', reason: 'b' },
        ],
      },
      /redundant/,
    ],
  ])('rejects %s', (_label, json, message) => {
    expect(() => parseExpectedFailures(json)).toThrow(ExpectedFailuresError);
    expect(() => parseExpectedFailures(json)).toThrow(message);
  });
});

describe('judge', () => {
  it('passes a run where everything passes and nothing is listed', () => {
    const verdict = judge([result('initialize', check('a', 'SUCCESS'))], [], { knownScenarios: known });
    expect(verdictFails(verdict)).toBe(false);
  });

  it('fails on an unlisted failure and on an unlisted warning', () => {
    const verdict = judge(
      [result('auth/metadata-default', check('token-request', 'FAILURE'), check('cimd', 'WARNING'))],
      [],
      { knownScenarios: known },
    );
    expect(verdict.unexpected.map((f) => f.check.id)).toEqual(['token-request', 'cimd']);
    expect(verdictFails(verdict)).toBe(true);
  });

  it('excuses every problem of a scenario listed as a whole, carrying the reason', () => {
    const entries: ExpectedFailure[] = [{ scenario: 'sse-retry', reason: 'SDK timing' }];
    const verdict = judge([result('sse-retry', check('a', 'FAILURE'), check('b', 'WARNING'))], entries, {
      knownScenarios: known,
    });
    expect(verdict.expected.map((f) => [f.check.id, f.reason])).toEqual([
      ['a', 'SDK timing'],
      ['b', 'SDK timing'],
    ]);
    expect(verdictFails(verdict)).toBe(false);
  });

  it('excuses only the listed check of a scenario', () => {
    const entries: ExpectedFailure[] = [{ scenario: 'tools_call', check: 'tool-add-numbers', reason: 'r' }];
    const verdict = judge(
      [result('tools_call', check('tool-add-numbers', 'FAILURE'), check('other', 'FAILURE'))],
      entries,
      { knownScenarios: known },
    );
    expect(verdict.expected.map((f) => f.check.id)).toEqual(['tool-add-numbers']);
    expect(verdict.unexpected.map((f) => f.check.id)).toEqual(['other']);
  });

  it('reports a listed scenario that now passes as stale', () => {
    const entries: ExpectedFailure[] = [{ scenario: 'initialize', reason: 'r' }];
    const verdict = judge([result('initialize', check('a', 'SUCCESS'))], entries, { knownScenarios: known });
    expect(verdict.stale).toEqual(entries);
    expect(verdictFails(verdict)).toBe(true);
  });

  it('reports a listed check that now passes as stale, even after a repeat that also passed', () => {
    const entries: ExpectedFailure[] = [{ scenario: 'tools_call', check: 'x', reason: 'r' }];
    const verdict = judge([result('tools_call', check('x', 'SUCCESS'), check('x', 'SUCCESS'))], entries, {
      knownScenarios: known,
    });
    expect(verdict.stale).toEqual(entries);
  });

  it('keeps a listed check that failed once among repeats as expected, not stale', () => {
    const entries: ExpectedFailure[] = [{ scenario: 'tools_call', check: 'x', reason: 'r' }];
    const verdict = judge([result('tools_call', check('x', 'FAILURE'), check('x', 'SUCCESS'))], entries, {
      knownScenarios: known,
    });
    expect(verdict.stale).toEqual([]);
    expect(verdict.expected).toHaveLength(1);
  });

  it('leaves a listed check alone when it is absent or skipped', () => {
    const entries: ExpectedFailure[] = [{ scenario: 'tools_call', check: 'later', reason: 'r' }];
    const verdict = judge([result('tools_call', check('later', 'SKIPPED'))], entries, {
      knownScenarios: known,
    });
    expect(verdictFails(verdict)).toBe(false);
  });

  it('does not judge entries for scenarios that were not run, unless the suite does not know them', () => {
    const entries: ExpectedFailure[] = [
      { scenario: 'sse-retry', reason: 'not run this time' },
      { scenario: 'sse-retyr', reason: 'typo' },
    ];
    const verdict = judge([result('initialize', check('a', 'SUCCESS'))], entries, { knownScenarios: known });
    expect(verdict.stale).toEqual([]);
    expect(verdict.unknown).toEqual([{ scenario: 'sse-retyr', reason: 'typo' }]);
    expect(verdictFails(verdict)).toBe(true);
  });

  it('reports problems of informational scenarios without failing the run', () => {
    const verdict = judge([result('json-schema-2020-12-preservation', check('echo', 'FAILURE'))], [], {
      knownScenarios: known,
      informational: new Set(['json-schema-2020-12-preservation']),
    });
    expect(verdict.informational.map((f) => f.check.id)).toEqual(['echo']);
    expect(verdictFails(verdict)).toBe(false);
  });
});
