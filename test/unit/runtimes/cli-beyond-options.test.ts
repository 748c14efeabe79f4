import { describe, expect, it } from 'vitest';
import { CLI_HELP } from '../../../mock-server/runtimes/cli-help.js';
import { CliUsageError, parseCliArgs } from '../../../mock-server/runtimes/cli-options.js';
import { mergeSettingsLayers, parseConfigFile } from '../../../mock-server/runtimes/cli-settings.js';
import { BEYOND_FASTMCP_FLAGS } from '../../../mock-server/settings-beyond.js';
import { validateSettings } from '../../../mock-server/settings.js';

describe('CLI flags beyond FastMCP', () => {
  it('maps --spec and every switch (and its --no- twin) onto beyondFastMcp', () => {
    const on = parseCliArgs([
      '--spec',
      'latest',
      '--iss',
      '--path-aware-metadata',
      '--cimd',
      '--challenge-scope',
      '--audience-binding',
      '--code-replay-revocation',
      '--refresh-reuse-revocation',
      '--advertise-none',
      '--mcp-cors',
      '--step-up',
      '--restrict-redirect-schemes',
      '--client-credentials',
      '--dpop',
      '--jwt-bearer',
    ]).settings;
    expect(on.spec).toBe('latest');
    expect(Object.keys(on.beyondFastMcp ?? {}).sort()).toStrictEqual([...BEYOND_FASTMCP_FLAGS].sort());
    expect(Object.values(on.beyondFastMcp ?? {}).every((value) => value === true)).toBe(true);
    const off = parseCliArgs(['--spec', 'latest', '--no-advertise-none']).settings;
    expect(off.beyondFastMcp).toStrictEqual({ advertisePublicClients: false });
    const resolved = validateSettings({ issuerUrl: 'http://localhost:8000', ...off });
    expect(resolved.beyondFastMcp.advertisePublicClients).toBe(false);
    expect(resolved.beyondFastMcp.authorizationResponseIss).toBe(true);
  });

  it('refuses an unknown --spec and contradictions', () => {
    expect(() => parseCliArgs(['--spec', 'newest'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--cimd', '--no-cimd'])).toThrow(/contradict/);
  });

  it('documents the new flags in --help', () => {
    for (const flag of ['--spec', '--iss', '--cimd', '--audience-binding', '--mcp-cors', '--step-up']) {
      expect(CLI_HELP).toContain(flag);
    }
  });

  it('accepts the new settings in a config file and merges them key by key', () => {
    const config = parseConfigFile(
      JSON.stringify({
        spec: 'latest',
        beyondFastMcp: { mcpCors: false },
        mcp: { elevatedScope: 'root' },
        quirks: { omitS256: true },
        clientIdMetadataDocumentLimits: { timeoutMs: 1000 },
      }),
      'config.json',
    );
    const merged = mergeSettingsLayers(config, parseCliArgs(['--no-iss']).settings);
    expect(merged.beyondFastMcp).toStrictEqual({ mcpCors: false, authorizationResponseIss: false });
    expect(merged.mcp).toStrictEqual({ elevatedScope: 'root' });
    expect(merged.quirks).toStrictEqual({ omitS256: true });
    expect(merged.clientIdMetadataDocumentLimits).toStrictEqual({ timeoutMs: 1000 });
    expect(() => parseConfigFile('{"quirks": 1}', 'config.json')).toThrow(/quirks must be an object/);
  });
});

describe('--preset', () => {
  it('takes a built-in preset name and refuses others', () => {
    expect(parseCliArgs(['--preset', 'iss-wrong']).preset).toBe('iss-wrong');
    expect(() => parseCliArgs(['--preset', 'nope'])).toThrow(/--preset must be one of/);
    expect(CLI_HELP).toContain('--preset');
  });
});
