import { describe, expect, it } from 'vitest';
import {
  oneLine,
  scenarioLine,
  stripAnsi,
  summaryLines,
  totalsLines,
  verdictLines,
} from '../../conformance/reporting.js';
import type { ConformanceCheck } from '../../conformance/results.js';

function check(id: string, status: ConformanceCheck['status'], errorMessage?: string): ConformanceCheck {
  return { id, name: id, description: `${id} works`, status, ...(errorMessage ? { errorMessage } : {}) };
}

describe('totalsLines', () => {
  it('has the plain form other tools read, warnings on a line of their own', () => {
    expect(totalsLines({ passed: 412, failed: 3, warnings: 1 })).toEqual([
      'conformance: 412 passed, 3 failed',
      'conformance warnings: 1',
    ]);
    expect(totalsLines({ passed: 4, failed: 0, warnings: 0 }, 'client')).toEqual([
      'client: 4 passed, 0 failed',
    ]);
  });
});

describe('totalsLines with scenarios that are not scored', () => {
  it('appends their failures and warnings to the headline', () => {
    expect(
      totalsLines({ passed: 300, failed: 0, warnings: 0 }, 'conformance', {
        passed: 20,
        failed: 3,
        warnings: 1,
      }),
    ).toEqual(['conformance: 300 passed, 0 failed (not scored: 3 failed, 1 warnings)']);
    expect(
      totalsLines({ passed: 300, failed: 0, warnings: 0 }, 'client', { passed: 5, failed: 0, warnings: 2 }),
    ).toEqual(['client: 300 passed, 0 failed (not scored: 0 failed, 2 warnings)']);
  });

  it('keeps the plain headline when they all passed', () => {
    expect(
      totalsLines({ passed: 300, failed: 0, warnings: 0 }, 'conformance', {
        passed: 20,
        failed: 0,
        warnings: 0,
      }),
    ).toEqual(['conformance: 300 passed, 0 failed']);
  });
});

describe('summaryLines', () => {
  const none = { passed: 0, failed: 0, warnings: 0 };

  it("carries the client part's unscored failures into its line and the overall headline", () => {
    const lines = summaryLines(
      [
        [
          'authorization-server',
          { counts: { passed: 24, failed: 0, warnings: 2 }, unscored: none, ok: true },
        ],
        [
          'client',
          { counts: { passed: 300, failed: 0, warnings: 0 }, unscored: { ...none, failed: 4 }, ok: true },
        ],
      ],
      81_200,
    );
    expect(lines).toEqual([
      'authorization-server: OK',
      'authorization-server: 24 passed, 0 failed',
      'authorization-server warnings: 2',
      'client: OK',
      'client: 300 passed, 0 failed (not scored: 4 failed, 0 warnings)',
      'conformance: 324 passed, 0 failed (not scored: 4 failed, 0 warnings)',
      'conformance warnings: 2',
      'conformance: OK (81.2s)',
    ]);
  });

  it('names the failed parts', () => {
    const lines = summaryLines(
      [
        ['authorization-server', { counts: { ...none, failed: 1 }, unscored: none, ok: false }],
        ['client', { counts: none, unscored: none, ok: true }],
      ],
      1_000,
    );
    expect(lines.at(-1)).toBe('conformance: FAILED: authorization-server (1.0s)');
  });
});

describe('scenarioLine', () => {
  const result = {
    scenario: 'auth/basic-cimd',
    checks: [check('a', 'SUCCESS'), check('b', 'WARNING')],
    durationMs: 1830,
  };

  it('marks a scenario with a warning as failing by default', () => {
    expect(scenarioLine(result)).toBe('✗ auth/basic-cimd: 1 passed, 0 failed, 1 warnings (1.8s)');
  });

  it('marks by the given rule and adds a note', () => {
    const onlyFailures = (c: ConformanceCheck): boolean => c.status === 'FAILURE';
    expect(scenarioLine(result, '[note]', onlyFailures)).toBe(
      '✓ auth/basic-cimd: 1 passed, 0 failed, 1 warnings (1.8s) [note]',
    );
    expect(scenarioLine(result, '', (c) => c.id === 'a')).toMatch(/^✗ /);
  });
});

describe('oneLine', () => {
  it('flattens whitespace and bounds the length', () => {
    expect(oneLine('a\n  b\tc')).toBe('a b c');
    expect(oneLine('x'.repeat(1000))).toHaveLength(300);
  });
});

describe('verdictLines', () => {
  it('lists unexpected problems first, then stale and unknown entries, expected failures and information', () => {
    const lines = verdictLines(
      {
        unexpected: [
          { scenario: 'auth/iss-wrong-issuer', check: check('iss', 'FAILURE', 'accepted a wrong iss') },
        ],
        stale: [{ scenario: 'initialize', reason: 'fixed upstream' }],
        unknown: [{ scenario: 'sse-retyr', reason: 'typo' }],
        expected: [{ scenario: 'sse-retry', check: check('timing', 'FAILURE'), reason: 'SDK timing' }],
        informational: [{ scenario: 'json-schema-2020-12-preservation', check: check('echo', 'WARNING') }],
      },
      'expected-failures.json',
    );
    expect(lines).toEqual([
      'Unexpected failures and warnings (1):',
      '  - auth/iss-wrong-issuer:iss FAILURE: accepted a wrong iss',
      'Stale expected failures (1): they pass now or are not scored; remove them from expected-failures.json:',
      '  - initialize (fixed upstream)',
      'Expected failures naming scenarios the suite does not have (1), in expected-failures.json:',
      '  - sse-retyr (typo)',
      'Expected failures (1, listed in expected-failures.json):',
      '  - sse-retry:timing FAILURE: timing works [SDK timing]',
      'Not scored, for information (1):',
      '  - json-schema-2020-12-preservation:echo WARNING: echo works',
    ]);
  });

  it('prints nothing for a clean verdict', () => {
    expect(
      verdictLines({ unexpected: [], stale: [], unknown: [], expected: [], informational: [] }, 'f'),
    ).toEqual([]);
  });
});

describe('stripAnsi', () => {
  it('removes the colour codes the suite prints', () => {
    expect(stripAnsi('\u001b[90m2026\u001b[0m [a] \u001b[31mFAILURE\u001b[0m x')).toBe('2026 [a] FAILURE x');
  });
});
