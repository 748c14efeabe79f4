/**
 * Where server text enters errors and events: each place quotes it cleaned, bounded and scrubbed of the secrets it
 * is given, and the typed error keeps none of the raw answer in its cause.
 */
import { processRefreshTokenResponse, processRevocationResponse } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { bearerChallenge } from '../../../src/discovery/www-authenticate.js';
import { maskSecrets, McpAuthError } from '../../../src/errors.js';
import { createEventStream, safeEvent } from '../../../src/events.js';
import type { FlowEvent } from '../../../src/events.js';
import { validateCallback } from '../../../src/flow/authorization-response.js';
import { MESSAGE_LIMIT, SERVER_CODE_LIMIT, SERVER_TEXT_LIMIT } from '../../../src/server-text.js';
import { tokenEndpointFailure } from '../../../src/tokens/oauth-errors.js';

const TOKEN = 'access-token-0123456789abcdef';
const CODE = 'auth-code-0123456789abcdef';
const HUGE = 'h'.repeat(1024 * 1024);
const CONTROL = /[\p{Cc}\p{Cf}]/u;

/** Every string an error shows: its fields, `String()`, JSON, and the same for each cause down the chain. */
function shownTexts(error: unknown): string[] {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    if (current instanceof Error) {
      texts.push(current.message, String(current), JSON.stringify(current));
      for (const value of Object.values(current)) if (typeof value === 'string') texts.push(value);
      current = current.cause;
    } else {
      texts.push(JSON.stringify(current) ?? String(current));
      current = undefined;
    }
  }
  return texts;
}

/** Every string in a value, keys included. */
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => [key, ...allStrings(item)]);
  return [];
}

