/**
 * Replays the fidelity corpus against the mock and compares every response (status, headers, body) with FastMCP's
 * recorded answer (fixtures/fastmcp.json, written by record/record.ts). A case may differ only when deviations.json
 * lists it with a reason, and a listed case must still differ (a stale entry fails too).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from './corpus.js';
import { readDeviations, readFixture } from './fixture.js';
import { createProfileMock, mockSend } from './mock-send.js';
import { runCase } from './runner.js';

const fixture = readFixture();
const deviations = readDeviations();
const deviationOf = new Map(deviations.flatMap((d) => d.cases.map((name) => [name, d.reason] as const)));
const mock = createProfileMock();
const send = mockSend(mock);
const outcome = { identical: 0, deviating: 0 };

describe('the mock answers the corpus as FastMCP did', () => {
  afterAll(async () => {
    await mock.mcp.sessions.closeAll();
  });

  it('has a recording for every case and lists only cases that exist', () => {
    const names = new Set(CORPUS.map((c) => c.name));
    expect(Object.keys(fixture.cases).sort()).toEqual([...names].sort());
    expect([...deviationOf.keys()].filter((name) => !names.has(name))).toEqual([]);
  });

  for (const fidelityCase of CORPUS) {
    const reason = deviationOf.get(fidelityCase.name);
    it(`${fidelityCase.name}${reason === undefined ? '' : ' (deliberate deviation)'}`, async () => {
      const actual = await runCase(fidelityCase, send);
      const expected = fixture.cases[fidelityCase.name];
      if (reason === undefined) {
        expect(actual).toEqual(expected);
        outcome.identical += 1;
      } else {
        expect(actual, `listed as a deviation (${reason}) but now identical: remove it`).not.toEqual(
          expected,
        );
        outcome.deviating += 1;
      }
    });
  }

  it('accounts for every case, with the figures the README states', () => {
    expect(outcome.identical + outcome.deviating).toBe(CORPUS.length);
    const requests = Object.values(fixture.cases).reduce((total, answers) => total + answers.length, 0);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const count = (n: number): string => n.toLocaleString('en-US');
    expect(readme).toContain(
      `${count(CORPUS.length)} recorded request sequences (${count(requests)} requests)`,
    );
    expect(readme).toContain(
      `Of ${count(CORPUS.length)} cases, ${count(outcome.identical)} are identical and ${count(outcome.deviating)} differ on purpose`,
    );
  });
});
