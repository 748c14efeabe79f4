import { describe, expect, it } from 'vitest';
import { runAuthorizationHandler } from '../../../src/authorize/run-handler.js';
import { AuthorizationError, HeadlessAuthorizeError } from '../../../src/errors.js';

const url = new URL('https://as.example/authorize?state=s');
const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e);
  return error instanceof AuthorizationError || error instanceof HeadlessAuthorizeError
    ? error.code
    : 'resolved';
};

describe('runAuthorizationHandler', () => {
  it('returns what the handler returns', async () => {
    await expect(
      runAuthorizationHandler(async () => 'http://127.0.0.1/cb?code=c', url, { timeoutMs: 60_000 }),
    ).resolves.toBe('http://127.0.0.1/cb?code=c');
  });

  it('says what to do when no handler was given', async () => {
    expect(await codeOf(runAuthorizationHandler(undefined, url, { timeoutMs: 60_000 }))).toBe(
      'no_authorization_handler',
    );
  });

  it('keeps a code the failing handler put in its message out of the error', async () => {
    const error = (await runAuthorizationHandler(
      async () => {
        throw new Error('could not open http://127.0.0.1/cb?code=SECRET-CODE&state=s');
      },
      url,
      { timeoutMs: 60_000 },
    ).catch((e: unknown) => e)) as AuthorizationError;
    expect(error.code).toBe('authorization_handler_failed');
    expect(error.message).not.toContain('SECRET-CODE');
    expect(error.message).toContain('http://127.0.0.1/cb?code=redacted&state=s');
  });

  it('wraps a failing handler and keeps typed errors as they are', async () => {
    expect(
      await codeOf(
        runAuthorizationHandler(
          async () => {
            throw new Error('popup blocked');
          },
          url,
          { timeoutMs: 60_000 },
        ),
      ),
    ).toBe('authorization_handler_failed');
    const typed = new HeadlessAuthorizeError({ code: 'no_redirect', message: 'x' });
    expect(
      await codeOf(
        runAuthorizationHandler(
          async () => {
            throw typed;
          },
          url,
          { timeoutMs: 60_000 },
        ),
      ),
    ).toBe('no_redirect');
  });

  it('stops a handler that never returns when the application aborts', async () => {
    const controller = new AbortController();
    const pending = runAuthorizationHandler(() => new Promise<never>(() => undefined), url, {
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    controller.abort();
    expect(await codeOf(pending)).toBe('aborted');
  });
});
