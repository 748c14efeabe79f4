/**
 * `headlessAuthorize()` against a server that signs in the way real ones do: a chain of redirects (authorization →
 * login → consent → back to authorization → redirect URI) carried by cookies, over real loopback HTTP.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlessAuthorize, HeadlessAuthorizeError } from '../../../src/index.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

// Each step needs the cookie the step before set, as an authorization server's interaction cookies do.
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const cookies = req.headers.cookie ?? '';
  const redirect = (location: string, setCookie?: string): void => {
    res.writeHead(303, { location, ...(setCookie ? { 'set-cookie': setCookie } : {}) });
    res.end();
  };
  switch (url.pathname) {
    case '/authorize':
      if (cookies.includes('consented=yes')) return redirect(`${REDIRECT_URI}?code=c0de&state=st`);
      return redirect('/interaction/1/login', 'interaction=1; Path=/interaction/1; HttpOnly');
    case '/interaction/1/login':
      if (!cookies.includes('interaction=1')) break;
      return redirect('/interaction/1/consent', 'session=s1; Path=/; HttpOnly');
    case '/interaction/1/consent':
      if (!cookies.includes('session=s1') || !cookies.includes('interaction=1')) break;
      // The interaction cookie is dropped, the consent remembered; back to the authorization endpoint.
      res.setHeader('set-cookie', ['interaction=; Path=/interaction/1; Max-Age=0', 'consented=yes; Path=/']);
      return redirect('/authorize?resume=1');
    case '/login-form':
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<form method="post"><input name="login"><input type="password" name="pw"></form>');
    case '/loop':
      return redirect('/loop');
    case '/elsewhere':
      return redirect('http://127.0.0.2:1/sso');
  }
  res.writeHead(400);
  res.end('missing cookie');
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const context = { redirectUri: REDIRECT_URI, signal: new AbortController().signal };

describe('headlessAuthorize through a chain of redirects', () => {
  it('follows login and consent with their cookies to the redirect URI, which it does not fetch', async () => {
    const callback = await headlessAuthorize()(new URL(`${base}/authorize?state=st`), context);
    expect(callback).toBe(`${REDIRECT_URI}?code=c0de&state=st`);
  });

  it('keeps the cookies for the next authorization (a step-up finds the session)', async () => {
    let requests = 0;
    const handler = headlessAuthorize({
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    await handler(new URL(`${base}/authorize`), context);
    expect(requests).toBe(4);
    // Consent is remembered in a cookie: the second authorization goes straight to the redirect URI.
    await expect(handler(new URL(`${base}/authorize`), context)).resolves.toContain('code=c0de');
    expect(requests).toBe(5);
  });

  it('takes the redirect URI from the request when called without a context', async () => {
    const url = new URL(`${base}/authorize`);
    url.searchParams.set('redirect_uri', REDIRECT_URI);
    await expect(headlessAuthorize()(url)).resolves.toBe(`${REDIRECT_URI}?code=c0de&state=st`);
  });

  it('stops at a login form, naming the page (redacted) and its status', async () => {
    const error = await headlessAuthorize()(new URL(`${base}/login-form?code=secret-code`), context).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HeadlessAuthorizeError);
    const { code, status, message } = error as HeadlessAuthorizeError;
    expect([code, status]).toEqual(['no_redirect', 200]);
    expect(message).toContain(`${base}/login-form?code=redacted`);
    expect(message).toContain('a login form');
    expect(message).not.toContain('secret-code');
  });

  it('gives up on a redirect loop after maxRedirects', async () => {
    const error = await headlessAuthorize({ maxRedirects: 5 })(new URL(`${base}/loop`), context).catch(
      (e: unknown) => e,
    );
    expect((error as HeadlessAuthorizeError).code).toBe('redirect_refused');
    expect((error as HeadlessAuthorizeError).message).toContain('followed 5 redirects');
  });

  it('never follows a redirect to another origin unless allowed', async () => {
    const error = await headlessAuthorize()(new URL(`${base}/elsewhere`), context).catch((e: unknown) => e);
    expect((error as HeadlessAuthorizeError).code).toBe('redirect_refused');
    expect((error as HeadlessAuthorizeError).message).toContain("allowedOrigins: ['http://127.0.0.2:1']");
    // Allowed: it is followed (and nothing listens there).
    const followed = await headlessAuthorize({ allowedOrigins: ['http://127.0.0.2:1'] })(
      new URL(`${base}/elsewhere`),
      context,
    ).catch((e: unknown) => e);
    expect((followed as HeadlessAuthorizeError).code).toBe('network_error');
  });
});
