import { describe, expect, it } from 'vitest';
import { judge, verdictFails } from '../../conformance/expected-failures.js';
import {
  clientRunFailures,
  clientScenarioChecks,
  collapseChecks,
  countChecks,
  parseChecksJson,
  ResultFormatError,
  scenarioOfResultDir,
  unexercisedFailures,
} from '../../conformance/results.js';
import type { ConformanceCheck } from '../../conformance/results.js';

function check(id: string, status: ConformanceCheck['status'], errorMessage?: string): ConformanceCheck {
  return {
    id,
    name: id,
    description: `${id} description`,
    status,
    ...(errorMessage ? { errorMessage } : {}),
  };
}

describe('parseChecksJson', () => {
  it('keeps id, name, description, status and errorMessage of every check', () => {
    const text = JSON.stringify([
      {
        id: 'prm-pathbased-requested',
        name: 'PRMPathBasedRequested',
        description: 'Client requested PRM metadata',
        status: 'SUCCESS',
        timestamp: '2026-11-26T11:00:00.000Z',
        specReferences: [{ id: 'RFC-9728' }],
        details: { url: '/.well-known/oauth-protected-resource/mcp' },
      },
      {
        id: 'token-request',
        name: 'TokenRequest',
        description: 'x',
        status: 'FAILURE',
        errorMessage: 'no resource',
      },
    ]);
    expect(parseChecksJson(text)).toEqual([
      {
        id: 'prm-pathbased-requested',
        name: 'PRMPathBasedRequested',
        description: 'Client requested PRM metadata',
        status: 'SUCCESS',
      },
      {
        id: 'token-request',
        name: 'TokenRequest',
        description: 'x',
        status: 'FAILURE',
        errorMessage: 'no resource',
      },
    ]);
  });

  it('accepts an empty array (a scenario that recorded nothing)', () => {
    expect(parseChecksJson('[]')).toEqual([]);
  });

  it.each([
    ['not JSON', '{oops', /not JSON/],
    ['an object', '{"checks": []}', /array of checks/],
    ['an entry without id', '[{"status": "SUCCESS"}]', /entry 0/],
    ['an unknown status', '[{"id": "a", "status": "PASSED"}]', /entry 0/],
  ])('rejects %s with a ResultFormatError', (_label, text, message) => {
    expect(() => parseChecksJson(text)).toThrow(ResultFormatError);
    expect(() => parseChecksJson(text)).toThrow(message);
  });
});

describe('countChecks', () => {
  it('counts every occurrence of SUCCESS, FAILURE and WARNING, and ignores INFO and SKIPPED', () => {
    const checks = [
      check('a', 'SUCCESS'),
      check('a', 'SUCCESS'),
      check('b', 'FAILURE'),
      check('c', 'WARNING'),
      check('d', 'INFO'),
      check('e', 'SKIPPED'),
    ];
    expect(countChecks(checks)).toEqual({ passed: 2, failed: 1, warnings: 1 });
  });
});

describe('collapseChecks', () => {
  it('keeps the most severe occurrence of a repeated id, so a later success cannot hide a failure', () => {
    const collapsed = collapseChecks([
      check('token-request', 'FAILURE', 'first try'),
      check('token-request', 'SUCCESS'),
      check('pkce', 'SUCCESS'),
    ]);
    expect(collapsed).toEqual([check('token-request', 'FAILURE', 'first try'), check('pkce', 'SUCCESS')]);
  });

  it('prefers a warning over a success and drops INFO log entries', () => {
    expect(collapseChecks([check('x', 'SUCCESS'), check('x', 'WARNING'), check('log', 'INFO')])).toEqual([
      check('x', 'WARNING'),
    ]);
  });
});

describe('clientRunFailures', () => {
  const clean = { exitCode: 0, harnessTimedOut: false, stderr: 'Checks:\n...\n✅ OVERALL: PASSED' };

  it('adds nothing to a clean run', () => {
    expect(clientRunFailures(clean, [check('a', 'SUCCESS')])).toEqual([]);
  });

  it('reports a client timeout the suite printed', () => {
    const failures = clientRunFailures(
      { exitCode: 1, harnessTimedOut: false, stderr: '\n⚠️  CLIENT TIMED OUT - Test incomplete\n' },
      [check('a', 'SUCCESS')],
    );
    expect(failures.map((f) => f.id)).toEqual(['runner:client-timeout']);
  });

  it('reports a client that exited with an error, with its exit code', () => {
    const failures = clientRunFailures(
      {
        exitCode: 1,
        harnessTimedOut: false,
        stderr: '⚠️  CLIENT EXITED WITH ERROR (code 3) - Test may be incomplete',
      },
      [check('a', 'FAILURE')],
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]?.id).toBe('runner:client-exit');
    expect(failures[0]?.errorMessage).toContain('code 3');
  });

  it('reports a non-zero exit that no check and no client line explains', () => {
    const failures = clientRunFailures(
      { exitCode: 1, harnessTimedOut: false, stderr: 'Client test error: boom' },
      [check('a', 'SUCCESS')],
    );
    expect(failures.map((f) => f.id)).toEqual(['runner:suite-exit']);
  });

  it('does not add an exit failure when failing checks explain the exit code', () => {
    expect(
      clientRunFailures({ exitCode: 1, harnessTimedOut: false, stderr: '' }, [check('a', 'FAILURE')]),
    ).toEqual([]);
  });

  it('reports only the harness timeout when the harness killed the suite', () => {
    const failures = clientRunFailures(
      { exitCode: null, harnessTimedOut: true, stderr: 'CLIENT TIMED OUT' },
      [check('a', 'SUCCESS')],
    );
    expect(failures.map((f) => f.id)).toEqual(['runner:suite-timeout']);
  });
});

