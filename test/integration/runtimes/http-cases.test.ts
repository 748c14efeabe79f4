/**
 * The mock's behaviour table once more over real HTTP: every case through the node runtime (`listen()`), and a
 * smoke subset through the CLI process with the case's settings as a `--config` file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { createManualClock, createMockAuthServer } from '../../../mock-server/index.js';
import type { MockAuthServer, MockAuthServerSettings } from '../../../mock-server/index.js';
import { listen } from '../../../mock-server/runtimes/node.js';
import { authorizeCases } from '../mock-server/cases-authorize.js';
import { consentCases } from '../mock-server/cases-consent.js';
import { registerRevokeCases } from '../mock-server/cases-register-revoke.js';
import { routingCases } from '../mock-server/cases-routing.js';
import { tokenCases } from '../mock-server/cases-token.js';
import { authServerCases } from '../mock-server/cases.js';
import type { AuthServerCase } from '../mock-server/cases.js';
import { startCli, stopAllClis } from './cli-process.js';

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
        await testCase.run({ fetch, baseUrl: server.url, control: mock.control });
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

/** The first cases of each family that the CLI can run: one process per case, so keep it a smoke test. */
const CASES_PER_FAMILY = 2;
const cliSmokeCases = [routingCases, authorizeCases, tokenCases, registerRevokeCases, consentCases].flatMap(
  (family) => family.filter((testCase) => cliConfig(testCase) !== undefined).slice(0, CASES_PER_FAMILY),
);

describe('mock auth server through the CLI (smoke subset)', () => {
  let workDir = '';
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mock-cli-cases-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });
  afterEach(stopAllClis);

  it('has cases from every family', ({ expect }) => {
    expect(cliSmokeCases.length).toBeGreaterThanOrEqual(5 * CASES_PER_FAMILY - 2);
  });

  cliSmokeCases.forEach((testCase, index) => {
    it(testCase.name, async ({ expect }) => {
      const configFile = join(workDir, `case-${index}.json`);
      await writeFile(configFile, JSON.stringify(cliConfig(testCase)));
      const cli = await startCli(['--port', '0', '--config', configFile]);
      await testCase.run({ fetch, baseUrl: cli.url });
      expect((await cli.stop('SIGTERM')).code).toBe(0);
    });
  });
});
