/** The HTTP control API, driven in process: every endpoint, the caller's mistakes (4xx, never 5xx), and no logging. */
import { describe, expect, it } from 'vitest';
import {
  MOCK_SERVER_PRESET_NAMES,
  createControlApiHandler,
  createMockAuthServer,
  type ControlApiRequests,
  type ControlApiState,
  type ControlApiTokensResult,
  type MockAuthServer,
} from '../../../mock-server/index.js';
import {
  PUBLIC_CLIENT,
  authorize,
  expectJsonError,
  location,
  obtainCode,
  obtainTokens,
  pkcePair,
  postForm,
  refresh,
} from '../mock-server/helpers.js';
import { BASE_URL, START, bareProvider, inProcess } from './support.js';

const CONTROL = '/__mock';
const JSON_HEADERS = { 'content-type': 'application/json' };

type Body = Record<string, unknown>;

/** A mock, its control API, and helpers that call it in process. */
function controlled(...args: Parameters<typeof inProcess>) {
  const { mock, t } = inProcess(...args);
  const controls = createControlApiHandler(mock, CONTROL);
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const response = await controls(new Request(`${BASE_URL}${CONTROL}${path}`, init));
    if (response === undefined) throw new Error(`the control API did not answer ${path}`);
    return response;
  };
  const get = (path: string) => call(path);
  const post = (path: string, body: unknown = {}) =>
    call(path, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  const json = async <T = Body>(response: Promise<Response> | Response, status = 200): Promise<T> => {
    const answered = await response;
    expect(answered.status, await answered.clone().text()).toBe(status);
    expect(answered.headers.get('content-type')).toBe('application/json');
    expect(answered.headers.get('cache-control')).toBe('no-store');
    return (await answered.json()) as T;
  };
  return { mock, t, controls, call, get, post, json };
}

/** The `iss` of an authorization response from `mock`. */
async function authorizationIss(t: Parameters<typeof authorize>[0]): Promise<string | null> {
  const { challenge } = await pkcePair();
  const response = await authorize(t, {
    client_id: PUBLIC_CLIENT.client_id,
    response_type: 'code',
    code_challenge: challenge,
  });
  return location(response).searchParams.get('iss');
}

