/** The controllable clock: a manual clock to inject, and `control.clock.advance` on any mock. */
import { describe, expect, it } from 'vitest';
import { createManualClock, createMockAuthServer } from '../../../mock-server/index.js';
import {
  ALL_CLIENTS,
  PUBLIC_CLIENT,
  expectJsonError,
  obtainTokens,
  refresh,
  type CaseContext,
} from '../mock-server/helpers.js';
import { BASE_URL, START, inProcess } from './support.js';

describe('createManualClock', () => {
  it('stands still until advanced or set', () => {
    const clock = createManualClock(new Date(START));
    expect(clock.now()).toBe(START);
    clock.advance(1.5);
    expect(clock.now()).toBe(START + 1500);
    clock.set(START - 10);
    expect(clock.now()).toBe(START - 10);
  });

  it('refuses time that goes backwards or is not a number', () => {
    const clock = createManualClock(START);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => createManualClock(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(START);
  });
});

describe('control.clock', () => {
  it('moves the mock’s time on top of the injected clock; reset undoes the skips', () => {
    const { mock } = inProcess();
    expect(mock.control.clock.now()).toBe(START);
    mock.control.clock.advance(60);
    expect(mock.control.clock.now()).toBe(START + 60_000);
    expect(mock.clock.now()).toBe(START + 60_000);
    expect(() => mock.control.clock.advance(-5)).toThrow(RangeError);
    mock.control.reset();
    expect(mock.control.clock.now()).toBe(START);
  });

  it('expires tokens without waiting even on the real clock (no clock injected)', async () => {
    const mock = createMockAuthServer({ issuerUrl: BASE_URL, clients: ALL_CLIENTS });
    const t: CaseContext = {
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        mock.fetch(new Request(input, init))) as typeof fetch,
      baseUrl: BASE_URL,
    };
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeDefined();
    mock.control.clock.advance(3601);
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeUndefined();
    mock.control.clock.advance(30 * 24 * 3600);
    await expectJsonError(await refresh(t, PUBLIC_CLIENT, tokens.refresh_token), 400, {
      error: 'invalid_grant',
      error_description: 'refresh token has expired',
    });
  });
});
