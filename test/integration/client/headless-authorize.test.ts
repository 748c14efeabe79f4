import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlessAuthorize, HeadlessAuthorizeError } from '../../../src/index.js';

// A real loopback server: /redirect answers 302 like an auto-approving authorization endpoint.
const server = createServer((req, res) => {
  if (req.url?.startsWith('/redirect')) {
    res.writeHead(302, { location: '/callback?code=secret-code&state=s' });
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
  }
  res.end('<html>login</html>');
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('headlessAuthorize', () => {
  it('returns the absolute Location of the redirect without following it', async () => {
    const callback = await headlessAuthorize()(new URL(`${base}/redirect?x=1`));
    expect(callback).toBe(`${base}/callback?code=secret-code&state=s`);
  });

  it('throws a typed no_redirect error (without secrets) when the endpoint wants a user', async () => {
    const error = await headlessAuthorize()(new URL(`${base}/login`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeadlessAuthorizeError);
    expect((error as HeadlessAuthorizeError).code).toBe('no_redirect');
    expect((error as HeadlessAuthorizeError).status).toBe(200);
  });

  it('reports an unreachable endpoint as network_error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await headlessAuthorize()(
      new URL(`http://127.0.0.1:${port}/authorize?code_challenge=x`),
    ).catch((e: unknown) => e);
    expect((error as HeadlessAuthorizeError).code).toBe('network_error');
  });
});
