/**
 * Client ID Metadata Document fetches cannot be turned against the mock or its network: private addresses are
 * refused however they are written, redirects are never followed (to a private address or anywhere), and a document
 * that is oversized, endless or slow costs at most its size limit and its time limit — even when the injected fetch
 * ignores the abort signal. A hostile client id used many times at once is fetched once.
 *
 * Already covered elsewhere, not repeated here: the URL rules case by case (test/unit/mock-server/cimd-ssrf.test.ts),
 * names resolving to private addresses in the Node fetch (test/unit/runtimes/cimd-fetch-node.test.ts), and a
 * document that is too large as written, slow headers, 404, HTML, broken JSON
 * (test/integration/mock-server/cimd.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentUrlProblem } from '../../../mock-server/cimd/ssrf.js';
import { createMockAuthServer, type MockAuthServer } from '../../../mock-server/index.js';
import { pkcePair } from '../../fuzz/support/full-flow.js';
import { fuzzParameters, fuzzRuns } from '../../fuzz/support/fuzz-settings.js';

const BASE = 'http://localhost:8000';
const CALLBACK = 'http://localhost:3000/callback';
const CLIENT_URL = 'https://app.example.com/oauth/client.json';
const RUNS = fuzzRuns(200);

/** The URLs an injected fetch was asked for, and how. */
interface FetchLog {
  readonly calls: Array<{ url: string; redirect: RequestRedirect | undefined }>;
}

function mockWith(
  answer: (url: string, init: RequestInit) => Promise<Response>,
  limits: { maxBytes?: number; timeoutMs?: number } = {},
): { mock: MockAuthServer; log: FetchLog } {
  const log: FetchLog = { calls: [] };
  const mock = createMockAuthServer(
    {
      issuerUrl: BASE,
      beyondFastMcp: { clientIdMetadataDocuments: true },
      clientIdMetadataDocumentLimits: { maxBytes: 1024, timeoutMs: 200, ...limits },
    },
    {
      fetchClientIdMetadataDocument: (url, init) => {
        log.calls.push({ url, redirect: init.redirect });
        return answer(url, init);
      },
    },
  );
  return { mock, log };
}

/** /authorize with a client id URL; resolves to the answer's status and body, and how long it took. */
async function authorizeAs(
  mock: MockAuthServer,
  clientId = CLIENT_URL,
): Promise<{ status: number; body: string; ms: number }> {
  const { challenge } = await pkcePair();
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    code_challenge: challenge,
    redirect_uri: CALLBACK,
  });
  const started = performance.now();
  const response = await mock.fetch(
    new Request(`${BASE}/authorize?${query.toString()}`, { redirect: 'manual' }),
  );
  return { status: response.status, body: await response.text(), ms: performance.now() - started };
}

function refusal(body: string): string {
  return (JSON.parse(body) as { error_description: string }).error_description;
}

/**
 * A body stream that produces `chunk` every `everyMs` forever, counting how much was pulled from it. Given a
 * `signal`, it fails when the signal aborts, as the body of a real `fetch` does; without one it ignores aborts.
 */
