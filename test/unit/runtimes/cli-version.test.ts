import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  packageJsonCandidates,
  readPackageVersion,
  versionFromPackageJson,
} from '../../../mock-server/runtimes/cli-version.js';

describe('packageJsonCandidates', () => {
  it('lists package.json from the module directory upwards, nearest first', () => {
    const urls = packageJsonCandidates('file:///pkg/dist/mock-server/runtimes/cli.js', 3).map(
      (url) => url.href,
    );
    expect(urls).toEqual([
      'file:///pkg/dist/mock-server/runtimes/package.json',
      'file:///pkg/dist/mock-server/package.json',
      'file:///pkg/dist/package.json',
      'file:///pkg/package.json',
    ]);
  });

  it('stops at the root', () => {
    expect(packageJsonCandidates('file:///a/cli.js', 10).map((url) => url.href)).toEqual([
      'file:///a/package.json',
      'file:///package.json',
    ]);
  });
});

describe('versionFromPackageJson', () => {
  it("reads this package's version only", () => {
    expect(versionFromPackageJson('{"name":"mcp-authed-client","version":"1.2.3"}')).toBe('1.2.3');
    expect(versionFromPackageJson('{"name":"other","version":"9.9.9"}')).toBeUndefined();
    expect(versionFromPackageJson('{"name":"mcp-authed-client"}')).toBeUndefined();
    expect(versionFromPackageJson('not json')).toBeUndefined();
  });
});

describe('readPackageVersion', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cli-version-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the installed layout (dist/mock-server/runtimes) past a foreign package.json', async () => {
    const runtimes = join(root, 'installed', 'dist', 'mock-server', 'runtimes');
    await mkdir(runtimes, { recursive: true });
    await writeFile(
      join(root, 'installed', 'package.json'),
      '{"name":"mcp-authed-client","version":"4.5.6"}',
    );
    await writeFile(join(root, 'installed', 'dist', 'package.json'), '{"type":"module"}');
    expect(await readPackageVersion(pathToFileURL(join(runtimes, 'cli.js')).href)).toBe('4.5.6');
  });

  it('gives undefined when there is none', async () => {
    const lonely = join(root, 'lonely', 'a', 'b', 'c', 'd', 'e');
    await mkdir(lonely, { recursive: true });
    expect(await readPackageVersion(pathToFileURL(join(lonely, 'cli.js')).href)).toBeUndefined();
  });
});
