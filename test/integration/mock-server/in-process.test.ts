/** Runs the behaviour table against the mock's fetch handler, in process. */
import { describe, it } from 'vitest';
import { createManualClock, createMockAuthServer } from '../../../mock-server/index.js';
import { authServerCases } from './cases.js';

const BASE_URL = 'http://localhost:8000';

describe('mock auth server (in-process)', () => {
  for (const testCase of authServerCases) {
    it(testCase.name, async () => {
      const mock = createMockAuthServer(
        testCase.settings(BASE_URL),
        testCase.usesControl ? { clock: createManualClock() } : {},
      );
      const inProcessFetch = (input: RequestInfo | URL, init?: RequestInit) =>
        mock.fetch(new Request(input, init));
      await testCase.run({
        fetch: inProcessFetch as typeof fetch,
        baseUrl: BASE_URL,
        control: mock.control,
        provider: mock.provider,
      });
    });
  }
});
