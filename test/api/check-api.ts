/**
 * The public API report: one Markdown report per package entry point (`.`, `./mock-server`, `./node`, `./msw`,
 * `./vite`), made by API Extractor from the built declarations and kept under version control, so every change to
 * the public surface shows in review. `npm run api:check` fails when a report is out of date; `npm run api:update`
 * rewrites it. Run after `npm run build`.
 */
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Entry point of package.json `exports` → its declaration file and report name. */
export const ENTRY_POINTS: ReadonlyArray<{ subpath: string; declarations: string; report: string }> = [
  { subpath: '.', declarations: 'dist/src/index.d.ts', report: 'client' },
  { subpath: './mock-server', declarations: 'dist/mock-server/index.d.ts', report: 'mock-server' },
  { subpath: './node', declarations: 'dist/mock-server/runtimes/node-entry.d.ts', report: 'node' },
  { subpath: './msw', declarations: 'dist/mock-server/runtimes/msw.d.ts', report: 'msw' },
  { subpath: './vite', declarations: 'dist/mock-server/runtimes/vite.d.ts', report: 'vite' },
];

function configFor(entry: (typeof ENTRY_POINTS)[number]): ExtractorConfig {
  return ExtractorConfig.prepare({
    configObjectFullPath: join(ROOT, 'test/api/api-extractor.json'),
    packageJsonFullPath: join(ROOT, 'package.json'),
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: join(ROOT, entry.declarations),
      compiler: { tsconfigFilePath: join(ROOT, 'tsconfig.build.json') },
      apiReport: {
        enabled: true,
        reportFileName: `${entry.report}.api.md`,
        reportFolder: join(ROOT, 'test/api'),
        reportTempFolder: join(ROOT, 'test-results/api'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning },
          // Release tags (@public/@beta) are not used: everything exported is public.
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
  });
}

function main(): void {
  const update = process.argv.includes('--update');
  let failed = 0;
  for (const entry of ENTRY_POINTS) {
    const result = Extractor.invoke(configFor(entry), { localBuild: update, showVerboseMessages: false });
    const changed = result.apiReportChanged && !update;
    const status = changed ? 'CHANGED' : result.succeeded ? 'ok' : 'FAILED';
    console.log(
      `api ${entry.subpath}: ${status} (${result.warningCount} warnings, ${result.errorCount} errors)`,
    );
    if (!result.succeeded || changed) failed += 1;
  }
  if (failed > 0) {
    console.error(
      `api: ${failed} entry point(s) differ from test/api/*.api.md — if the change is intended, run \`npm run build && npm run api:update\` and commit the reports`,
    );
    process.exitCode = 1;
  }
}

main();
