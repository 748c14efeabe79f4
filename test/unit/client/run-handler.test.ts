import { describe, expect, it } from 'vitest';
import { runAuthorizationHandler } from '../../../src/authorize/run-handler.js';
import { AuthorizationError, HeadlessAuthorizeError } from '../../../src/errors.js';

const url = new URL('https://as.example/authorize?state=s');
const request = {
  state: 's',
  redirectUri: 'http://127.0.0.1/cb',
  completeOnCallbackPage: async () => undefined,
};
const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e);
  return error instanceof AuthorizationError || error instanceof HeadlessAuthorizeError
    ? error.code
    : 'resolved';
};

describe('runAuthorizationHandler', () => {
  it('returns what the handler returns', async () => {
    await expect(
      runAuthorizationHandler(async () => 'http://127.0.0.1/cb?code=c', url, { timeoutMs: 60_000, request }),
    ).resolves.toBe('http://127.0.0.1/cb?code=c');
  });

  it('says what to do when no handler was given', async () => {
    expect(await codeOf(runAuthorizationHandler(undefined, url, { timeoutMs: 60_000, request }))).toBe(
      'no_authorization_handler',
    );
  });

  it('keeps a code the failing handler put in its message out of the error', async () => {
    const error = (await runAuthorizationHandler(
      async () => {
        throw new Error('could not open http://127.0.0.1/cb?code=SECRET-CODE&state=s');
      },
      url,
      { timeoutMs: 60_000, request },
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
          { timeoutMs: 60_000, request },
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
          { timeoutMs: 60_000, request },
        ),
      ),
    ).toBe('no_redirect');
  });

  it('tells the handler its state and redirect URI, and aborts its signal when the authorization is abandoned', async () => {
    const controller = new AbortController();
    let seen: { state: string; redirectUri: string; signal: AbortSignal } | undefined;
    const pending = runAuthorizationHandler(
      (_url, context) => {
        seen = context;
        return new Promise<never>(() => undefined);
      },
      url,
      { timeoutMs: 60_000, signal: controller.signal, request },
    );
    expect(seen?.state).toBe('s');
    expect(seen?.redirectUri).toBe('http://127.0.0.1/cb');
    expect(seen?.signal.aborted).toBe(false);
    controller.abort();
    expect(await codeOf(pending)).toBe('aborted');
    expect(seen?.signal.aborted).toBe(true);
  });

  it('stops a handler that never returns when the application aborts', async () => {
    const controller = new AbortController();
    const pending = runAuthorizationHandler(() => new Promise<never>(() => undefined), url, {
      timeoutMs: 60_000,
      signal: controller.signal,
      request,
    });
    controller.abort();
    expect(await codeOf(pending)).toBe('aborted');
  });
});
