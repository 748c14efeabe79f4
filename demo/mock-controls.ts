import { CONTROL_PATH } from './mock-settings.js';

/**
 * The embedded mock's controls, over the HTTP control API the Vite plugin mounts (`controlPath`): presets, the
 * clock, faults, tokens. Absent when the page talks to any other server.
 */
export interface MockState {
  readonly presets: readonly string[];
  readonly preset: string | null;
  readonly issuer: string;
  readonly clock?: { readonly now: number; readonly offsetSeconds: number };
}

export interface MockControls {
  state(): Promise<MockState>;
  usePreset(name: string): Promise<void>;
  reset(): Promise<void>;
  advanceClock(seconds: number): Promise<void>;
  failNext(target: string, status: number, error: string): Promise<void>;
  expireAccessTokens(): Promise<void>;
}

/** The controls of the mock at `origin`, or undefined when nothing answers there. */
export async function connectMockControls(origin: string): Promise<MockControls | undefined> {
  const base = `${origin}${CONTROL_PATH}`;
  const post = async (path: string, body: unknown): Promise<void> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      const answer = (await response.json().catch(() => ({}))) as { error_description?: string };
      throw new Error(answer.error_description ?? `the mock answered ${response.status}`);
    }
  };
  const state = async (): Promise<MockState> => {
    const response = await fetch(`${base}/state`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`the mock answered ${response.status}`);
    return (await response.json()) as MockState;
  };
  try {
    await state();
  } catch {
    return undefined;
  }
  return {
    state,
    usePreset: (name) => post('/preset', { name }),
    reset: () => post('/reset', {}),
    advanceClock: (seconds) => post('/clock', { advanceSeconds: seconds }),
    failNext: (target, status, error) => post('/fault', { target, status, error }),
    expireAccessTokens: () => post('/tokens', { action: 'expire', kind: 'access' }),
  };
}
