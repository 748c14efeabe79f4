import { describe, expect, it } from 'vitest';
import { requestLogLine, withRequestLog } from '../../../mock-server/runtimes/cli-request-log.js';

const AT = new Date('2025-01-02T03:04:05.678Z');
const EMPTY = { query: {}, form: {} };

describe('requestLogLine', () => {
  it('shows time, method, path, status, duration and the client id', () => {
    const line = requestLogLine({
      startedAt: AT,
      description: {
        method: 'POST',
        path: '/token',
        query: {},
        form: { client_id: 'app', code: '[redacted]' },
      },
      status: 200,
      durationMs: 3.4,
    });
    expect(line).toBe('2025-01-02T03:04:05.678Z POST /token 200 3ms client_id=app');
  });

  it('marks a request answered by nobody, and leaves out an absent client id', () => {
    const line = requestLogLine({
      startedAt: AT,
      description: { method: 'GET', path: '/mcp', ...EMPTY },
      status: undefined,
      durationMs: 12,
    });
    expect(line).toBe('2025-01-02T03:04:05.678Z GET /mcp - 12ms');
  });

  it('never shows the query or the form, only the client id from them', () => {
    const line = requestLogLine({
      startedAt: AT,
      description: {
        method: 'GET',
        path: '/authorize',
        query: { client_id: 'app', state: 'secret-state', unknown_secret: 'hunter2' },
        form: {},
      },
      status: 302,
      durationMs: 0,
    });
    expect(line).toBe('2025-01-02T03:04:05.678Z GET /authorize 302 0ms client_id=app');
  });

  it('quotes a client id that could split or forge a line, and cuts a long one', () => {
    const forged = requestLogLine({
      startedAt: AT,
      description: {
        method: 'GET',
        path: '/authorize',
        query: { client_id: 'a\n2025 GET /x 200' },
        form: {},
      },
      status: 400,
      durationMs: 1,
    });
    expect(forged.split('\n')).toHaveLength(1);
    expect(forged).toContain('client_id="a\\n2025 GET /x 200"');
    const long = requestLogLine({
      startedAt: AT,
      description: { method: 'GET', path: '/authorize', query: { client_id: 'x'.repeat(500) }, form: {} },
      status: 400,
      durationMs: 1,
    });
    expect(long).toContain(`client_id=${'x'.repeat(120)}…`);
    expect(long).not.toContain('x'.repeat(121));
  });
});

describe('withRequestLog', () => {
  it('logs what the handler answered, with redacted form secrets kept out', async () => {
    const lines: string[] = [];
    let clock = 100;
    const handler = withRequestLog(
      async (request) => {
        // The handler still reads the body the log described.
        expect(await request.text()).toBe('grant_type=authorization_code&code=abc123&client_id=app');
        clock += 7;
        return new Response('{}', { status: 400 });
      },
      { write: (line) => lines.push(line), now: () => clock },
    );
    const response = await handler(
      new Request('http://127.0.0.1:1/token?access_token=tok456', {
        method: 'POST',
        headers: { authorization: 'Basic c2VjcmV0' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'abc123', client_id: 'app' }),
      }),
    );
    expect(response.status).toBe(400);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+Z POST \/token 400 7ms client_id=app$/);
    for (const secret of ['abc123', 'tok456', 'c2VjcmV0']) expect(lines[0]).not.toContain(secret);
  });

  it('logs a failed request with no status and still fails it', async () => {
    const lines: string[] = [];
    const handler = withRequestLog(
      async () => {
        throw new Error('boom');
      },
      { write: (line) => lines.push(line) },
    );
    await expect(handler(new Request('http://127.0.0.1:1/x'))).rejects.toThrow('boom');
    expect(lines[0]).toMatch(/^\S+Z GET \/x - \d+ms$/);
  });

  it('answers even when writing the line fails', async () => {
    const handler = withRequestLog(async () => new Response('ok'), {
      write: () => {
        throw new Error('stderr closed');
      },
    });
    expect((await handler(new Request('http://127.0.0.1:1/'))).status).toBe(200);
  });
});
