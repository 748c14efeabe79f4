/** The request log: what arrived and what was answered, secrets redacted, bounded. */
import { describe, expect, it } from 'vitest';
import { REDACTED_PARAMETERS } from '../../../mock-server/index.js';
import { BASIC_CLIENT, PUBLIC_CLIENT, obtainTokens, postForm, refresh } from '../mock-server/helpers.js';
import { BASE_URL, START, inProcess } from './support.js';

describe('control.requests', () => {
  it('records method, path, endpoint, parameters, status and the mock-clock time of a flow', async () => {
    const { mock, t } = inProcess();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT, { scope: 'read' });
    mock.control.clock.advance(5);
    await refresh(t, PUBLIC_CLIENT, tokens.refresh_token);
    const log = mock.control.requests();
    expect(log).toHaveLength(3);
    expect(log[0]).toMatchObject({
      time: START,
      method: 'GET',
      path: '/authorize',
      endpoint: 'authorize',
      status: 302,
      fault: undefined,
      authorization: undefined,
      query: { client_id: 'public-client', response_type: 'code', state: 'xyz', scope: 'read' },
      form: {},
    });
    expect(log[1]).toMatchObject({
      method: 'POST',
      endpoint: 'token',
      status: 200,
      form: {
        grant_type: 'authorization_code',
        code: '[redacted]',
        code_verifier: '[redacted]',
        client_id: 'public-client',
      },
    });
    expect(log[2]).toMatchObject({
      time: START + 5000,
      form: { grant_type: 'refresh_token', refresh_token: '[redacted]' },
    });
    expect(JSON.stringify(log)).not.toContain(tokens.refresh_token);
  });

  it('logs a form exactly when the route reads one (same media-type rule, same parser)', async () => {
    const { mock, t } = inProcess();
    const body = 'grant_type=refresh_token&client_id=public-client&a=1&a=2';
    for (const contentType of [
      'application/x-www-form-urlencoded',
      'Application/X-WWW-Form-URLEncoded; charset=utf-8',
      'application/x-www-form-urlencoded-not',
      'application/x-www-form-urlencodedjson',
    ]) {
      await t.fetch(`${BASE_URL}/token`, { method: 'POST', body, headers: { 'content-type': contentType } });
    }
    const answered = mock.control.requests().map((entry) => [entry.status, entry.form]);
    const parsed = { grant_type: 'refresh_token', client_id: 'public-client', a: '2' };
    // A media type the route does not read as a form is "nothing sent" (401 Missing client_id), and logs nothing.
    expect(answered).toStrictEqual([
      [400, parsed],
      [400, parsed],
      [401, {}],
      [401, {}],
    ]);
  });

  it('redacts every secret parameter in query and form, and the Authorization credentials', async () => {
    const { mock, t } = inProcess();
    const secrets = Object.fromEntries([...REDACTED_PARAMETERS].map((name) => [name, `secret-${name}`]));
    for (const name of [
      'client_secret',
      'code',
      'code_verifier',
      'refresh_token',
      'access_token',
      'token',
      'assertion',
      'password',
    ]) {
      expect(REDACTED_PARAMETERS.has(name)).toBe(true);
    }
    await t.fetch(`${BASE_URL}/authorize?${new URLSearchParams({ ...secrets, state: 's' }).toString()}`);
    await postForm(
      t,
      '/token',
      { ...secrets, client_id: BASIC_CLIENT.client_id, client_secret: '' },
      {
        Authorization: `Basic ${btoa('basic%20client%3A1:s3cr%3Aet%2F%C3%BC')}`,
      },
    );
    const text = JSON.stringify(mock.control.requests());
    expect(text).not.toContain('secret-');
    expect(text).not.toContain(btoa('basic%20client%3A1:s3cr%3Aet%2F%C3%BC'));
    const [query, form] = mock.control.requests();
    expect(query?.query).toMatchObject({ code: '[redacted]', token: '[redacted]', state: 's' });
    expect(form?.form).toMatchObject({
      password: '[redacted]',
      client_secret: '',
      client_id: 'basic client:1',
    });
    expect(form?.authorization).toBe('Basic [redacted]');
  });

  it('reads multipart forms, leaves bodies alone for the route, and logs answers to oversized bodies', async () => {
    const { mock, t } = inProcess();
    const multipart = new FormData();
    multipart.set('grant_type', 'refresh_token');
    multipart.set('refresh_token', 'rt-secret');
    multipart.set('client_id', PUBLIC_CLIENT.client_id);
    multipart.set('upload', new Blob(['x']), 'x.txt');
    const response = await t.fetch(`${BASE_URL}/token`, { method: 'POST', body: multipart });
    // The route read the same body: a real answer, not a parse error.
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
    const big = 'x'.repeat(5 * 1024 * 1024);
    expect((await postForm(t, '/token', { grant_type: big })).status).toBe(413);
    expect(mock.control.requests()).toMatchObject([
      {
        form: {
          grant_type: 'refresh_token',
          refresh_token: '[redacted]',
          client_id: 'public-client',
          upload: '[file]',
        },
      },
      { path: '/token', status: 413, form: {} },
    ]);
  });

  it('keeps only the most recent entries, and clears', async () => {
    const { mock, t } = inProcess({}, { requestLogLimit: 2 });
    for (const path of ['/a', '/b', '/c']) await t.fetch(`${BASE_URL}${path}`);
    expect(mock.control.requests().map((entry) => [entry.path, entry.status, entry.endpoint])).toEqual([
      ['/b', 404, undefined],
      ['/c', 404, undefined],
    ]);
    mock.control.clearRequests();
    expect(mock.control.requests()).toEqual([]);
  });

  it('refuses a useless limit', () => {
    expect(() => inProcess({}, { requestLogLimit: 0 })).toThrow(/requestLogLimit/);
  });
});
