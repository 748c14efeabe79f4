/**
 * The mock's behaviour table once more over real HTTP: every case through the node runtime (`listen()`), and every
 * case that needs no controls through the CLI process, with the case's settings as a `--config` file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createManualClock, createMockAuthServer } from '../../../mock-server/index.js';
import type { MockAuthServer, MockAuthServerSettings } from '../../../mock-server/index.js';
import { listen } from '../../../mock-server/runtimes/node.js';
import { authServerCases } from '../mock-server/cases.js';
import type { AuthServerCase } from '../mock-server/cases.js';
import { startCli, stopAllClis, type RunningCli } from './cli-process.js';

describe('mock auth server over HTTP (node runtime)', () => {
  for (const testCase of authServerCases) {
    it(testCase.name, async () => {
      let mock: MockAuthServer | undefined;
      // The settings need the base URL, which exists only once the port is bound.
      const server = await listen(async (request) => {
        if (mock === undefined) throw new Error('request before the mock was created');
        return mock.fetch(request);
      });
      try {
        mock = createMockAuthServer(
          testCase.settings(server.url),
          testCase.usesControl ? { clock: createManualClock() } : {},
        );
        await testCase.run({ fetch, baseUrl: server.url, control: mock.control, provider: mock.provider });
      } finally {
        await server.close();
      }
    });
  }
});

/** Stands in for the base URL to find the settings that use it only as the issuer, which the CLI derives. */
const PLACEHOLDER_BASE = 'http://127.0.0.1:1';

/** A case's settings as a config file for the CLI, or undefined when they depend on the port in other ways. */
function cliConfig(testCase: AuthServerCase): Omit<MockAuthServerSettings, 'issuerUrl'> | undefined {
  // The CLI's mock lives in another process: no controls.
  if (testCase.usesControl) return undefined;
  const { issuerUrl, ...rest } = testCase.settings(PLACEHOLDER_BASE);
  if (issuerUrl !== PLACEHOLDER_BASE || JSON.stringify(rest).includes(PLACEHOLDER_BASE)) return undefined;
  return rest;
}

/**
 * Every case the CLI can run, grouped by identical settings: one CLI process serves each group (a process start costs
 * far more than a case), so the whole table runs through the CLI in bounded time.
 */
function cliGroups(cases: readonly AuthServerCase[]): Array<{ config: string; cases: AuthServerCase[] }> {
  const groups = new Map<string, AuthServerCase[]>();
  for (const testCase of cases) {
    const config = cliConfig(testCase);
    if (config === undefined) continue;
    const key = JSON.stringify(config);
    groups.set(key, [...(groups.get(key) ?? []), testCase]);
  }
  return [...groups].map(([config, grouped]) => ({ config, cases: grouped }));
}

const groups = cliGroups(authServerCases);

describe('mock auth server through the CLI (every case without controls)', () => {
  let workDir = '';
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mock-cli-cases-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('covers every case that needs no controls, in fewer processes than cases', ({ expect }) => {
    const covered = groups.flatMap((group) => group.cases);
    const withoutControls = authServerCases.filter((testCase) => !testCase.usesControl);
    const portDependent = withoutControls.filter((testCase) => cliConfig(testCase) === undefined);
    expect(covered.length + portDependent.length).toBe(withoutControls.length);
    // Only settings that embed the port elsewhere than the issuer cannot go into a config file.
    expect(portDependent.length).toBeLessThanOrEqual(5);
    expect(groups.length).toBeLessThan(covered.length);
  });

  groups.forEach((group, index) => {
    describe(`settings group ${index + 1} (${group.cases.length} cases)`, () => {
      let cli: RunningCli | undefined;
      beforeAll(async () => {
        const configFile = join(workDir, `group-${index}.json`);
        await writeFile(configFile, group.config);
        cli = await startCli(['--port', '0', '--config', configFile]);
      });
      afterAll(async () => {
        if (cli !== undefined) {
          const exit = await cli.stop('SIGTERM');
          await stopAllClis();
          if (exit.code !== 0) throw new Error(`CLI exited with ${String(exit.code)}:\n${exit.stderr}`);
        }
      });

      for (const testCase of group.cases) {
        it(testCase.name, async () => {
          if (cli === undefined) throw new Error('the CLI did not start');
          await testCase.run({ fetch, baseUrl: cli.url });
        });
      }
    });
  });
});
