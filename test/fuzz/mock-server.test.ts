/**
 * The mock under fuzzing, in process, in both spec modes, with auto-approval and with the consent page: every
 * endpoint gets wrong methods and content types, broken JSON and forms, huge, empty and deeply nested bodies,
 * repeated parameters, unicode and control characters, injection attempts and odd headers. Every answer must be a
 * documented status with an RFC-shaped body (see support/mock-oracle.ts), never a 5xx, never a rejection, never an
 * internal error; after every run a complete flow (registration → authorization → code exchange → MCP `whoami`)
 * still succeeds. Each run is 1–8 requests; titles give the run counts (FUZZ_RUNS changes them, FUZZ_SEED the seed).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeRequest,
  CONSENT_PLACEHOLDERS,
  consentRequest,
  mcpRequest,
  registerRequest,
  tokenOrRevokeRequest,
} from './support/endpoint-requests.js';
import { consentFormFields, pkcePair } from './support/full-flow.js';
import { fuzzRequest, headerSafe, substitute, type FuzzRequest } from './support/fuzz-requests.js';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from './support/fuzz-settings.js';
import {
  CALLBACK,
  createMockUnderTest,
  describeFuzzRequest,
  FUZZ_CONFIGURATIONS,
  ORIGIN,
  type MockUnderTest,
} from './support/mock-under-test.js';

const RUNS = {
  anything: fuzzRuns(60),
  authorize: fuzzRuns(40),
  tokenAndRevoke: fuzzRuns(40),
  register: fuzzRuns(30),
  consent: fuzzRuns(30),
  mcp: fuzzRuns(40),
};

let requestsFuzzed = 0;
afterAll(() => {
  console.log(`[fuzz] mock endpoints: ${requestsFuzzed} requests fuzzed`);
});

/** Sends one request after the other; throws with every problem of the first bad answer. */
async function sendAll(
  target: MockUnderTest,
  requests: readonly FuzzRequest[],
  values: Readonly<Record<string, string>>,
): Promise<number[]> {
  const statuses: number[] = [];
  for (const request of requests) {
    const { status, problems } = await target.send(request, values);
    if (problems.length > 0) {
      throw new Error(`${problems.join('; ')}\n  request: ${describeFuzzRequest(request)}`);
    }
    statuses.push(status ?? 0);
  }
  return statuses;
}

/**
 * Runs `runs` times: fresh credentials, the requests of one run, then the checks every run ends with (no failure
 * inside the mock, and a complete flow still works).
 */
async function fuzz(
  target: MockUnderTest,
  runs: number,
  requests: fc.Arbitrary<FuzzRequest>,
  send: (batch: readonly FuzzRequest[], values: Record<string, string>) => Promise<unknown> = (
    batch,
    values,
  ) => sendAll(target, batch, values),
): Promise<void> {
  const before = target.requestsSent();
  await fc.assert(
    fc.asyncProperty(fc.array(requests, { minLength: 1, maxLength: 8 }), async (batch) => {
      await send(batch, await target.liveValues(JSON.stringify(batch)));
      expect(target.internalErrors).toStrictEqual([]);
      await target.expectFlowStillWorks();
    }),
    fuzzParameters(runs),
  );
  requestsFuzzed += target.requestsSent() - before;
}

describe('fetching from the mock refuses what no HTTP request can carry', () => {
  it('CR, LF and NUL in a header value never reach it: the Request constructor refuses them', () => {
    for (const value of ['a\r\nSet-Cookie: x=1', 'a\nb', 'a\rb', 'a\u0000b']) {
      expect(() => new Request(ORIGIN, { headers: { authorization: value } })).toThrow(TypeError);
      expect(['\r', '\n', '\u0000'].some((char) => headerSafe(value).includes(char))).toBe(false);
    }
  });
});

