/**
 * Row 7: the browser bundle of a minimal app that connects with auth (bundle-apps/), esbuild-minified for the
 * browser, then gzip-compressed: its initial chunk, the code split off behind dynamic imports left out. esbuild's
 * metafile says which package each minified byte came from.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export type BundleApp = 'this project' | 'SDK v1' | 'SDK v2';

export interface BundleFigures {
  readonly app: BundleApp;
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
  /** Minified bytes by origin (`src/`, or the npm package name), largest first. */
  readonly byOrigin: ReadonlyArray<readonly [string, number]>;
}

const ENTRIES: Record<BundleApp, string> = {
  'this project': 'ours.ts',
  'SDK v1': 'sdk-v1.ts',
  'SDK v2': 'sdk-v2.ts',
};

/** `node_modules/@scope/name/…` → `@scope/name`; the project's own files → their top folder. */
export function originOf(input: string): string {
  const packagePath = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (packagePath !== null) return packagePath[1] as string;
  const local = /(?:^|\/)(src|mock-server|test)\//.exec(input);
  return local === null ? input : `${local[1]}/`;
}

export async function measureBundle(app: BundleApp): Promise<BundleFigures> {
  const entry = fileURLToPath(new URL(`../bundle-apps/${ENTRIES[app]}`, import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // With splitting, what an app loads lazily (`import()`) lands in chunks of its own: the row measures the
    // initial chunk, which is what a page waits for.
    splitting: true,
    outdir: 'bundle',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const entryName = Object.entries(result.metafile.outputs).find(
    ([, meta]) => meta.entryPoint !== undefined,
  )?.[0];
  const output = result.outputFiles.find((file) => entryName !== undefined && file.path.endsWith(entryName));
  const entryMeta = entryName === undefined ? undefined : result.metafile.outputs[entryName];
  if (output === undefined || entryMeta === undefined)
    throw new Error(`esbuild wrote no entry chunk for ${app}`);
  const byOrigin = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(entryMeta.inputs)) {
    const origin = originOf(input);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + bytesInOutput);
  }
  return {
    app,
    minifiedBytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength,
    byOrigin: [...byOrigin].sort((a, b) => b[1] - a[1]),
  };
}

export async function measureBundles(): Promise<BundleFigures[]> {
  const apps: BundleApp[] = ['this project', 'SDK v1', 'SDK v2'];
  return Promise.all(apps.map(measureBundle));
}