function expectClean(texts: readonly string[], secrets: readonly string[]): void {
  for (const text of texts) {
    expect(CONTROL.test(text), JSON.stringify(text.slice(0, 200))).toBe(false);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT + 200); // JSON of all fields together stays small too
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('McpAuthError', () => {
  it('cleans and bounds every text it is given, wherever it is built', () => {
    const error = new McpAuthError({
      code: 'invalid_response',
      step: 'discovery',
      message: `issuer "x\r\nSet-Cookie: a=b\u001b[2J${HUGE}"`,
      serverError: `bad\r\n${HUGE}`,
      serverErrorDescription: `desc\u0000${HUGE}`,
    });
    expect(error.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(error.serverError?.length).toBeLessThanOrEqual(SERVER_CODE_LIMIT);
    expect(error.serverErrorDescription?.length).toBeLessThanOrEqual(SERVER_TEXT_LIMIT);
    expectClean(shownTexts(error), []);
    expect(error.message).toContain('x Set-Cookie: a=b[2J');
  });
});

describe('maskSecrets', () => {
  it('masks the secrets in every text of an error, in place, and leaves other values alone', () => {
    const error = new McpAuthError({
      code: 'issuer_mismatch',
      step: 'discovery',
      message: `metadata names issuer "https://evil.example/?${TOKEN}"`,
      serverError: `e ${TOKEN}`,
      serverErrorDescription: `d ${TOKEN}`,
    });
    expect(maskSecrets(error, [TOKEN])).toBe(error);
    expect(error.message).toBe('metadata names issuer "https://evil.example/?[redacted]"');
    expect([error.serverError, error.serverErrorDescription]).toEqual(['e [redacted]', 'd [redacted]']);
    const other = new Error(TOKEN);
    expect(maskSecrets(other, [TOKEN]).message).toBe(TOKEN);
  });
});

describe('tokenEndpointFailure', () => {
  const as = { issuer: 'https://as.example' };
  const client = { client_id: 'c' };

  it('quotes an OAuth error scrubbed of the secrets, bounded, and keeps no cause holding the raw body', async () => {
    const raw = await thrown(
      processRevocationResponse(
        jsonResponse(
          {
            error: `invalid_grant\r\n${TOKEN}`,
            error_description: `you sent ${TOKEN} and ${CODE}\r\n${HUGE}`,
          },
          400,
        ),
      ),
    );
    const error = tokenEndpointFailure(raw, 'revocation', [TOKEN, CODE]);
    expect(error.code).toBe('revocation_failed');
    expect(error.serverError).toBe('invalid_grant [redacted]');
    expect(error.serverErrorDescription?.startsWith('you sent [redacted] and [redacted] hhh')).toBe(true);
    expect(error.cause).toBeUndefined();
    expectClean(shownTexts(error), [TOKEN, CODE]);
  });

  it('keeps no cause for a challenge or a malformed answer, whose oauth4webapi errors hold the response', async () => {
    const challenged = await thrown(
      processRevocationResponse(
        new Response(null, { status: 401, headers: { 'www-authenticate': `Basic realm="${TOKEN}"` } }),
      ),
    );
    const malformed = await thrown(
      processRefreshTokenResponse(as, client, jsonResponse({ access_token: TOKEN, token_type: 42 }, 200)),
    );
    for (const raw of [challenged, malformed]) {
      const error = tokenEndpointFailure(raw, 'refresh', [TOKEN]);
      expect(error).toBeInstanceOf(McpAuthError);
      expect(error.cause).toBeUndefined();
      expectClean(shownTexts(error), [TOKEN]);
    }
  });

  it('hands the transport’s own typed errors through unchanged', () => {
    const own = new McpAuthError({ code: 'response_too_large', step: 'token', message: 'too large' });
    expect(tokenEndpointFailure(own, 'token')).toBe(own);
  });
});

describe('bearerChallenge', () => {
  it('quotes error and description scrubbed of the secrets given, without control characters, bounded', () => {
    const challenge = bearerChallenge(
      `Bearer error="invalid_token\u0001", error_description="token ${TOKEN} \u001b[31m${'d'.repeat(10_000)}", scope="a b"`,
      [TOKEN],
    );
    expect(challenge?.error).toBe('invalid_token');
    expect(challenge?.errorDescription?.startsWith('token [redacted] [31mddd')).toBe(true);
    expect(challenge?.errorDescription?.length).toBe(SERVER_TEXT_LIMIT);
    expect(challenge?.scope).toBe('a b');
  });
});

describe('validateCallback', () => {
  const expected = { issuer: 'https://as.example', issParameterSupported: false };

  it('quotes the server’s error scrubbed of the code the callback carries and of the secrets given', () => {
    const callback = new URL('https://app.example/cb');
    callback.searchParams.set('state', 's');
    callback.searchParams.set('code', CODE);
    callback.searchParams.set('error', `access_denied\r\n${CODE}`);
    callback.searchParams.set('error_description', `verifier ${TOKEN}, code ${CODE}\u0000${HUGE}`);
    let error: unknown;
    try {
      validateCallback(callback, 's', expected, [TOKEN]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'authorization_error' });
    expectClean(shownTexts(error), [TOKEN, CODE]);
  });

  it('quotes a wrong iss scrubbed and bounded', () => {
    const callback = new URL('https://app.example/cb');
    callback.searchParams.set('iss', `https://evil.example/${CODE}\r\n${HUGE}`);
    callback.searchParams.set('state', 's');
    callback.searchParams.set('code', CODE);
    let error: unknown;
    try {
      validateCallback(callback, 's', expected);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'iss_mismatch' });
    expectClean(shownTexts(error), [CODE]);
  });
});

describe('events', () => {
  it('are scrubbed of the secrets known at the time they are emitted, cleaned and bounded', () => {
    const secrets = new Set<string>();
    const seen: FlowEvent[] = [];
    const events = createEventStream((event) => seen.push(event), secrets);
    secrets.add(TOKEN); // learnt after the stream was made
    events.emit({
      step: 'registration',
      status: 'succeeded',
      message: `registered ${TOKEN}\r\nX-Injected: 1`,
      request: { method: 'POST', url: `https://as.example/register?x=${TOKEN}` },
      detail: {
        client_id: `id\r\nSet-Cookie: a=b ${TOKEN}${HUGE}`,
        scopes: Array.from({ length: 1000 }, (_, i) => `s${i}\u0000${TOKEN}`),
        refresh_token: true,
        expires_at: 5,
      },
      error: { code: 'registration_failed', message: `bad ${TOKEN}\u001b` },
    });
    const [event] = seen;
    expect(event?.message).toBe('registered [redacted] X-Injected: 1');
    expect(event?.detail?.['client_id']).toHaveLength(SERVER_TEXT_LIMIT);
    expect(event?.detail?.['scopes']).toHaveLength(100);
    expect(event?.detail?.['refresh_token']).toBe(true);
    expect(event?.detail?.['expires_at']).toBe(5);
    expect(JSON.stringify(event).length).toBeLessThan(20_000);
    for (const text of allStrings(event)) {
      expect(text).not.toContain(TOKEN);
      expect(CONTROL.test(text), JSON.stringify(text.slice(0, 100))).toBe(false);
    }
  });

  it('safeEvent leaves a clean event as it was', () => {
    const event = { step: 'token', status: 'started', message: 'exchanging the authorization code' } as const;
    expect(safeEvent(event, [TOKEN])).toEqual(event);
  });
});
