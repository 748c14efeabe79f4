/**
 * Answers whose body is a known string (`stringResponse`, every JSON and text answer of the mock) skip reading the
 * body back through its web stream: they must leave the server byte for byte as the same answer streamed would.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { stringResponse } from '../../../mock-server/http/known-body.js';
import { listen } from '../../../mock-server/runtimes/node.js';
import type { FetchHandler, RunningServer } from '../../../mock-server/runtimes/node.js';

const running: RunningServer[] = [];

async function serve(handler: FetchHandler): Promise<RunningServer> {
  const server = await listen(handler);
  running.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** The raw bytes of one answer (Date line removed: it is the only field that changes between two answers). */
function rawExchange(url: string, requestHead: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(requestHead));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        Buffer.concat(chunks)
          .toString('utf8')
          .replace(/^Date: .*\r\n/m, ''),
      ),
    );
  });
}

const GET = 'GET /answer HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

type Build = (body: string, init: ResponseInit) => Response;
const known: Build = (body, init) => stringResponse(body, init);
const streamed: Build = (body, init) => new Response(body, init);

async function bothWays(answer: (build: Build) => Response, requestHead = GET): Promise<[string, string]> {
  const fast = await serve(async () => answer(known));
  const slow = await serve(async () => answer(streamed));
  return [await rawExchange(fast.url, requestHead), await rawExchange(slow.url, requestHead)];
}

describe('known string bodies over HTTP', () => {
  it('sends the same bytes as the streamed answer: length in bytes, not characters, and no chunking', async () => {
    const body = '{"name":"café ☕"}';
    const [fast, slow] = await bothWays((build) =>
      build(body, { status: 201, headers: { 'content-type': 'application/json' } }),
    );
    expect(fast).toBe(slow);
    expect(body.length).toBeLessThan(Buffer.byteLength(body));
    expect(fast).toContain(`content-length: ${Buffer.byteLength(body)}\r\n`);
    expect(fast.endsWith(`\r\n\r\n${body}`)).toBe(true);
    expect(fast.toLowerCase()).not.toContain('transfer-encoding');
  });

  it('keeps each Set-Cookie, joins other repeated fields, keeps the status text and a length set by the handler', async () => {
    const [fast, slow] = await bothWays((build) => {
      const headers = new Headers({ 'content-type': 'text/plain; charset=utf-8', 'content-length': '2' });
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; Path=/');
      headers.append('vary', 'Origin');
      headers.append('vary', 'Accept');
      return build('ok', { status: 200, statusText: 'Fine', headers });
    });
    expect(fast).toBe(slow);
    expect(fast.startsWith('HTTP/1.1 200 Fine\r\n')).toBe(true);
    expect(fast).toContain('set-cookie: a=1; Path=/\r\nset-cookie: b=2; Path=/\r\n');
    expect(fast).toContain('vary: Origin, Accept\r\n');
    expect(fast.match(/content-length/gi)).toHaveLength(1);
  });

  it('answers HEAD without a body', async () => {
    const head = await bothWays(
      (build) => build('{"a":1}', { headers: { 'content-type': 'application/json' } }),
      GET.replace('GET', 'HEAD'),
    );
    expect(head[0]).toBe(head[1]);
    expect(head[0].endsWith('\r\n\r\n')).toBe(true);
  });

  it('asks the client to close its connection once the server is closing', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const server = await listen(async () => {
      entered();
      await released;
      return stringResponse('late', { status: 200, headers: { connection: 'keep-alive' } });
    });
    const answer = rawExchange(server.url, GET.replace('Connection: close\r\n', ''));
    await inHandler;
    const closed = server.close();
    release();
    const raw = await answer;
    await closed;
    expect(raw).toMatch(/\r\nconnection: close\r\n/i);
    expect(raw).not.toMatch(/keep-alive/i);
    expect(raw.endsWith('\r\n\r\nlate')).toBe(true);
  });
});
