/**
 * An authorization server that fails on its side (5xx) but says what failed in RFC 6749 §5.2 terms: the client keeps
 * the server's `error` and `error_description` and says what to do in its own words, at every token step.
 */
import { describe, expect, it } from 'vitest';
import { TokenError } from '../../../src/index.js';
import type { FlowEvent } from '../../../src/index.js';
import { createMockWorld, failure } from './support/mock-world.js';

describe('a token endpoint that answers 503 with an RFC error body', () => {
  it('keeps serverError and its description for the code exchange', async () => {
    const world = createMockWorld();
    world.mock.control.failNext('token', {
      status: 503,
      error: 'temporarily_unavailable',
      errorDescription: 'down for maintenance',
    });
    const error = await failure(world.connect());
    expect(error).toBeInstanceOf(TokenError);
    expect(error.code).toBe('token_request_failed');
    expect(error.status).toBe(503);
    expect(error.serverError).toBe('temporarily_unavailable');
    expect(error.serverErrorDescription).toBe('down for maintenance');
    expect(error.message).toContain('try again later');
    expect(error.message).not.toContain('conform');
  });

  it('reports them for a refresh too, in the failed refresh event', async () => {
    const world = createMockWorld();
    const events: FlowEvent[] = [];
    const client = await world.connect({ onEvent: (event) => events.push(event) });
    world.mock.control.expireAllTokens('access');
    world.mock.control.failNext('token', {
      status: 503,
      error: 'server_error',
      errorDescription: 'database away',
    });
    // The client copes as it can (here: a fresh sign-in, which the headless handler grants); the failed refresh says
    // what the server said, never oauth4webapi's wording.
    await client.listTools().catch(() => undefined);
    const failed = events.find((event) => event.step === 'refresh' && event.status === 'failed');
    expect(failed?.error?.message).toContain('HTTP 503 with server_error (database away)');
    expect(failed?.error?.message).not.toContain('conform');
    await client.close();
  });
});