describe('createControlApiHandler', () => {
  it('answers only under its base path, which must be a plain path other than /', async () => {
    const { controls, mock } = controlled();
    for (const path of ['/token', '/', '/__mocks/state', '/x/__mock/state']) {
      expect(await controls(new Request(`${BASE_URL}${path}`))).toBeUndefined();
    }
    // A trailing slash on the base is ignored.
    const slashed = createControlApiHandler(mock, '/__mock/');
    expect((await slashed(new Request(`${BASE_URL}/__mock/state`)))?.status).toBe(200);
    for (const bad of ['/', '', '__mock', '/a/../b', '/a//b', '/a b', '/a?b']) {
      expect(() => createControlApiHandler(mock, bad)).toThrow(TypeError);
    }
    expect(() => createControlApiHandler(mock, '/')).toThrow(
      /control path must be a path such as "\/__mock"/,
    );
  });

  it('GET state: issuer, resource, presets, preset, clock, approval, request count, faults', async () => {
    const { get, json, t } = controlled();
    await t.fetch(`${BASE_URL}/.well-known/oauth-authorization-server`);
    const state = await json<ControlApiState>(get('/state'));
    expect(state).toEqual({
      issuer: `${BASE_URL}/`,
      resource: `${BASE_URL}/mcp`,
      presets: MOCK_SERVER_PRESET_NAMES,
      preset: null,
      clock: { now: START / 1000, offsetSeconds: 0 },
      approval: 'auto',
      requestCount: 1,
      faults: [],
    });
  });

  it('lists the mock’s own presets too', async () => {
    const { get, json, post } = controlled({}, { presets: { mine: { requiredScopes: ['read'] } } });
    const state = await json<ControlApiState>(get('/state'));
    expect(state.presets).toEqual([...MOCK_SERVER_PRESET_NAMES, 'mine']);
    expect((await json<ControlApiState>(post('/preset', { name: 'mine' }))).preset).toBe('mine');
  });

  it('POST preset switches what the mock serves (iss-wrong) and keeps its state; an unknown name is a 400', async () => {
    const { mock, t, post, get, json } = controlled();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect(await authorizationIss(t)).toBeNull();

    const state = await json<ControlApiState>(post('/preset', { name: 'iss-wrong' }));
    expect(state.preset).toBe('iss-wrong');
    expect(mock.control.preset).toBe('iss-wrong');
    expect(await authorizationIss(t)).toBe('https://wrong-issuer.invalid/');
    const metadata = (await (
      await t.fetch(`${BASE_URL}/.well-known/oauth-authorization-server`)
    ).json()) as Body;
    expect(metadata['authorization_response_iss_parameter_supported']).toBe(true);
    // State is kept: the refresh token issued before still works.
    expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(200);

    const unknown = await json(post('/preset', { name: 'nope' }), 400);
    expect(unknown['error']).toBe('unknown_preset');
    expect(unknown['error_description']).toContain('unknown preset "nope"; known: fastmcp, latest');
    expect((await json<ControlApiState>(get('/state'))).preset).toBe('iss-wrong');
    await expectJsonError(await post('/preset', {}), 400, {
      error: 'invalid_request',
      error_description: 'preset: name is required',
    });
    await expectJsonError(await post('/preset', { name: 7 }), 400, {
      error: 'invalid_request',
      error_description: 'preset: name must be a string, got 7',
    });
  });

  it('POST reset: initial settings, empty log, clock back, empty provider; a body is optional', async () => {
    const { mock, t, post, call, json } = controlled();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    await json(post('/preset', { name: 'latest' }));
    await json(post('/clock', { advanceSeconds: 60 }));
    const state = await json<ControlApiState>(
      call('/reset', { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' } }),
    );
    expect(state).toMatchObject({
      preset: null,
      requestCount: 0,
      clock: { now: START / 1000, offsetSeconds: 0 },
    });
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeUndefined();

    const kept = await obtainTokens(t, PUBLIC_CLIENT);
    await json(post('/reset', { keepProviderState: true }));
    expect(await mock.provider.loadAccessToken(kept.access_token)).toBeDefined();
    await expectJsonError(await post('/reset', { keepProviderState: 'yes' }), 400, {
      error: 'invalid_request',
      error_description: 'reset: keepProviderState must be true or false, got "yes"',
    });
  });

  it('POST clock advances the mock’s time; a bad value is a 400 with the clock’s own message', async () => {
    const { mock, t, post, json } = controlled();
    const { code, verifier, redirectUri } = await obtainCode(t, PUBLIC_CLIENT);
    const state = await json<ControlApiState>(post('/clock', { advanceSeconds: 3600.5 }));
    expect(state.clock).toEqual({ now: Math.floor(START / 1000 + 3600.5), offsetSeconds: 3600.5 });
    expect(mock.control.clock.offsetSeconds()).toBe(3600.5);
    const exchange = await postForm(t, '/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: PUBLIC_CLIENT.client_id,
    });
    await expectJsonError(exchange, 400, {
      error: 'invalid_grant',
      error_description: 'authorization code has expired',
    });

    let message = '';
    try {
      mock.control.clock.advance(-1);
    } catch (error) {
      message = (error as Error).message;
    }
    await expectJsonError(await post('/clock', { advanceSeconds: -1 }), 400, {
      error: 'invalid_request',
      error_description: message,
    });
    await expectJsonError(await post('/clock', {}), 400, {
      error: 'invalid_request',
      error_description: 'clock: advanceSeconds is required',
    });
    await expectJsonError(await post('/clock', { advanceSeconds: '10' }), 400, {
      error: 'invalid_request',
      error_description: 'clock: advanceSeconds must be a number, got "10"',
    });
    expect(mock.control.clock.offsetSeconds()).toBe(3600.5);
  });

  it('POST fault injects an error (as failNext) or only a delay (as delayNext); DELETE fault clears them', async () => {
    const { mock, t, post, call, json } = controlled();
    const state = await json<ControlApiState>(
      post('/fault', {
        target: 'token',
        status: 503,
        error: 'temporarily_unavailable',
        errorDescription: 'try later',
        times: 2,
      }),
    );
    expect(state.faults).toEqual([
      {
        target: 'token',
        remaining: 2,
        delayMs: 0,
        error: { status: 503, error: 'temporarily_unavailable', errorDescription: 'try later' },
      },
    ]);
    for (let attempt = 0; attempt < 2; attempt++) {
      await expectJsonError(await refresh(t, PUBLIC_CLIENT, 'whatever'), 503, {
        error: 'temporarily_unavailable',
        error_description: 'try later',
      });
    }
    expect(mock.control.pendingFaults()).toEqual([]);

    // Only a delay: no error field.
    const delayed = await json<ControlApiState>(post('/fault', { target: 'metadata', delayMs: 20 }));
    expect(delayed.faults).toEqual([{ target: 'metadata', remaining: 1, delayMs: 20 }]);
    expect(mock.control.pendingFaults()[0]?.error).toBeUndefined();
    const started = Date.now();
    const metadata = await t.fetch(`${BASE_URL}/.well-known/oauth-authorization-server`);
    expect(metadata.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(mock.control.requests().at(-1)?.fault).toBe('delay');

    // An error with a delay, on an exact path, for some methods only; then cleared.
    await json(post('/fault', { target: '/register', delayMs: 5, methods: ['post'] }));
    await json(post('/fault', { target: 'authorize', redirect: true }));
    expect(mock.control.pendingFaults()).toMatchObject([
      { target: '/register', methods: ['POST'], delayMs: 5, error: undefined },
      { target: 'authorize', error: { redirect: true } },
    ]);
    await json(post('/fault', { target: 'revoke', status: 500, delayMs: 5 }));
    expect(mock.control.pendingFaults()[2]).toMatchObject({ delayMs: 5, error: { status: 500 } });
    expect((await json<ControlApiState>(call('/fault', { method: 'DELETE' }))).faults).toEqual([]);
    expect(mock.control.pendingFaults()).toEqual([]);
  });

  it('POST fault refuses what failNext and delayNext refuse, with their messages', async () => {
    const { mock, post } = controlled();
    const messageOf = (run: () => void): string => {
      try {
        run();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected the control to refuse');
    };
    const cases: Array<[Body, string]> = [
      [{ target: 'nope' }, messageOf(() => mock.control.failNext('nope' as never))],
      [{}, messageOf(() => mock.control.failNext(undefined as never))],
      [{ target: 'token', status: 200 }, messageOf(() => mock.control.failNext('token', { status: 200 }))],
      [{ target: 'token', times: 0 }, messageOf(() => mock.control.failNext('token', { times: 0 }))],
      [{ target: 'token', delayMs: -5 }, messageOf(() => mock.control.delayNext('token', -5))],
      [{ target: 'token', status: '503' }, 'fault: status must be a number, got "503"'],
      [{ target: 'token', error: 1 }, 'fault: error must be a string, got 1'],
      [{ target: 'token', methods: 'GET' }, 'fault: methods must be a list of strings, got "GET"'],
      [{ target: 'token', redirect: 'yes' }, 'fault: redirect must be true or false, got "yes"'],
      [
        { target: 'token', headers: {} },
        'unknown field "headers"; accepted: target, status, error, errorDescription, redirect, times, methods, delayMs',
      ],
    ];
    expect(cases[0]?.[1]).toMatch(/^fault target must be a path starting with "\/" or one of /);
    for (const [body, description] of cases) {
      await expectJsonError(await post('/fault', body), 400, {
        error: 'invalid_request',
        error_description: description,
      });
    }
    expect(mock.control.pendingFaults()).toEqual([]);
  });

  it('POST tokens expires or revokes every token of a kind and says how many', async () => {
    const { mock, t, post, json } = controlled();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    const expired = await json<ControlApiTokensResult>(post('/tokens', { action: 'expire', kind: 'access' }));
    expect(expired.count).toBe(1);
    expect(expired.issuer).toBe(`${BASE_URL}/`);
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeUndefined();
    const revoked = await json<ControlApiTokensResult>(post('/tokens', { action: 'revoke' }));
    expect(revoked.count).toBe(1); // the refresh token; the expired access token is already gone
    expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(400);

    await expectJsonError(await post('/tokens', { action: 'delete' }), 400, {
      error: 'invalid_request',
      error_description: 'tokens: action must be "expire" or "revoke", got "delete"',
    });
    await expectJsonError(await post('/tokens', { action: 'revoke', kind: 'id' }), 400, {
      error: 'invalid_request',
      error_description: 'tokens: kind must be one of "access", "refresh", "all", got "id"',
    });
  });

  it('a control the provider cannot do is a 501 naming the missing method', async () => {
    const bare = bareProvider();
    const mock: MockAuthServer = createMockAuthServer({ issuerUrl: BASE_URL }, { provider: bare });
    const controls = createControlApiHandler(mock, CONTROL);
    const response = await controls(
      new Request(`${BASE_URL}${CONTROL}/tokens`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ action: 'expire' }),
      }),
    );
    expect(response?.status).toBe(501);
    expect(await response?.json()).toEqual({
      error: 'unsupported',
      error_description: expect.stringContaining(
        'expireAllTokens() needs a provider with expireTokens()',
      ) as string,
    });
  });

  it('POST approval switches between approving at once and the consent page', async () => {
    const { t, post, get, json } = controlled();
    await json(post('/preset', { name: 'iss-missing' }));
    const state = await json<ControlApiState>(post('/approval', { mode: 'consent' }));
    expect(state.approval).toBe('consent');
    // The settings are now the preset plus a change: no longer "the preset".
    expect(state.preset).toBeNull();
    const { challenge } = await pkcePair();
    const query = { client_id: PUBLIC_CLIENT.client_id, response_type: 'code', code_challenge: challenge };
    expect(location(await authorize(t, query)).pathname).toBe('/consent');
    await json(post('/approval', { mode: 'auto' }));
    expect(location(await authorize(t, query)).searchParams.has('code')).toBe(true);
    expect((await json<ControlApiState>(get('/state'))).approval).toBe('auto');
    await expectJsonError(await post('/approval', { mode: 'ask' }), 400, {
      error: 'invalid_request',
      error_description: 'approval: mode must be "auto" or "consent", got "ask"',
    });
  });

  it('GET requests numbers the log so a poller reads only new entries; DELETE requests empties it', async () => {
    const { mock, t, get, call, json } = controlled();
    const metadata = `${BASE_URL}/.well-known/oauth-authorization-server`;
    await t.fetch(metadata);
    await obtainTokens(t, PUBLIC_CLIENT);
    const all = await json<ControlApiRequests>(get('/requests'));
    expect(all.first).toBe(0);
    expect(all.next).toBe(3);
    expect(all.entries.map((entry) => [entry.index, entry.method, entry.path, entry.status])).toEqual([
      [0, 'GET', '/.well-known/oauth-authorization-server', 200],
      [1, 'GET', '/authorize', 302],
      [2, 'POST', '/token', 200],
    ]);
    // The entry's own fields, as the log has them (secrets redacted).
    const { index: _index, ...tokenEntry } = all.entries[2] ?? { index: -1 };
    expect(tokenEntry).toEqual(JSON.parse(JSON.stringify(mock.control.requests()[2])));
    expect(all.entries[2]?.form).toMatchObject({ code: '[redacted]', code_verifier: '[redacted]' });

    await t.fetch(metadata);
    const newer = await json<ControlApiRequests>(get(`/requests?since=${all.next}`));
    expect(newer).toMatchObject({ first: 0, next: 4, entries: [{ index: 3, endpoint: 'metadata' }] });
    expect((await json<ControlApiRequests>(get('/requests?since=4'))).entries).toEqual([]);

    // Numbers go on after the log is emptied; `first` tells a poller what it missed.
    expect((await json<ControlApiState>(call('/requests', { method: 'DELETE' }))).requestCount).toBe(0);
    await t.fetch(metadata);
    const afterClear = await json<ControlApiRequests>(get('/requests?since=2'));
    expect(afterClear).toMatchObject({ first: 4, next: 5, entries: [{ index: 4 }] });
    // A `since` past the end (the mock restarted): everything the log holds.
    expect((await json<ControlApiRequests>(get('/requests?since=99'))).entries.map((e) => e.index)).toEqual([
      4,
    ]);

    for (const since of ['-1', 'abc', '1.5', '', '99999999999999999999']) {
      await expectJsonError(await get(`/requests?since=${since}`), 400, {
        error: 'invalid_request',
        error_description: `since must be a whole number ≥ 0 (a request's index), got ${JSON.stringify(since)}`,
      });
    }
  });

  it('control requests never reach the request log, faults or delays', async () => {
    const { mock, t, get, post, call, json } = controlled();
    await json(post('/fault', { target: `${CONTROL}/state` }));
    await json(post('/fault', { target: 'metadata', status: 500 }));
    await json(get('/state'));
    await json(get('/requests'));
    await json(post('/preset', { name: 'latest' }));
    await json(post('/clock', { advanceSeconds: 1 }));
    await json(post('/approval', { mode: 'consent' }));
    await json(post('/tokens', { action: 'expire' }));
    await json(post('/fault', {}), 400);
    await json(call('/nowhere'), 404);
    expect(mock.control.requests()).toEqual([]);
    expect(mock.control.totalRequests()).toBe(0);
    // The fault aimed at the control path is still waiting: control requests never consumed it.
    expect(mock.control.pendingFaults().map((fault) => fault.target)).toEqual([
      `${CONTROL}/state`,
      'metadata',
    ]);
    expect((await t.fetch(`${BASE_URL}/.well-known/oauth-authorization-server`)).status).toBe(500);
    expect(mock.control.requests().map((entry) => entry.path)).toEqual([
      '/.well-known/oauth-authorization-server',
    ]);
    expect((await json<ControlApiState>(get('/state'))).requestCount).toBe(1);
  });
});

