import { describe, expect, it } from 'vitest';
import { CLI_HELP } from '../../../mock-server/runtimes/cli-help.js';
import { CliUsageError, parseCliArgs } from '../../../mock-server/runtimes/cli-options.js';
import { mergeSettingsLayers, parseConfigFile } from '../../../mock-server/runtimes/cli-settings.js';
import { validateSettings } from '../../../mock-server/settings.js';

describe('CLI flags for DPoP', () => {
  it('--dpop switches it on, --no-dpop off again under --spec latest', () => {
    expect(parseCliArgs(['--dpop']).settings.beyondFastMcp).toStrictEqual({ dpop: true });
    const off = parseCliArgs(['--spec', 'latest', '--no-dpop']).settings;
    const resolved = validateSettings({ issuerUrl: 'http://localhost:8000', ...off });
    expect(resolved.beyondFastMcp.dpop).toBe(false);
    expect(validateSettings({ issuerUrl: 'http://localhost:8000', spec: 'latest' }).beyondFastMcp.dpop).toBe(
      true,
    );
  });

  it('--dpop-nonce and --dpop-algs set the dpop options', () => {
    const settings = parseCliArgs(['--dpop', '--dpop-nonce', 'both', '--dpop-algs', 'ES256, EdDSA']).settings;
    expect(settings.dpop).toStrictEqual({ nonce: 'both', algorithms: ['ES256', 'EdDSA'] });
    const resolved = validateSettings({ issuerUrl: 'http://localhost:8000', ...settings });
    expect(resolved.dpop.nonce).toBe('both');
    expect(resolved.dpop.algorithms).toStrictEqual(['ES256', 'EdDSA']);
    expect(parseCliArgs(['--dpop-nonce', 'as']).settings.dpop).toStrictEqual({ nonce: 'as' });
  });

  it('refuses an unknown nonce mode or algorithm', () => {
    expect(() => parseCliArgs(['--dpop-nonce', 'always'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--dpop-nonce', 'always'])).toThrow(
      /--dpop-nonce must be one of none, as, rs, both/,
    );
    expect(() => parseCliArgs(['--dpop-algs', 'ES256,HS256'])).toThrow(/--dpop-algs takes .*"HS256"/);
    expect(() => parseCliArgs(['--dpop-algs', ','])).toThrow(CliUsageError);
  });

  it('merges a config file dpop object key by key with the flags', () => {
    const config = parseConfigFile(
      JSON.stringify({ dpop: { nonceLifetimeSeconds: 30, nonce: 'rs' } }),
      'c.json',
    );
    const merged = mergeSettingsLayers(config, parseCliArgs(['--dpop-nonce', 'as']).settings);
    expect(merged.dpop).toStrictEqual({ nonceLifetimeSeconds: 30, nonce: 'as' });
    expect(() => parseConfigFile('{"dpop": true}', 'c.json')).toThrow(/dpop must be an object/);
  });

  it('documents the flags in --help', () => {
    for (const flag of ['--dpop ', '--dpop-nonce', '--dpop-algs']) expect(CLI_HELP).toContain(flag);
  });
});