describe('unexercisedFailures', () => {
  it('adds nothing to a scenario with verdicts and nothing skipped', () => {
    expect(unexercisedFailures([check('a', 'SUCCESS'), check('log', 'INFO')])).toEqual([]);
    expect(unexercisedFailures([check('a', 'FAILURE')])).toEqual([]);
  });

  it('fails a scenario with no check, or with INFO log lines only', () => {
    for (const checks of [[], [check('incoming-request', 'INFO')]]) {
      expect(unexercisedFailures(checks).map((f) => [f.id, f.status])).toEqual([
        ['runner:no-checks', 'FAILURE'],
      ]);
    }
  });

  it('fails a scenario with SKIPPED checks, even next to successes, naming each with its reason', () => {
    const failures = unexercisedFailures([
      check('a', 'SUCCESS'),
      check('b', 'SKIPPED', 'requires --client-id'),
      check('c', 'SKIPPED'),
    ]);
    expect(failures.map((f) => [f.id, f.status, f.errorMessage])).toEqual([
      ['runner:skipped', 'FAILURE', 'skipped: b (requires --client-id); c'],
    ]);
  });

  it('leaves out only the skipped checks the caller calls inapplicable', () => {
    const inapplicable = (c: ConformanceCheck) => c.id === 'b';
    expect(unexercisedFailures([check('a', 'SUCCESS'), check('b', 'SKIPPED')], inapplicable)).toEqual([]);
    const failures = unexercisedFailures([check('b', 'SKIPPED'), check('c', 'SKIPPED')], inapplicable);
    expect(failures.map((f) => f.errorMessage)).toEqual(['skipped: c']);
  });
});

describe('clientScenarioChecks', () => {
  const clean = { exitCode: 0, harnessTimedOut: false, stderr: '' };
  const knownScenarios = new Set(['initialize', 'auth/metadata-default']);
  const failsRun = (scenario: string, checks: readonly ConformanceCheck[]): boolean =>
    verdictFails(judge([{ scenario, checks, durationMs: 1 }], [], { knownScenarios }));

  it('passes a clean scenario through unchanged', () => {
    expect(clientScenarioChecks([check('a', 'SUCCESS')], clean)).toEqual([check('a', 'SUCCESS')]);
    expect(failsRun('initialize', clientScenarioChecks([check('a', 'SUCCESS')], clean))).toBe(false);
  });

  it('fails the run for a scored scenario that exited 0 with an empty checks.json', () => {
    const checks = clientScenarioChecks([], clean);
    expect(checks.map((c) => c.id)).toEqual(['runner:no-checks']);
    expect(failsRun('initialize', checks)).toBe(true);
  });

  it('fails the run for a SKIPPED check in a scenario that otherwise passed', () => {
    const checks = clientScenarioChecks([check('a', 'SUCCESS'), check('b', 'SKIPPED')], clean);
    expect(checks.map((c) => c.id)).toEqual(['a', 'b', 'runner:skipped']);
    expect(failsRun('auth/metadata-default', checks)).toBe(true);
  });

  it('reports a missing checks.json and what the suite printed', () => {
    const checks = clientScenarioChecks(undefined, { ...clean, exitCode: 1, stderr: 'CLIENT TIMED OUT' });
    expect(checks.map((c) => c.id)).toEqual(['runner:no-results', 'runner:client-timeout']);
  });
});

describe('scenarioOfResultDir', () => {
  it('reads client scenario names, which contain a slash', () => {
    expect(scenarioOfResultDir('auth/metadata-default-2026-11-26T11-07-04-971Z')).toBe(
      'auth/metadata-default',
    );
    expect(scenarioOfResultDir('initialize-2026-11-26T11-07-04-971Z')).toBe('initialize');
  });

  it('strips the authorization-server prefix', () => {
    expect(
      scenarioOfResultDir(
        'authorization-server-authorization-code-grant-2026-11-26T11-08-19-781Z',
        'authorization-server',
      ),
    ).toBe('authorization-code-grant');
  });

  it('refuses names without the timestamp or without the expected prefix', () => {
    expect(scenarioOfResultDir('initialize')).toBeUndefined();
    expect(
      scenarioOfResultDir('other-authorization-code-grant-2026-11-26T11-08-19-781Z', 'authorization-server'),
    ).toBeUndefined();
    expect(
      scenarioOfResultDir('authorization-server--2026-11-26T11-08-19-781Z', 'authorization-server'),
    ).toBeUndefined();
  });
});
