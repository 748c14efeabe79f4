import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../../mock-server/runtimes/node.js';
import type { FetchHandler, ListenOptions, RunningServer } from '../../../mock-server/runtimes/node.js';

const running: RunningServer[] = [];

async function serve(handler: FetchHandler, options: ListenOptions = {}): Promise<RunningServer> {
  const server = await listen(handler, options);
  running.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** A promise plus its resolver, for handshakes between test and handler without timers. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function bodyOf(response: Response): NonNullable<Response['body']> {
  if (response.body === null) throw new Error(`expected a body, got status ${response.status}`);
  return response.body;
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Raw node:http request, for what fetch will not send (bad Host, half-sent bodies). */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string> },
  body?: (req: ReturnType<typeof httpRequest>) => void,
): Promise<{ status: number; headers: IncomingMessage['headers']; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body) body(req);
    else req.end();
  });
}

describe('listen()', () => {
  it('binds 127.0.0.1 on a free port and reports the real port in its URL', async () => {
    const server = await serve(async () => new Response('ok'));
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const response = await fetch(`${server.url}/`);
    expect(await response.text()).toBe('ok');
  });

  it('rejects with the bind error when the port is taken', async () => {
    const first = await serve(async () => new Response('ok'));
    await expect(listen(async () => new Response('ok'), { port: first.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});

describe('IncomingMessage → Request', () => {
  it('passes method, path, query, Host-based origin and repeated headers', async () => {
    let seen: Request | undefined;
    const server = await serve(async (request) => {
      seen = request;
      return new Response(null, { status: 204 });
    });
    const headers = new Headers([
      ['x-repeated', 'one'],
      ['x-repeated', 'two'],
      ['accept', 'application/json'],
    ]);
    const response = await fetch(`${server.url}/some/path?a=1&a=2`, { method: 'DELETE', headers });
    expect(response.status).toBe(204);
    expect(seen?.method).toBe('DELETE');
    expect(seen?.url).toBe(`${server.url}/some/path?a=1&a=2`);
    expect(seen?.headers.get('x-repeated')).toBe('one, two');
    expect(seen?.headers.get('accept')).toBe('application/json');
  });

  it('keeps a double slash path as a path, never as a host', async () => {
    let seenUrl = '';
    const server = await serve(async (request) => {
      seenUrl = request.url;
      return new Response('ok');
    });
    await rawRequest(`${server.url}//evil.example/x`, {});
    expect(new URL(seenUrl).host).toBe(`127.0.0.1:${server.port}`);
    expect(new URL(seenUrl).pathname).toBe('//evil.example/x');
  });

  it('answers 400 to a Host header that would rewrite the URL', async () => {
    let called = false;
    const server = await serve(async () => {
      called = true;
      return new Response('ok');
    });
    const response = await rawRequest(`${server.url}/`, { headers: { host: 'evil.example/path' } });
    expect(response.status).toBe(400);
    expect(called).toBe(false);
  });

  it('streams a large request body and echoes it back streamed', async () => {
    const server = await serve(async (request) => new Response(request.body));
    const payload = new Uint8Array(5 * 1024 * 1024);
    for (let index = 0; index < payload.length; index += 1) payload[index] = (index * 31) % 251;
    const response = await fetch(`${server.url}/echo`, { method: 'POST', body: payload });
    const echoed = new Uint8Array(await response.arrayBuffer());
    expect(echoed.length).toBe(payload.length);
    expect(sha256(echoed)).toBe(sha256(payload));
  });

  it('lets a handler answer before reading the whole body (413) without killing the connection', async () => {
    const limit = 1024 * 1024;
    const server = await serve(async (request) => {
      if (request.body === null) return new Response('no body', { status: 400 });
      const reader = request.body.getReader();
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return new Response('fits');
        received += value.length;
        if (received > limit) {
          await reader.cancel();
          return new Response('Request body too large', { status: 413 });
        }
      }
    });
    const response = await fetch(`${server.url}/token`, { method: 'POST', body: new Uint8Array(5 * limit) });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('Request body too large');
  });

  it('gives a request without a body a null body', async () => {
    let hadBody: boolean | undefined;
    const server = await serve(async (request) => {
      hadBody = request.body !== null;
      return new Response(await request.text());
    });
    const response = await fetch(`${server.url}/register`, { method: 'POST' });
    expect(await response.text()).toBe('');
    expect(hadBody).toBe(false);
  });

  it('aborts request.signal and errors the body when the client disconnects mid-upload', async () => {
    const aborted = signal();
    const bodyFailed = signal<string>();
    const started = signal();
    const server = await serve(async (request) => {
      request.signal.addEventListener('abort', () => aborted.resolve());
      started.resolve();
      try {
        await request.text();
        bodyFailed.resolve('completed');
      } catch {
        bodyFailed.resolve('failed');
      }
      return new Response('never seen');
    });
    const req = httpRequest(`${server.url}/upload`, {
      method: 'POST',
      headers: { 'content-length': '1000' },
    });
    req.on('error', () => undefined);
    req.write('only part of the body');
    await started.promise;
    req.destroy();
    await aborted.promise;
    expect(await bodyFailed.promise).toBe('failed');
  });
});

describe('Response → ServerResponse', () => {
  it('streams the body chunk by chunk (server-sent events)', async () => {
    const clientGotFirst = signal();
    const server = await serve(async () => {
      const encoder = new TextEncoder();
      let step = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          step += 1;
          if (step === 1) controller.enqueue(encoder.encode('data: one\n\n'));
          else if (step === 2) {
            // Only sent once the client proved it received the first event: a buffering adapter deadlocks here.
            await clientGotFirst.promise;
            controller.enqueue(encoder.encode('data: two\n\n'));
          } else controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const response = await fetch(`${server.url}/mcp`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = bodyOf(response).pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    expect(first.value).toBe('data: one\n\n');
    clientGotFirst.resolve();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += chunk.value;
    expect(rest).toBe('data: two\n\n');
  });

  it('sends response headers before the first body chunk exists', async () => {
    const release = signal();
    const server = await serve(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(controller) {
              await release.promise;
              controller.close();
            },
          }),
          { status: 200, headers: { 'content-type': 'text/event-stream' } },
        ),
    );
    // fetch resolves on headers: this would hang if headers waited for the body.
    const response = await fetch(`${server.url}/mcp`);
    expect(response.status).toBe(200);
    release.resolve();
    expect(await response.text()).toBe('');
  });

  it('keeps every Set-Cookie header separate and passes status text', async () => {
    const server = await serve(async () => {
      const headers = new Headers();
      headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
      headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
      headers.append('vary', 'origin');
      headers.append('vary', 'accept');
      return new Response('created', { status: 201, statusText: 'Made It', headers });
    });
    const raw = await rawRequest(`${server.url}/`, {});
    expect(raw.status).toBe(201);
    expect(raw.headers['set-cookie']).toEqual([
      'a=1; Path=/; HttpOnly',
      'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
    ]);
    expect(raw.headers.vary).toBe('origin, accept');
    const response = await fetch(`${server.url}/`);
    expect(response.headers.getSetCookie()).toHaveLength(2);
    expect(response.statusText).toBe('Made It');
  });

  it('answers HEAD with the headers only, passing HEAD to the handler', async () => {
    let method = '';
    let cancelled = false;
    const server = await serve(async (request) => {
      method = request.method;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"issuer":"x"}'));
        },
        cancel() {
          cancelled = true;
        },
      });
      return new Response(body, { headers: { 'content-type': 'application/json', 'content-length': '14' } });
    });
    const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`, { method: 'HEAD' });
    expect(method).toBe('HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-length')).toBe('14');
    expect(await response.text()).toBe('');
    expect(cancelled).toBe(true);
  });

  it('cancels the response stream and aborts request.signal when the client goes away', async () => {
    const cancelled = signal();
    const aborted = signal();
    const server = await serve(async (request) => {
      request.signal.addEventListener('abort', () => aborted.resolve());
      return new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('data: hello\n\n'));
          },
          cancel() {
            cancelled.resolve();
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
    });
    const client = new AbortController();
    const response = await fetch(`${server.url}/mcp`, { signal: client.signal });
    const reader = bodyOf(response).getReader();
    await reader.read();
    client.abort();
    await Promise.all([cancelled.promise, aborted.promise]);
  });
});

describe('handler failures', () => {
  it('turns a thrown error into a 500 and reports it without the query string', async () => {
    const reports: string[] = [];
    const server = await serve(
      async () => {
        throw new Error('boom');
      },
      { onError: (message, error) => reports.push(`${message} ${String(error)}`) },
    );
    const response = await fetch(`${server.url}/token?code=SECRET-CODE`, { method: 'POST' });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal Server Error');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('POST /token');
    expect(reports[0]).toContain('boom');
    expect(reports.join('\n')).not.toContain('SECRET-CODE');
  });

  it('turns a non-Response result into a 500 and keeps serving', async () => {
    const reports: string[] = [];
    let calls = 0;
    const server = await serve(
      async () => {
        calls += 1;
        return (calls === 1 ? 'not a response' : new Response('fine')) as unknown as Response;
      },
      { onError: (message) => reports.push(message) },
    );
    expect((await fetch(`${server.url}/a`)).status).toBe(500);
    expect(await (await fetch(`${server.url}/a`)).text()).toBe('fine');
    expect(reports).toEqual(['GET /a failed']);
  });

  it('drops the connection when the body stream errors after the headers were sent', async () => {
    const reports: string[] = [];
    const server = await serve(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              controller.enqueue(new TextEncoder().encode('partial'));
              controller.error(new Error('stream broke'));
            },
          }),
        ),
      { onError: (message) => reports.push(message) },
    );
    const response = await fetch(`${server.url}/stream`);
    await expect(response.text()).rejects.toThrow();
    expect(reports).toEqual(['GET /stream: response body failed']);
  });
});

describe('close()', () => {
  it('closes idle keep-alive connections at once', async () => {
    const server = await serve(async () => new Response('ok'), { closeTimeoutMs: 60_000 });
    // undici keeps this connection alive after the response.
    expect(await (await fetch(`${server.url}/`)).text()).toBe('ok');
    await server.close();
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
  });

  it('cuts an endless stream after the grace period, and is idempotent', async () => {
    const cancelled = signal();
    const server = await serve(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('data: open\n\n'));
            },
            cancel() {
              cancelled.resolve();
            },
          }),
        ),
      { closeTimeoutMs: 50 },
    );
    const response = await fetch(`${server.url}/mcp`);
    const reader = bodyOf(response).getReader();
    await reader.read();
    await Promise.all([server.close(), server.close()]);
    await cancelled.promise;
    await expect(reader.read()).rejects.toThrow();
  });

  it('lets an in-flight response finish and asks the client to close its connection', async () => {
    const release = signal();
    const entered = signal();
    const server = await serve(async () => {
      entered.resolve();
      await release.promise;
      return new Response('late but complete');
    });
    const pending = rawRequest(`${server.url}/slow`, {});
    await entered.promise;
    const closed = server.close();
    release.resolve();
    const response = await pending;
    await closed;
    expect(response.text).toBe('late but complete');
    expect(response.headers.connection).toBe('close');
  });
});
