/**
 * The README's code examples are the files the test suite runs: a fenced block announced by
 * `<!-- example: path -->` must equal that file, so an example cannot drift from what is tested.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = /<!-- example: (\S+) -->\s*```\w*\n([\s\S]*?)```/g;

describe('README examples', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(EXAMPLE)].map((match) => ({
    path: match[1] ?? '',
    code: match[2] ?? '',
  }));

  it('announces the browser examples', () => {
    expect(examples.map((example) => example.path)).toEqual(
      expect.arrayContaining([
        'test/e2e/readme-app/popup.ts',
        'test/e2e/readme-app/redirect.ts',
        'test/e2e/readme-app/callback.ts',
      ]),
    );
  });

  for (const example of examples) {
    it(`shows ${example.path} exactly`, async () => {
      expect(example.code).toBe(await readFile(join(ROOT, example.path), 'utf8'));
    });
  }
});