describe.each(FUZZ_CONFIGURATIONS)(
  'the mock under fuzzing (spec: $spec, approval: $approval)',
  (configuration) => {
    let target: MockUnderTest;
    beforeAll(async () => {
      target = await createMockUnderTest(configuration);
    });

    it(
      `answers any method, path, content type, headers and body with a documented status and shape (${RUNS.anything} runs)`,
      async () => {
        await fuzz(target, RUNS.anything, fuzzRequest(target.known));
      },
      fuzzTimeout(RUNS.anything, 100),
    );

    it(
      `/authorize: hostile client_id, redirect_uri, state, scope and resource, repeated parameters, by GET, HEAD and POST (${RUNS.authorize} runs)`,
      async () => {
        await fuzz(
          target,
          RUNS.authorize,
          authorizeRequest(target.known, fc.constantFrom(...target.known.clientIds)),
        );
      },
      fuzzTimeout(RUNS.authorize, 100),
    );

    it(
      `/token and /revoke: hostile forms for both grants, broken and duplicated client authentication (${RUNS.tokenAndRevoke} runs)`,
      async () => {
        await fuzz(target, RUNS.tokenAndRevoke, tokenOrRevokeRequest(target.known));
      },
      fuzzTimeout(RUNS.tokenAndRevoke, 100),
    );

    it(
      `/register: hostile client metadata (wrong types, nesting, injections in client_name and redirect_uris) (${RUNS.register} runs)`,
      async () => {
        await fuzz(target, RUNS.register, registerRequest(target.known));
      },
      fuzzTimeout(RUNS.register, 100),
    );

    it(
      `/mcp: live and hostile bearer tokens and session ids, any Accept, valid and broken JSON-RPC (${RUNS.mcp} runs)`,
      async () => {
        await fuzz(target, RUNS.mcp, mcpRequest(target.known));
      },
      fuzzTimeout(RUNS.mcp, 100),
    );

    if (configuration.approval === 'consent') {
      it(
        `/consent: foreign and forged request ids and anti-forgery values never approve; only a request's own form does (${RUNS.consent} runs)`,
        async () => {
          await fuzz(target, RUNS.consent, consentRequest(target.known), async (batch, live) => {
            const values = { ...live, ...(await twoPendingConsents(target)) };
            for (const fuzzed of batch) {
              const [status] = await sendAll(target, [fuzzed], values);
              if (status === 302 && fuzzed.method === 'POST')
                expectOwnForm(substitute(fuzzed, values), values);
            }
          });
        },
        fuzzTimeout(RUNS.consent, 100),
      );
    }
  },
);

/** Starts two authorizations that wait on the consent page; returns their request ids and anti-forgery values. */
async function twoPendingConsents(target: MockUnderTest): Promise<Record<string, string>> {
  const pending = async (): Promise<Record<string, string>> => {
    const { challenge } = await pkcePair();
    const url = new URL('/authorize', ORIGIN);
    url.search = new URLSearchParams({
      client_id: 'public-client',
      response_type: 'code',
      code_challenge: challenge,
      redirect_uri: CALLBACK,
    }).toString();
    const consentUrl = (await target.mock.fetch(new Request(url))).headers.get('location') ?? '';
    return consentFormFields(await (await target.mock.fetch(new Request(consentUrl))).text());
  };
  const [a, b] = [await pending(), await pending()];
  const { requestA, tokenA, requestB, tokenB } = CONSENT_PLACEHOLDERS;
  return {
    [requestA]: a['request_id'] ?? '',
    [tokenA]: a['anti_forgery_token'] ?? '',
    [requestB]: b['request_id'] ?? '',
    [tokenB]: b['anti_forgery_token'] ?? '',
  };
}

/** A consent POST that redirected (approved or denied) presented one pending request's id with its own value. */
function expectOwnForm(request: FuzzRequest, values: Record<string, string>): void {
  const { requestA, tokenA, requestB, tokenB } = CONSENT_PLACEHOLDERS;
  const fields = new Map(
    request.body.kind === 'form' || request.body.kind === 'multipart' ? request.body.pairs : [],
  );
  const pair = [fields.get('request_id'), fields.get('anti_forgery_token')];
  const own = [
    [values[requestA], values[tokenA]],
    [values[requestB], values[tokenB]],
  ].some(([id, token]) => pair[0] === id && pair[1] === token);
  expect(own, `consent redirected for ${describeFuzzRequest(request)}`).toBe(true);
}
