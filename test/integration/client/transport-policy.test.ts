/**
 * The transport policy every request obeys (`exchange` for OAuth and metadata requests, the authed fetch for MCP
 * requests): no redirect is followed, no body is read past its cap, the timeout covers the body, and every endpoint
 * is judged at discovery, before anything with side effects. The server is the real mock, with one answer replaced
 * by a hostile one.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../../../mock-server/index.js';
import { McpAuthError } from '../../../src/index.js';
import type { AuthedMcpClientOptions, FlowEvent } from '../../../src/index.js';
import { createMockWorld, FASTMCP_WITH_REGISTRATION, failure, ORIGIN } from './support/mock-world.js';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The world's fetch with the answers for some paths replaced; records every URL asked. */
function hostile(
  base: Fetch,
  replace: (url: URL, request: Request) => Response | undefined | Promise<Response | undefined>,
): { fetch: Fetch; asked: string[]; redirectModes: Set<RequestRedirect> } {
  const asked: string[] = [];
  const redirectModes = new Set<RequestRedirect>();
  const fetch: Fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    asked.push(url.href);
    redirectModes.add(request.redirect);
    return (await replace(url, request)) ?? base(request);
  };
  return { fetch, asked, redirectModes };
}

/** A body of zeros produced on demand, counting what was pulled. */
function lazyBody(total: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += 65_536;
      controller.enqueue(new Uint8Array(65_536));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('redirects are never followed', () => {
  it('asks fetch not to follow redirects on every request of a whole session', async () => {
    const world = createMockWorld();
    const { fetch, asked, redirectModes } = hostile(world.fetch, () => undefined);
    const client = await world.connect({ fetch });
    await client.callTool({ name: 'whoami', arguments: {} });
    await client.signOut();
    await client.close();
    expect(asked.length).toBeGreaterThan(8);
    expect([...redirectModes]).toEqual(['manual']);
  });

  it('refuses a protected-resource metadata redirect, and never asks the place it points to', async () => {
    const world = createMockWorld();
    const { fetch, asked } = hostile(world.fetch, (url) =>
      url.pathname.startsWith('/.well-known/oauth-protected-resource')
        ? new Response(null, { status: 302, headers: { location: 'http://evil.example/prm' } })
        : undefined,
    );
    const error = await failure(world.connect({ fetch }));
    expect(error.code).toBe('redirect_refused');
    expect(error.step).toBe('discovery');
    expect(error.message).toContain('http://evil.example/prm');
    expect(asked.some((href) => href.startsWith('http://evil.example'))).toBe(false);
    expect(world.requestsTo('register')).toEqual([]);
  });

  it('moves on from a guessed metadata URL that redirects, without following it, to the next candidate', async () => {
    const world = createMockWorld();
    const events: FlowEvent[] = [];
    const { fetch, asked } = hostile(world.fetch, async (url, request) => {
      if (url.pathname === '/mcp') {
        // A challenge that names no metadata URL: the client has to guess the well-known ones.
        const answer = await world.fetch(request);
        if (answer.status !== 401) return answer;
        return new Response(null, {
          status: 401,
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
      if (url.pathname === '/.well-known/oauth-protected-resource/mcp') {
        return new Response(null, { status: 308, headers: { location: 'http://127.0.0.1:8001/prm' } });
      }
      if (url.pathname === '/.well-known/oauth-protected-resource') {
        return world.fetch(`${ORIGIN}/.well-known/oauth-protected-resource/mcp`);
      }
      return undefined;
    });
    const client = await world.connect({ fetch, onEvent: (event) => events.push(event) });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(asked.filter((href) => href.startsWith('http://127.0.0.1:8001'))).toEqual([]);
    const skipped = events.filter((event) => event.status === 'skipped' && event.step === 'discovery');
    expect(skipped.some((event) => event.message.includes('redirect'))).toBe(true);
    await client.close();
  });

  it('refuses an authorization-server metadata redirect to an origin serving a copied issuer, registering nowhere', async () => {
    const world = createMockWorld();
    // The other origin is a complete authorization server that would accept the client.
    const impostor = createMockAuthServer({
      ...FASTMCP_WITH_REGISTRATION,
      issuerUrl: 'http://127.0.0.1:8001',
    });
    world.addServer(impostor);
    const { fetch, asked } = hostile(world.fetch, (url) =>
      url.origin === ORIGIN && url.pathname === '/.well-known/oauth-authorization-server'
        ? new Response(null, {
            status: 307,
            headers: { location: 'http://127.0.0.1:8001/.well-known/oauth-authorization-server' },
          })
        : undefined,
    );
    const error = await failure(world.connect({ fetch }));
    expect(error.code).toBe('redirect_refused');
    expect(error.step).toBe('discovery');
    expect(asked.filter((href) => href.startsWith('http://127.0.0.1:8001'))).toEqual([]);
    expect(impostor.control.requests()).toEqual([]);
    expect(world.requestsTo('register')).toEqual([]);
  });

  it('refuses a redirect from the token endpoint without sending the code on', async () => {
    const world = createMockWorld();
    const { fetch, asked } = hostile(world.fetch, (url) =>
      url.pathname === '/token'
        ? new Response(null, { status: 307, headers: { location: 'http://127.0.0.1:8001/token' } })
        : undefined,
    );
    const error = await failure(world.connect({ fetch }));
    expect(error.code).toBe('redirect_refused');
    expect(error.step).toBe('token');
    expect(asked.filter((href) => href.startsWith('http://127.0.0.1:8001'))).toEqual([]);
  });

  it('sends an MCP request again, body and all, after a 307 to the same origin (a server mounted at /mcp/)', async () => {
    const world = createMockWorld();
    const hops: string[] = [];
    const { fetch } = hostile(world.fetch, async (url, request) => {
      if (url.pathname === '/mcp') {
        hops.push(request.method);
        return new Response(null, { status: 307, headers: { location: '/mcp/' } });
      }
      if (url.pathname !== '/mcp/') return undefined;
      // The mounted app: the mock's endpoint, reached by its real path.
      const body = request.method === 'GET' || request.method === 'DELETE' ? null : await request.text();
      return world.fetch(`${ORIGIN}/mcp`, { method: request.method, headers: request.headers, body });
    });
    const client = await world.connect({ fetch });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(hops).toContain('POST');
    await client.close();
  });

  it('refuses a same-origin redirect loop after three hops', async () => {
    const world = createMockWorld();
    const { fetch } = hostile(world.fetch, (url, request) =>
      url.pathname.startsWith('/mcp') && request.headers.has('authorization')
        ? new Response(null, { status: 308, headers: { location: `/mcp${url.pathname.length}` } })
        : undefined,
    );
    const error = await failure(world.connect({ fetch }));
    expect(error.code).toBe('redirect_refused');
    expect(error.step).toBe('connection');
  });

  it('refuses a redirect from the MCP endpoint, so the access token does not follow it', async () => {
    const world = createMockWorld();
    let withToken = 0;
    const { fetch } = hostile(world.fetch, (url, request) => {
      if (url.pathname !== '/mcp') return undefined;
      if (request.headers.has('authorization')) withToken += 1;
      return request.headers.has('authorization')
        ? new Response(null, { status: 308, headers: { location: 'http://127.0.0.1:8001/mcp' } })
        : undefined;
    });
    const error = await failure(world.connect({ fetch }));
    expect(error.code).toBe('redirect_refused');
    expect(error.step).toBe('connection');
    expect(error.message).toContain('http://127.0.0.1:8001/mcp');
    expect(withToken).toBe(1);
  });
});

describe('bodies are read up to a cap', () => {
  it('stops a 100 MB token response at 1 MiB: response_too_large, and the stream was not read further', async () => {
    const world = createMockWorld();
    const huge = lazyBody(100 * 1024 * 1024);
    const { fetch } = hostile(world.fetch, (url) =>
      url.pathname === '/token'
        ? new Response(huge.stream, { status: 200, headers: { 'content-type': 'application/json' } })
        : undefined,
    );
    const error = await failure(world.connect({ fetch }));
    expect(error.code).toBe('response_too_large');
    expect(error.step).toBe('token');
    expect(error.message).toContain(String(1024 * 1024));
    expect(huge.pulled()).toBeLessThan(1024 * 1024 + 4 * 65_536);
  });

  it('applies maxResponseBytes to every OAuth document, discovery included', async () => {
    const world = createMockWorld();
    const error = await failure(world.connect({ maxResponseBytes: 64 }));
    expect(error.code).toBe('response_too_large');
    expect(error.step).toBe('discovery');
    expect(world.requestsTo('register')).toEqual([]);
  });

  it('fails an MCP event over maxMcpMessageBytes with a JSON-RPC error naming response_too_large, and the session goes on', async () => {
    const world = createMockWorld();
    let bloat = false;
    const { fetch } = hostile(world.fetch, async (url, request) => {
      if (url.pathname !== '/mcp' || !bloat || request.method !== 'POST') return undefined;
      const answer = await world.fetch(request);
      const text = await answer.text();
      return new Response(text.replace('"result":{', `"result":{"padding":"${'x'.repeat(300_000)}",`), {
        status: answer.status,
        headers: answer.headers,
      });
    });
    const client = await world.connect({ fetch, maxMcpMessageBytes: 256 * 1024 });
    bloat = true;
    const error = await client.listTools().then(
      () => undefined,
      (e: unknown) => e,
    );
    // The request fails at once with the reason (not after the SDK's 60 s request timeout).
    expect((error as McpError).code).toBe(-32099);
    expect((error as McpError).data).toEqual({ code: 'response_too_large' });
    expect((error as McpError).message).toContain('maxMcpMessageBytes');
    bloat = false;
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it('fails a JSON MCP response over maxMcpMessageBytes with the typed error itself', async () => {
    const world = createMockWorld();
    let bloat = false;
    const { fetch } = hostile(world.fetch, async (url, request) => {
      if (url.pathname !== '/mcp' || !bloat || request.method !== 'POST') return undefined;
      // The same answer as a JSON body (servers may answer a POST either way), padded past the cap.
      const events = await (await world.fetch(request)).text();
      const data = events.split('\n').find((line) => line.startsWith('data: ')) ?? '';
      const message = JSON.parse(data.slice('data: '.length)) as { result: Record<string, unknown> };
      message.result['padding'] = 'x'.repeat(300_000);
      return Response.json(message);
    });
    const client = await world.connect({ fetch, maxMcpMessageBytes: 256 * 1024 });
    bloat = true;
    const error = await client.listTools().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpAuthError);
    expect((error as McpAuthError).code).toBe('response_too_large');
    bloat = false;
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it('refuses byte caps that are not positive whole numbers', async () => {
    const world = createMockWorld();
    for (const value of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await failure(world.connect({ maxResponseBytes: value }));
      expect(error.code).toBe('invalid_option');
      const mcp = await failure(world.connect({ maxMcpMessageBytes: value }));
      expect(mcp.code).toBe('invalid_option');
    }
  });
});

describe('over real HTTP, a body that never ends', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** A loopback server whose authorization-server metadata never ends; everything else is the mock. */
  async function serve(pace: {
    bytes: number;
    everyMs: number;
  }): Promise<{ url: string; sent: () => number }> {
    let sent = 0;
    let mock = createMockAuthServer(FASTMCP_WITH_REGISTRATION);
    const server = createServer((req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"issuer":"');
        const timer = setInterval(() => {
          sent += pace.bytes;
          res.write('x'.repeat(pace.bytes));
        }, pace.everyMs);
        res.on('close', () => clearInterval(timer));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        void mock
          .fetch(
            new Request(new URL(req.url ?? '/', mock.settings.issuerUrl), {
              method: req.method ?? 'GET',
              headers: req.headers as Record<string, string>,
              ...(body ? { body } : {}),
            }),
          )
          .then(async (answer) => {
            res.writeHead(answer.status, Object.fromEntries(answer.headers));
            res.end(Buffer.from(await answer.arrayBuffer()));
          });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mock = createMockAuthServer({
      ...FASTMCP_WITH_REGISTRATION,
      issuerUrl: origin,
      resourceServerUrl: `${origin}/mcp`,
    });
    close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    return { url: `${origin}/mcp`, sent: () => sent };
  }

  const connect = async (url: string, options: AuthedMcpClientOptions): Promise<McpAuthError> => {
    const { createAuthedMcpClient, headlessAuthorize } = await import('../../../src/index.js');
    return failure(createAuthedMcpClient(url, { authorize: headlessAuthorize(), ...options }));
  };

  it('is a timeout when it trickles, reported as timeout and not as broken JSON', async () => {
    const server = await serve({ bytes: 16, everyMs: 20 });
    const error = await connect(server.url, { timeoutMs: 400 });
    expect(error.code).toBe('timeout');
    expect(error.step).toBe('discovery');
    expect(server.sent()).toBeLessThan(4_096);
  });

  it('is response_too_large when it floods, before the process holds more than the cap', async () => {
    const server = await serve({ bytes: 256 * 1024, everyMs: 1 });
    const before = process.memoryUsage().rss;
    const error = await connect(server.url, { timeoutMs: 20_000 });
    expect(error.code).toBe('response_too_large');
    expect(error.step).toBe('discovery');
    // The reader stopped at the cap: well under what an unbounded read would have taken by then.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('every endpoint is judged at discovery, before any request with side effects', () => {
  const cases: Array<[string, string, string]> = [
    ['token_endpoint', 'http://as.example/token', 'insecure_url'],
    ['authorization_endpoint', 'http://as.example/authorize', 'insecure_url'],
    ['registration_endpoint', 'ftp://as.example/register', 'insecure_url'],
    ['revocation_endpoint', 'http://as.example/revoke', 'insecure_url'],
    ['token_endpoint', `${ORIGIN}/token#fragment`, 'invalid_response'],
  ];
  for (const [field, value, code] of cases) {
    it(`refuses ${field} = ${value} with ${code}, before registering or signing in`, async () => {
      const world = createMockWorld();
      const { fetch, asked } = hostile(world.fetch, async (url, request) => {
        if (url.pathname !== '/.well-known/oauth-authorization-server') return undefined;
        const metadata = (await (await world.fetch(request)).json()) as Record<string, unknown>;
        return Response.json({ ...metadata, [field]: value });
      });
      let authorizations = 0;
      const error = await failure(
        world.connect({
          fetch,
          authorize: () => {
            authorizations += 1;
            return Promise.reject(new Error('must not be asked'));
          },
        }),
      );
      expect(error.code).toBe(code);
      expect(error.step).toBe('discovery');
      expect(world.requestsTo('register')).toEqual([]);
      expect(authorizations).toBe(0);
      expect(asked.some((href) => href.includes('as.example'))).toBe(false);
    });
  }
});
