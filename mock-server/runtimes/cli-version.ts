/**
 * `--version`: the version in the package's own package.json, read at run time. The CLI runs from
 * `mock-server/runtimes/` (tsx, in the repository) and from `dist/mock-server/runtimes/` (the installed bin), so the
 * file is looked up in the module's ancestor directories instead of at one fixed relative path.
 */
import { readFile } from 'node:fs/promises';
import { isRecord } from '../objects.js';

/** The package whose package.json holds the version (a stray package.json of another package is skipped). */
export const PACKAGE_NAME = 'mcp-authed-client';

/** How many directories up the search goes: `dist/mock-server/runtimes/` is three below the package root. */
const MAX_LEVELS_UP = 4;

/** URLs of `package.json` in the directory of `moduleUrl` and its ancestors, nearest first. */
export function packageJsonCandidates(moduleUrl: string, levelsUp = MAX_LEVELS_UP): URL[] {
  const candidates: URL[] = [];
  let directory = new URL('./', moduleUrl);
  for (let level = 0; level <= levelsUp; level++) {
    candidates.push(new URL('package.json', directory));
    const parent = new URL('../', directory);
    if (parent.href === directory.href) break;
    directory = parent;
  }
  return candidates;
}

/** The version in a package.json text, if it is this package's; `undefined` for any other file. */
export function versionFromPackageJson(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.name !== PACKAGE_NAME || typeof parsed.version !== 'string')
    return undefined;
  return parsed.version;
}

/** The package's version, or `undefined` when no package.json of this package is found above `moduleUrl`. */
export async function readPackageVersion(moduleUrl: string = import.meta.url): Promise<string | undefined> {
  for (const candidate of packageJsonCandidates(moduleUrl)) {
    let text: string;
    try {
      text = await readFile(candidate, 'utf8');
    } catch {
      continue;
    }
    const version = versionFromPackageJson(text);
    if (version !== undefined) return version;
  }
  return undefined;
}