function endless(
  chunk: Uint8Array,
  everyMs = 0,
  signal?: AbortSignal,
): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener('abort', () => controller.error(signal.reason));
    },
    async pull(controller) {
      if (everyMs > 0) await new Promise((resolve) => setTimeout(resolve, everyMs));
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('Client ID Metadata Document fetches', () => {
  it(`refuse private addresses however the URL writes them (${RUNS} generated addresses)`, () => {
    const octet = fc.integer({ min: 0, max: 255 });
    // IPv4 ranges that must never be fetched: loopback, private, link-local (cloud metadata), CGNAT, this network.
    const privateIpv4 = fc.oneof(
      fc.tuple(fc.constant(127), octet, octet, octet),
      fc.tuple(fc.constant(10), octet, octet, octet),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
      fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
      fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
      fc.tuple(fc.constant(0), octet, octet, octet),
    );
    const hex = (value: number, width = 0): string => value.toString(16).padStart(width, '0');
    const written = privateIpv4.chain(([a, b, c, d]) => {
      const value = ((a * 256 + b) * 256 + c) * 256 + d;
      return fc.constantFrom(
        `${a}.${b}.${c}.${d}`,
        String(value),
        `0x${hex(value)}`,
        `0${a.toString(8)}.${b}.${c}.0${d.toString(8)}`,
        `0x${hex(a)}.${b}.0x${hex(c)}.${d}`,
        `${a}.${b * 65536 + c * 256 + d}`,
        `${a}.${b}.${c * 256 + d}`,
        `[::ffff:${a}.${b}.${c}.${d}]`,
        `[::ffff:${hex(a * 256 + b)}:${hex(c * 256 + d)}]`,
        `[64:ff9b::${a}.${b}.${c}.${d}]`,
        `[2002:${hex(a * 256 + b)}:${hex(c * 256 + d)}::1]`,
        `[::${a}.${b}.${c}.${d}]`,
        `${a}.${b}.${c}.${d}.`,
      );
    });
    fc.assert(
      fc.property(written, fc.constantFrom('/c.json', ':443/c.json', ':8443/a/b.json'), (host, tail) => {
        const url = `https://${host}${tail}`;
        if (!URL.canParse(url)) return; // Not a URL at all: refused anyway, and not an address.
        expect(documentUrlProblem(url), url).toMatch(/private address|must not/);
      }),
      fuzzParameters(RUNS),
    );
  });

  it.each([301, 302, 303, 307, 308])(
    'never follow a %i, wherever it points: the document is refused',
    async (status) => {
      for (const target of [
        'http://169.254.169.254/latest/meta-data/',
        'https://127.0.0.1/c.json',
        'https://cdn.example.com/c.json',
      ]) {
        // A fetch that hands the redirect back as is (as a Node fetch that follows nothing does).
        const { mock, log } = mockWith(
          async () => new Response(null, { status, headers: { location: target } }),
        );
        const answer = await authorizeAs(mock);
        expect(answer.status).toBe(400);
        expect(refusal(answer.body)).toBe(
          `Client ID '${CLIENT_URL}' not found: client metadata document answered ${status}`,
        );
        expect(log.calls).toStrictEqual([{ url: CLIENT_URL, redirect: 'error' }]);
      }
    },
  );

  it('ask the fetch not to follow redirects, so a fetch that honours it fails instead of following', async () => {
    const { mock, log } = mockWith(async (_url, init) => {
      if (init.redirect === 'error') throw new TypeError('fetch failed: unexpected redirect');
      return new Response(JSON.stringify({ client_id: CLIENT_URL, redirect_uris: [CALLBACK] }), {
        headers: JSON_HEADERS,
      });
    });
    const answer = await authorizeAs(mock);
    expect(refusal(answer.body)).toBe(
      `Client ID '${CLIENT_URL}' not found: client metadata document could not be fetched`,
    );
    expect(log.calls).toHaveLength(1);
  });

  it('read no more of an endless document than the size limit', async () => {
    const body = endless(new Uint8Array(256).fill(0x20));
    const { mock } = mockWith(async () => new Response(body.stream, { headers: JSON_HEADERS }), {
      maxBytes: 1024,
    });
    const answer = await authorizeAs(mock);
    expect(refusal(answer.body)).toBe(
      `Client ID '${CLIENT_URL}' not found: client metadata document is larger than 1024 bytes`,
    );
    // At most the limit plus the chunk that crossed it, plus what the stream queued ahead.
    expect(body.pulled()).toBeLessThanOrEqual(1024 + 2 * 256);
  });

  it('read nothing of a document whose Content-Length is over the limit', async () => {
    const body = endless(new Uint8Array(256));
    const { mock } = mockWith(
      async () => new Response(body.stream, { headers: { ...JSON_HEADERS, 'content-length': '1025' } }),
      { maxBytes: 1024 },
    );
    const answer = await authorizeAs(mock);
    expect(refusal(answer.body)).toBe(
      `Client ID '${CLIENT_URL}' not found: client metadata document is larger than 1024 bytes`,
    );
    expect(body.pulled()).toBeLessThanOrEqual(256);
  });

  it('give up on a document that trickles in slower than the time limit', async () => {
    const { mock } = mockWith(
      async (_url, init) =>
        new Response(endless(new TextEncoder().encode(' '), 20, init.signal ?? undefined).stream, {
          headers: JSON_HEADERS,
        }),
      { timeoutMs: 150, maxBytes: 100_000 },
    );
    const answer = await authorizeAs(mock);
    expect(answer.status).toBe(400);
    expect(refusal(answer.body)).toBe(
      `Client ID '${CLIENT_URL}' not found: client metadata document took too long to read`,
    );
    expect(answer.ms).toBeLessThan(2000);
  });

  it('keep to the time limit even when the fetch ignores the abort signal (headers or body)', async () => {
    const never = mockWith(() => new Promise<Response>(() => undefined), { timeoutMs: 150 });
    const silent = await authorizeAs(never.mock);
    expect(refusal(silent.body)).toBe(
      `Client ID '${CLIENT_URL}' not found: client metadata document no answer within 150 ms`,
    );
    expect(silent.ms).toBeLessThan(2000);

    const trickle = endless(new TextEncoder().encode(' '), 20);
    const deaf = mockWith(async () => new Response(trickle.stream, { headers: JSON_HEADERS }), {
      timeoutMs: 150,
      maxBytes: 100_000,
    });
    const slow = await authorizeAs(deaf.mock);
    expect(refusal(slow.body)).toBe(
      `Client ID '${CLIENT_URL}' not found: client metadata document took too long to read`,
    );
    expect(slow.ms).toBeLessThan(2000);
  });

  it('fetch a hostile client id once, however many requests name it at once or later (no amplification)', async () => {
    const { mock, log } = mockWith(
      () =>
        new Promise<Response>((resolve) =>
          setTimeout(() => resolve(new Response('nope', { status: 500 })), 30),
        ),
    );
    const answers = await Promise.all(Array.from({ length: 50 }, () => authorizeAs(mock)));
    expect(new Set(answers.map((answer) => answer.status))).toStrictEqual(new Set([400]));
    for (let again = 0; again < 10; again++) await authorizeAs(mock);
    expect(log.calls).toHaveLength(1);
  });
});
