import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  callbackTarget,
  completeAuthorization,
  HeadlessAuthorizationError,
  INITIAL_PROMPT_STATE,
  readPromptLine,
} from '../../conformance/headless-authorization.js';
import type { PromptState } from '../../conformance/headless-authorization.js';

const CALLBACK = 'http://127.0.0.1:45123';
const AUTH_URL = 'http://127.0.0.1:40000/authorize?response_type=code&client_id=c&state=s';

function feed(lines: string[], origin = CALLBACK): PromptState {
  return lines.reduce((state, line) => readPromptLine(state, line, origin), INITIAL_PROMPT_STATE);
}

describe('readPromptLine', () => {
  it('takes the line after the announcement as the authorization URL and notices the callback server', () => {
    const state = feed([
      '=== Running scenario: authorization-code-grant ===',
      "Ensure http://127.0.0.1:45123/callback is registered as a redirect URI for client 'c'.",
      'Access the following URL in your browser and complete the authentication process.',
      AUTH_URL,
      '',
      'Waiting up to 5 minutes for the authorization callback...',
      `Callback server started: ${CALLBACK}`,
    ]);
    expect(state).toEqual({ awaitingUrl: false, authorizationUrl: AUTH_URL, callbackReady: true });
  });

  it('ignores a callback server on another port', () => {
    expect(feed(['Callback server started: http://127.0.0.1:1']).callbackReady).toBe(false);
  });

  it('does not take a non-URL line as the authorization URL', () => {
    const state = feed(['Access the following URL in your browser and complete it.', 'not a url']);
    expect(state.authorizationUrl).toBeUndefined();
    expect(state.awaitingUrl).toBe(false);
  });
});

describe('callbackTarget', () => {
  it('accepts the suite callback, absolute or relative to the request', () => {
    expect(
      callbackTarget(`${CALLBACK}/callback?code=x&state=s`, AUTH_URL, 45123)?.searchParams.get('code'),
    ).toBe('x');
    expect(callbackTarget('/callback?code=x', 'http://127.0.0.1:45123/authorize', 45123)?.pathname).toBe(
      '/callback',
    );
  });

  it('refuses another origin, another path or garbage', () => {
    expect(callbackTarget('http://127.0.0.1:45124/callback?code=x', AUTH_URL, 45123)).toBeUndefined();
    expect(callbackTarget(`${CALLBACK}/consent`, AUTH_URL, 45123)).toBeUndefined();
    expect(callbackTarget('http://[bad', AUTH_URL, 45123)).toBeUndefined();
  });
});

describe('completeAuthorization', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** A callback server like the suite's, recording what it received. */
  async function callbackServer(): Promise<{ port: number; received: string[] }> {
    const received: string[] = [];
    const port = await listen((req, res) => {
      received.push(req.url ?? '');
      res.end('OK');
    });
    return { port, received };
  }

  it('delivers the redirect of an approving authorization endpoint to the callback', async () => {
    const callback = await callbackServer();
    const asPort = await listen((req, res) => {
      const state = new URL(req.url ?? '/', 'http://x').searchParams.get('state') ?? '';
      res
        .writeHead(302, { location: `http://127.0.0.1:${callback.port}/callback?code=abc&state=${state}` })
        .end();
    });
    await completeAuthorization(`http://127.0.0.1:${asPort}/authorize?state=xyz`, callback.port);
    expect(callback.received).toEqual(['/callback?code=abc&state=xyz']);
  });

  it('refuses an endpoint that shows a page instead of redirecting', async () => {
    const callback = await callbackServer();
    const asPort = await listen((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<form>'),
    );
    const attempt = completeAuthorization(`http://127.0.0.1:${asPort}/authorize`, callback.port);
    await expect(attempt).rejects.toThrow(HeadlessAuthorizationError);
    await expect(attempt).rejects.toThrow(/answered 200 without a redirect/);
    expect(callback.received).toEqual([]);
  });

  it('refuses a redirect elsewhere without repeating its query', async () => {
    const callback = await callbackServer();
    const asPort = await listen((_req, res) =>
      res.writeHead(302, { location: 'http://127.0.0.1:9/login?code=secret-code' }).end(),
    );
    const attempt = completeAuthorization(`http://127.0.0.1:${asPort}/authorize`, callback.port);
    await expect(attempt).rejects.toThrow(
      /redirected to http:\/\/127\.0\.0\.1:9\/login, not to the suite's callback/,
    );
    await expect(attempt).rejects.not.toThrow(/secret-code/);
  });
});
