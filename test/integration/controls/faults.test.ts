/** Fault injection: forced errors and delays, by endpoint name or path, consumed in order. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen } from '../../../mock-server/runtimes/node.js';
import { createMockAuthServer, type MockAuthServer } from '../../../mock-server/index.js';
import {
  CALLBACK,
  PUBLIC_CLIENT,
  authorize,
  expectErrorRedirect,
  expectJsonError,
  obtainTokens,
  postForm,
  refresh,
} from '../mock-server/helpers.js';
import { BASE_URL, deferred, inProcess, track } from './support.js';

const METADATA = `${BASE_URL}/.well-known/oauth-authorization-server`;

afterEach(() => {
  vi.useRealTimers();
});

describe('control.failNext', () => {
  it('answers the next request to the endpoint with the error, then behaves again', async () => {
    const { mock, t } = inProcess();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    mock.control.failNext('token', {
      status: 503,
      error: 'temporarily_unavailable',
      errorDescription: 'try later',
    });
    const failed = await refresh(t, PUBLIC_CLIENT, tokens.refresh_token);
    await expectJsonError(failed, 503, { error: 'temporarily_unavailable', error_description: 'try later' });
    expect(failed.headers.get('cache-control')).toBe('no-store');
    // The fault answered instead of the route: the refresh token was not used up.
    expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(200);
    expect(mock.control.pendingFaults()).toEqual([]);
  });

  it('defaults to 500 server_error, counts `times`, and queues faults in order', async () => {
    const { mock, t } = inProcess();
    mock.control.failNext('metadata', { times: 2 });
    mock.control.failNext('metadata', { status: 502, error: 'bad_gateway' });
    await expectJsonError(await t.fetch(METADATA), 500, { error: 'server_error' });
    expect(mock.control.pendingFaults().map((fault) => fault.remaining)).toEqual([1, 1]);
    await expectJsonError(await t.fetch(METADATA), 500, { error: 'server_error' });
    await expectJsonError(await t.fetch(METADATA), 502, { error: 'bad_gateway' });
    expect((await t.fetch(METADATA)).status).toBe(200);
  });

  it('targets an exact path, and only that path', async () => {
    const { mock, t } = inProcess();
    mock.control.failNext('/.well-known/oauth-protected-resource/mcp', { status: 404, error: 'gone' });
    expect((await t.fetch(METADATA)).status).toBe(200);
    await expectJsonError(await t.fetch(`${BASE_URL}/.well-known/oauth-protected-resource/mcp`), 404, {
      error: 'gone',
    });
  });

  it('lets CORS preflights through and gives the injected answer the route’s CORS headers', async () => {
    const { mock, t } = inProcess();
    mock.control.failNext('token', { status: 429, error: 'slow_down', headers: { 'Retry-After': '7' } });
    const preflight = await t.fetch(`${BASE_URL}/token`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://app.test', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    const failed = await postForm(
      t,
      '/token',
      { grant_type: 'refresh_token' },
      { Origin: 'http://app.test' },
    );
    expect(failed.status).toBe(429);
    expect(failed.headers.get('access-control-allow-origin')).toBe('*');
    expect(failed.headers.get('retry-after')).toBe('7');
  });

  it('can target chosen methods only (here: the preflight itself)', async () => {
    const { mock, t } = inProcess();
    mock.control.failNext('token', { methods: ['options'], status: 400, error: 'no_cors' });
    expect((await postForm(t, '/token', {})).status).toBe(401);
    const preflight = await t.fetch(`${BASE_URL}/token`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(400);
  });

  it('refuses a fault status that is not an error (4xx/5xx), and queues nothing', () => {
    const { mock } = inProcess();
    for (const status of [200, 204, 302, 304, 399, 600, 450.5]) {
      expect(() => mock.control.failNext('token', { status }), String(status)).toThrow(
        `fault: status must be an HTTP error status 400–599, got ${status} (use delayNext to delay a normal answer)`,
      );
    }
    mock.control.failNext('token', { status: 400 });
    mock.control.failNext('token', { status: 599 });
    expect(mock.control.pendingFaults()).toHaveLength(2);
  });

  it('rejects unusable faults with clear errors and queues nothing', () => {
    const { mock } = inProcess();
    expect(() => mock.control.failNext('tokens' as 'token')).toThrow(/fault target must be a path/);
    expect(() => mock.control.failNext('token', { status: 99 })).toThrow(RangeError);
    expect(() => mock.control.failNext('token', { times: 0 })).toThrow(/times must be a whole number/);
    expect(() => mock.control.delayNext('token', -1)).toThrow(/delay must be/);
    expect(() => mock.control.delayNext('token', Number.NaN)).toThrow(RangeError);
    expect(mock.control.pendingFaults()).toEqual([]);
  });

  it('resolves endpoint names against the settings in force (resource path, issuer path)', async () => {
    const { mock, t } = inProcess();
    mock.control.failNext('mcp', { status: 401, error: 'invalid_token', times: 2 });
    await expectJsonError(await t.fetch(`${BASE_URL}/mcp`, { method: 'POST' }), 401, {
      error: 'invalid_token',
    });
    mock.control.reconfigure({ resourceServerUrl: `${BASE_URL}/api/mcp` });
    expect((await t.fetch(`${BASE_URL}/mcp`, { method: 'POST' })).status).not.toBe(401);
    await expectJsonError(await t.fetch(`${BASE_URL}/api/mcp`, { method: 'POST' }), 401, {
      error: 'invalid_token',
    });
    mock.control.reconfigure({ issuerUrl: `${BASE_URL}/tenant` });
    mock.control.failNext('token', { status: 418, error: 'teapot', times: 2 });
    await expectJsonError(await postForm(t, '/tenant/token', {}), 418, { error: 'teapot' });
    await expectJsonError(await postForm(t, '/token', {}), 418, { error: 'teapot' });
    expect(mock.control.requests().map((entry) => entry.endpoint)).toEqual([
      'mcp',
      undefined,
      'mcp',
      'token',
      'token',
    ]);
  });

  it('can send an authorization error to the client’s redirect URI, as /authorize sends its own', async () => {
    const { mock, t } = inProcess();
    mock.control.failNext('authorize', {
      redirect: true,
      error: 'temporarily_unavailable',
      errorDescription: 'busy, try again',
      times: 2,
    });
    const redirected = await authorize(t, {
      client_id: PUBLIC_CLIENT.client_id,
      response_type: 'code',
      code_challenge: 'abc',
      state: 'st 1',
    });
    expectErrorRedirect(redirected, CALLBACK, {
      error: 'temporarily_unavailable',
      error_description: 'busy, try again',
      state: 'st 1',
    });
    // Without a known client there is nowhere to redirect to: the JSON answer.
    await expectJsonError(await authorize(t, { client_id: 'nobody' }), 500, {
      error: 'temporarily_unavailable',
      error_description: 'busy, try again',
    });
  });

  it('clearFaults drops every queued fault', async () => {
    const { mock, t } = inProcess();
    mock.control.failNext('metadata', { times: 5 });
    mock.control.clearFaults();
    expect((await t.fetch(METADATA)).status).toBe(200);
  });
});

describe('control.delayNext', () => {
  it('holds the request back for the delay, other requests pass meanwhile (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { mock, t } = inProcess();
    mock.control.delayNext('metadata', 1000);
    const delayed = track(t.fetch(METADATA));
    const other = await t.fetch(`${BASE_URL}/.well-known/oauth-protected-resource/mcp`);
    expect(other.status).toBe(200);
    await vi.advanceTimersByTimeAsync(999);
    expect(delayed.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await delayed.promise).status).toBe(200);
    expect(mock.control.requests().map((entry) => [entry.path, entry.fault])).toEqual([
      ['/.well-known/oauth-protected-resource/mcp', undefined],
      ['/.well-known/oauth-authorization-server', 'delay'],
    ]);
  });

  it('a delayed error answers after the delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { mock, t } = inProcess();
    mock.control.failNext('metadata', { delayMs: 50, status: 504, error: 'timeout' });
    const delayed = track(t.fetch(METADATA));
    await vi.advanceTimersByTimeAsync(49);
    expect(delayed.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await delayed.promise).status).toBe(504);
  });

  it('a request aborted before it is sent rejects like fetch and reaches nothing', async () => {
    const { mock } = inProcess();
    mock.control.failNext('metadata', { status: 503 });
    const request = new Request(`${BASE_URL}/.well-known/oauth-authorization-server`, {
      signal: AbortSignal.abort(),
    });
    await expect(mock.fetch(request)).rejects.toMatchObject({ name: 'AbortError' });
    expect(mock.control.requests()).toEqual([]);
    expect(mock.control.pendingFaults()).toHaveLength(1);
  });

  it('an aborted request stops waiting at once, rejects like fetch, and is logged without a status', async () => {
    const { mock, t } = inProcess();
    mock.control.delayNext('token', 60 * 60 * 1000);
    const controller = new AbortController();
    const pending = t.fetch(`${BASE_URL}/token`, { method: 'POST', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(mock.control.requests()).toMatchObject([{ path: '/token', status: null, fault: 'delay' }]);
  });
});

describe('faults over HTTP (node runtime)', () => {
  it('a real client sees the injected error, and an abandoned delayed request is dropped', async () => {
    let mock: MockAuthServer | undefined;
    let rejectedWith: ((reason: unknown) => void) | undefined;
    const rejection = new Promise<unknown>((resolve) => (rejectedWith = resolve));
    const metadataArrived = deferred<true>();
    const server = await listen(async (request) => {
      if (mock === undefined) throw new Error('no mock yet');
      if (new URL(request.url).pathname.startsWith('/.well-known')) metadataArrived.resolve(true);
      return mock.fetch(request).catch((error: unknown) => {
        rejectedWith?.(error);
        throw error;
      });
    });
    try {
      mock = createMockAuthServer({ issuerUrl: server.url });
      mock.control.failNext('token', { status: 503, error: 'temporarily_unavailable' });
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'secret-value' }),
      });
      await expectJsonError(response, 503, { error: 'temporarily_unavailable' });

      mock.control.delayNext('metadata', 60 * 60 * 1000);
      const controller = new AbortController();
      const abandoned = fetch(`${server.url}/.well-known/oauth-authorization-server`, {
        signal: controller.signal,
      });
      await metadataArrived.promise;
      controller.abort();
      await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });
      expect(await rejection).toMatchObject({ name: 'AbortError' });
      expect(mock.control.requests()).toMatchObject([
        { path: '/token', status: 503, fault: 'error', form: { refresh_token: '[redacted]' } },
        { path: '/.well-known/oauth-authorization-server', status: null, fault: 'delay' },
      ]);
    } finally {
      await server.close();
    }
  });
});
