/** `--protocol-eras`: which MCP eras the CLI's endpoint serves. */
import { describe, expect, it } from 'vitest';
import { CLI_HELP } from '../../../mock-server/runtimes/cli-help.js';
import { CliUsageError, parseCliArgs } from '../../../mock-server/runtimes/cli-options.js';
import { mergeSettingsLayers, parseConfigFile } from '../../../mock-server/runtimes/cli-settings.js';

describe('--protocol-eras', () => {
  it('takes one era or both, comma-separated', () => {
    expect(parseCliArgs(['--protocol-eras', '2026-07-28']).settings.mcp).toStrictEqual({
      protocolEras: ['2026-07-28'],
    });
    expect(parseCliArgs(['--protocol-eras', '2025-11-25, 2026-07-28']).settings.mcp).toStrictEqual({
      protocolEras: ['2025-11-25', '2026-07-28'],
    });
  });

  it('refuses an era the endpoint does not have, naming it', () => {
    expect(() => parseCliArgs(['--protocol-eras', '2026-07-28,2024-11-05'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--protocol-eras', '2024-11-05'])).toThrow(/"2024-11-05"/);
  });

  it('merges with the mcp options of a config file and is documented in --help', () => {
    const config = parseConfigFile(JSON.stringify({ mcp: { serverName: 'x' } }), 'config.json');
    const merged = mergeSettingsLayers(config, parseCliArgs(['--protocol-eras', '2026-07-28']).settings);
    expect(merged.mcp).toStrictEqual({ serverName: 'x', protocolEras: ['2026-07-28'] });
    expect(CLI_HELP).toContain('--protocol-eras <eras>');
  });
});
