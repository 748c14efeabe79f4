/** Run-time reconfiguration, presets and reset: settings and routes switch together, state stays unless reset. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsError } from '../../../mock-server/index.js';
import { applySettingsPatch } from '../../../mock-server/controls/settings-patch.js';
import {
  CALLBACK,
  PUBLIC_CLIENT,
  authorize,
  location,
  obtainTokens,
  pkcePair,
  refresh,
  type CaseContext,
} from '../mock-server/helpers.js';
import { BASE_URL, inProcess, track } from './support.js';

afterEach(() => {
  vi.useRealTimers();
});

async function metadata(t: CaseContext): Promise<Record<string, unknown>> {
  const response = await t.fetch(`${BASE_URL}/.well-known/oauth-authorization-server`);
  return (await response.json()) as Record<string, unknown>;
}

function register(t: CaseContext): Promise<Response> {
  return t.fetch(`${BASE_URL}/register`, {
    method: 'POST',
    body: JSON.stringify({ redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' }),
  });
}

describe('applySettingsPatch', () => {
  it('merges objects key by key, replaces arrays and scalars, and undefined removes', () => {
    const base = {
      issuerUrl: BASE_URL,
      requiredScopes: ['a', 'b'],
      clientRegistrationOptions: { enabled: true, validScopes: ['x'] },
      approval: 'consent' as const,
    };
    const merged = applySettingsPatch(base, {
      requiredScopes: ['c'],
      clientRegistrationOptions: { validScopes: undefined, defaultScopes: ['y'] },
      approval: undefined,
    });
    expect(merged).toStrictEqual({
      issuerUrl: BASE_URL,
      requiredScopes: ['c'],
      clientRegistrationOptions: { enabled: true, defaultScopes: ['y'] },
    });
    expect(base.clientRegistrationOptions.validScopes).toEqual(['x']);
  });
});

describe('control.reconfigure', () => {
  it('switches routes and metadata together and keeps clients and tokens', async () => {
    const { mock, t } = inProcess();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect((await register(t)).status).toBe(404);
    expect((await metadata(t))['registration_endpoint']).toBeUndefined();

    const settings = mock.control.reconfigure({ clientRegistrationOptions: { enabled: true } });
    expect(settings.clientRegistrationOptions.enabled).toBe(true);
    expect(mock.settings).toBe(settings);
    expect((await metadata(t))['registration_endpoint']).toBe(`${BASE_URL}/register`);
    const registered = (await (await register(t)).json()) as { client_id: string };

    mock.control.reconfigure({ revocationOptions: { enabled: true } });
    // Patches apply to the current settings: registration is still on.
    expect(mock.routes.map((route) => route.path)).toEqual(expect.arrayContaining(['/register', '/revoke']));
    expect(await mock.provider.getClient(registered.client_id)).toBeDefined();
    expect((await refresh(t, PUBLIC_CLIENT, tokens.refresh_token)).status).toBe(200);
  });

  it('changes what the default provider does (approval, lifetimes)', async () => {
    const { mock, t } = inProcess();
    mock.control.reconfigure({ approval: 'consent', tokenLifetimes: { accessTokenSeconds: 60 } });
    const { challenge } = await pkcePair();
    const response = await authorize(t, {
      client_id: PUBLIC_CLIENT.client_id,
      response_type: 'code',
      code_challenge: challenge,
    });
    expect(location(response).pathname).toBe('/consent');
    mock.control.reconfigure({ approval: 'auto' });
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    expect(tokens.expires_in).toBe(60);
  });

  it('adds or replaces the clients a patch names and keeps every other client', async () => {
    const { mock, t } = inProcess({ clients: [PUBLIC_CLIENT] });
    const extra = {
      client_id: 'late-client',
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none' as const,
    };
    mock.control.reconfigure({ clients: [extra] });
    expect(await mock.provider.getClient(PUBLIC_CLIENT.client_id)).toBeDefined();
    expect((await mock.provider.getClient('late-client'))?.redirect_uris).toEqual([CALLBACK]);
    await obtainTokens(t, extra);
  });

  it('refuses an invalid patch with SettingsError and changes nothing', async () => {
    const { mock, t } = inProcess();
    const before = mock.settings;
    expect(() => mock.control.reconfigure({ issuerUrl: 'http://example.com' })).toThrow(SettingsError);
    expect(() => mock.control.reconfigure({ tokenLifetimes: { accessTokenSeconds: -1 } })).toThrow(
      /tokenLifetimes.accessTokenSeconds/,
    );
    expect(mock.settings).toBe(before);
    expect((await metadata(t))['issuer']).toBe(`${BASE_URL}/`);
  });

  it('a request in flight is answered entirely with the configuration it arrived under', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { mock, t } = inProcess();
    mock.control.delayNext('metadata', 100);
    const inFlight = track(metadata(t));
    await vi.advanceTimersByTimeAsync(0);
    mock.control.reconfigure({ serviceDocumentationUrl: 'https://docs.test/' });
    expect((await metadata(t))['service_documentation']).toBe('https://docs.test/');
    expect(inFlight.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect((await inFlight.promise)['service_documentation']).toBeUndefined();
  });
});

describe('control.usePreset', () => {
  const presets = {
    'with-registration': { clientRegistrationOptions: { enabled: true } },
    'docs-at-issuer': (initial: { issuerUrl: string }) => ({
      serviceDocumentationUrl: `${initial.issuerUrl}docs`,
    }),
  };

  it('applies a named patch to the initial settings; presets do not stack', async () => {
    const { mock, t } = inProcess({}, { presets });
    expect(mock.control.presetNames()).toEqual(expect.arrayContaining(Object.keys(presets)));
    mock.control.usePreset('with-registration');
    expect(mock.control.preset).toBe('with-registration');
    expect((await register(t)).status).toBe(201);
    mock.control.usePreset('docs-at-issuer');
    expect(mock.control.preset).toBe('docs-at-issuer');
    const published = await metadata(t);
    expect(published['service_documentation']).toBe(`${BASE_URL}/docs`);
    expect(published['registration_endpoint']).toBeUndefined();
    mock.control.reconfigure({ approval: 'consent' });
    expect(mock.control.preset).toBeUndefined();
  });

  it('names the known presets when asked for an unknown one', () => {
    const { mock } = inProcess({}, { presets });
    expect(() => mock.control.usePreset('nope')).toThrow(/unknown preset "nope"; known: .*with-registration/);
    expect(() => mock.control.usePreset('toString')).toThrow(SettingsError);
  });
});

describe('control.reset', () => {
  it('keeps clients and tokens when asked to', async () => {
    const { mock, t } = inProcess();
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    mock.control.reconfigure({ tokenLifetimes: { accessTokenSeconds: 5 } });
    mock.control.reset({ keepProviderState: true });
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeDefined();
    expect((await obtainTokens(t, PUBLIC_CLIENT)).expires_in).toBe(3600);
  });

  it('goes back to the initial settings, an empty provider, no faults, an empty log and undone clock skips', async () => {
    const { mock, t } = inProcess({ clientRegistrationOptions: { enabled: true } }, {});
    const initial = mock.settings;
    const tokens = await obtainTokens(t, PUBLIC_CLIENT);
    const registered = (await (await register(t)).json()) as { client_id: string };
    mock.control.reconfigure({ clientRegistrationOptions: { enabled: false } });
    mock.control.failNext('token', { times: 3 });
    mock.control.clock.advance(10);

    mock.control.reset();

    expect(mock.settings).toStrictEqual(initial);
    expect(mock.control.pendingFaults()).toEqual([]);
    expect(mock.control.requests()).toEqual([]);
    expect(mock.control.clock.now()).toBe(Date.UTC(2030, 0, 1));
    expect(await mock.provider.getClient(registered.client_id)).toBeUndefined();
    expect(await mock.provider.getClient(PUBLIC_CLIENT.client_id)).toBeDefined();
    expect(await mock.provider.loadAccessToken(tokens.access_token)).toBeUndefined();
    expect((await register(t)).status).toBe(201);
    await obtainTokens(t, PUBLIC_CLIENT);
  });
});
