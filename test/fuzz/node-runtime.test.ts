/**
 * The mock over HTTP (the Node runtime on 127.0.0.1) under raw-socket fuzzing: what no fetch would send — CR and LF
 * inside header values and request targets, obs-fold, NUL, duplicated or conflicting Host, Content-Length and
 * Transfer-Encoding (request smuggling), duplicated Authorization, odd methods. Every answer is a 4xx or a success,
 * never a 5xx; no byte stream is read as two requests unless two were sent; the server stays up, and after every
 * run a complete flow over HTTP succeeds. Titles give the run counts (FUZZ_RUNS changes them, FUZZ_SEED the seed).
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../../mock-server/index.js';
import type { RunningServer } from '../../mock-server/runtimes/node.js';
import { runFullFlow } from './support/full-flow.js';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from './support/fuzz-settings.js';
import { hostileString } from './support/hostile-input.js';
import { serveMock } from './support/serve-mock.js';

const RUNS = fuzzRuns(150);

let requestsFuzzed = 0;
afterAll(() => {
  console.log(`[fuzz] node runtime: ${requestsFuzzed} raw requests fuzzed`);
});

/** Sends raw bytes, then reads until the server closes the connection (or 2 s pass); returns what came back. */
function exchangeRaw(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 2000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset a connection it refused mid-request; what it said before that still counts.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.end(bytes);
  });
}

const CRLF = '\r\n';

/** Header lines a client sends, then the hostile ones: smuggling pairs, injected line breaks, folds, odd Host. */
function headerLines(token: string): fc.Arbitrary<string[]> {
  const valid = fc.constantFrom(
    'Content-Type: application/x-www-form-urlencoded',
    'Content-Type: application/json',
    `Authorization: Bearer ${token}`,
    'Authorization: Basic Og==',
    'Accept: application/json, text/event-stream',
    'Origin: http://evil.example',
    'X-Forwarded-Host: evil.example',
  );
  const hostile = fc.oneof(
    fc.constantFrom(
      'Host: evil.example',
      'Host: 127.0.0.1@evil.example',
      'Host: a b',
      'Host:',
      'Host: 127.0.0.1',
      'Content-Length: 5, 6',
      'Content-Length: -1',
      'Content-Length: 99999999999999999999',
      'Content-Length: 0x10',
      'Content-Length: 0',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: chunked, identity',
      'Transfer-Encoding: xchunked',
      'Transfer-Encoding : chunked',
      `Authorization: Bearer ${token}`,
      'X-Folded: a\r\n folded',
      'X-Bare-LF: a\nInjected: 1',
      'X-Bare-CR: a\rInjected: 1',
      'X-Nul: a\u0000b',
      'X-High: \u00ff\u00fe',
      ' Leading-Space: x',
      'No-Colon',
      ': empty-name',
      'Expect: 100-continue',
    ),
    hostileString(30).map((value) => `X-Fuzz: ${value}`),
  );
  return fc
    .tuple(
      fc.array(valid, { maxLength: 3 }),
      fc.oneof(
        { weight: 1, arbitrary: fc.constant([]) },
        { weight: 3, arbitrary: fc.array(hostile, { minLength: 1, maxLength: 2 }) },
      ),
      fc.boolean(),
    )
    .map(([good, bad, hostFirst]) =>
      hostFirst ? ['Host: 127.0.0.1', ...good, ...bad] : [...good, ...bad, 'Host: 127.0.0.1'],
    );
}

const BODIES = [
  '',
  'grant_type=refresh_token',
  '5\r\nhello\r\n0\r\n\r\n',
  '0\r\n\r\nGET /token HTTP/1.1\r\nHost: x\r\n\r\n',
  '{"a":',
  'zzzzz',
];

function rawRequest(
  paths: readonly string[],
  token: string,
): fc.Arbitrary<{ text: string; pipelined: boolean }> {
  return fc
    .record({
      method: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'DELETE', 'PUT') },
        { weight: 1, arbitrary: fc.constantFrom('CONNECT', 'TRACE', 'G ET', 'get', 'M-SEARCH', '') },
      ),
      path: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...paths) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '*',
            '/token?x=1 HTTP/1.1\r\nHost: evil',
            '/a\r\nInjected: 1',
            'http://evil.example/token',
            '//token',
            '/%0d%0aSet-Cookie:x',
            '',
          ),
        },
      ),
      version: fc.oneof(
        { weight: 6, arbitrary: fc.constant('HTTP/1.1') },
        { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', '') },
      ),
      headers: headerLines(token),
      body: fc.constantFrom(...BODIES),
      lengthMatches: fc.boolean(),
      second: fc.boolean(),
    })
    .map(({ method, path, version, headers, body, lengthMatches, second }) => {
      const length =
        lengthMatches && !headers.some((line) => /^content-length|^transfer-encoding/i.test(line))
          ? [`Content-Length: ${body.length}`]
          : [];
      const lines = [...headers, ...length, 'Connection: close'];
      const first = `${method} ${path} ${version}${CRLF}${lines.join(CRLF)}${CRLF}${CRLF}${body}`;
      // Sometimes a second, well-formed request follows on the same connection: the server may answer both.
      const next = second
        ? `GET /.well-known/oauth-authorization-server HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}${CRLF}`
        : '';
      return { text: `${first}${next}`, pipelined: second };
    });
}

describe('the mock over HTTP under raw-socket fuzzing', () => {
  let server: RunningServer;
  const reported: unknown[] = [];
  beforeAll(async () => {
    ({ server } = await serveMock(
      (url) =>
        createMockAuthServer({
          issuerUrl: url,
          spec: 'latest',
          clientRegistrationOptions: { enabled: true },
          revocationOptions: { enabled: true },
        }),
      { onError: (_message, error) => reported.push(error) },
    ));
  });
  afterAll(() => server.close());

  it(
    `answers smuggling attempts, broken request lines and injected line breaks with a 4xx, never a 5xx, and keeps serving (${RUNS} runs)`,
    async () => {
      const paths = [
        '/token',
        '/authorize',
        '/register',
        '/revoke',
        '/mcp',
        '/.well-known/oauth-authorization-server',
      ];
      const flowFetch = (request: Request): Promise<Response> => fetch(request, { redirect: 'manual' });
      await fc.assert(
        fc.asyncProperty(rawRequest(paths, 'not-a-token'), async ({ text, pipelined }) => {
          requestsFuzzed += 1;
          const answer = await exchangeRaw(server.port, Buffer.from(text, 'latin1'));
          // Final answers only: `Expect: 100-continue` earns an interim 100 first.
          const statuses = [...answer.matchAll(/HTTP\/1\.[01] (\d{3})/g)]
            .map((match) => Number(match[1]))
            .filter((status) => status >= 200);
          for (const status of statuses) expect(status, answer.slice(0, 200)).toBeLessThan(500);
          // One answer per request sent, at most: a body is never read as a request of its own.
          expect(statuses.length).toBeLessThanOrEqual(pipelined ? 2 : 1);
          expect(reported).toStrictEqual([]);
          const flow = await runFullFlow(flowFetch, `${server.url}/mcp`);
          expect(flow.whoami.client_id).toBe(flow.clientId);
        }),
        fuzzParameters(RUNS),
      );
    },
    fuzzTimeout(RUNS, 200),
  );
});