describe('the control API refuses a caller’s mistakes with a 4xx JSON error', () => {
  it('unknown path 404, wrong method 405 with Allow, HEAD as GET without a body', async () => {
    const { call } = controlled();
    for (const path of ['', '/', '/nowhere', '/state/', '/constructor', '/__proto__']) {
      const response = await call(path);
      expect(response.status).toBe(404);
      const body = (await response.json()) as Body;
      expect(body['error']).toBe('not_found');
      expect(body['error_description']).toContain(
        'the endpoints are /__mock/state, /__mock/requests, /__mock/preset, /__mock/reset, /__mock/clock, /__mock/fault, /__mock/tokens, /__mock/approval',
      );
    }
    const wrong: Array<[string, string, string]> = [
      ['POST', '/state', 'GET'],
      ['GET', '/preset', 'POST'],
      ['PUT', '/requests', 'GET, DELETE'],
      ['GET', '/fault', 'POST, DELETE'],
      ['OPTIONS', '/reset', 'POST'],
    ];
    for (const [method, path, allow] of wrong) {
      const response = await call(path, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe(allow);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(((await response.json()) as Body)['error']).toBe('method_not_allowed');
    }
    const head = await call('/state', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(head.body).toBeNull();
  });

  it('bodies: JSON only, an object, known fields, bounded in size and depth', async () => {
    const { call, mock } = controlled();
    const send = (body: BodyInit | null, headers: Record<string, string> = JSON_HEADERS) =>
      call('/preset', { method: 'POST', headers, body });
    const cases: Array<[Response, number, string, string]> = [
      [
        await send('{"name":"latest"}', {}),
        415,
        'unsupported_media_type',
        'send Content-Type: application/json (with a JSON object, or no body): it keeps pages of other origins from driving the mock',
      ],
      [await send('{"name":"latest"}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type', ''],
      [
        await send('name=latest', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        'unsupported_media_type',
        '',
      ],
      [await send('{"name":'), 400, 'invalid_request', 'Request body is not valid JSON'],
      [
        await send(new Uint8Array([0x7b, 0xff, 0x7d])),
        400,
        'invalid_request',
        'Request body is not valid JSON',
      ],
      [await send('["latest"]'), 400, 'invalid_request', 'the body must be a JSON object'],
      [await send('null'), 400, 'invalid_request', 'the body must be a JSON object'],
      [
        await send('{"name":"latest","extra":1}'),
        400,
        'invalid_request',
        'unknown field "extra"; accepted: name',
      ],
      [
        await send(`{"name":${'['.repeat(100)}${']'.repeat(100)}}`),
        400,
        'invalid_request',
        'JSON is nested deeper than 64 levels',
      ],
      [
        await send(JSON.stringify({ name: 'x'.repeat(20_000) })),
        413,
        'request_too_large',
        'control request bodies are limited to 16384 bytes',
      ],
    ];
    for (const [response, status, error, description] of cases) {
      expect(response.status).toBe(status);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as Body;
      expect(body['error']).toBe(error);
      if (description !== '') expect(body['error_description']).toBe(description);
    }
    // A body that grows past the limit without announcing its length is cut off too.
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(8 * 1024).fill(0x20));
      },
    });
    const streamed = await call('/preset', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(mock.control.preset).toBeUndefined();
  });

  it('never answers a 5xx to a malformed request', async () => {
    const { call } = controlled();
    const bodies = [
      '',
      '{}',
      '[]',
      '0',
      '"x"',
      '{"name":null}',
      '{"target":{}}',
      '{"action":[]}',
      '{"mode":1}',
    ];
    for (const path of [
      '/state',
      '/requests',
      '/preset',
      '/reset',
      '/clock',
      '/fault',
      '/tokens',
      '/approval',
    ]) {
      for (const method of ['GET', 'POST', 'DELETE', 'PATCH']) {
        for (const body of method === 'GET' ? [null] : bodies) {
          const response = await call(path, { method, headers: JSON_HEADERS, body });
          expect(response.status, `${method} ${path} ${String(body)}`).toBeLessThan(500);
          expect(response.headers.get('content-type')).toBe('application/json');
          await response.arrayBuffer();
        }
      }
    }
  });
});
