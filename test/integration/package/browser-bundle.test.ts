/**
 * The client as a browser application's bundler sees it: `src/index.ts` bundled with Vite's build API (library mode,
 * browser resolution, every dependency inlined, nothing written). The bundle must import no Node built-in (Vite
 * would swap one for an empty `__vite-browser-external` stub) and reference no `require`, `process` or `Buffer`
 * (a bundler would need a shim). References are found on the syntax tree, per module, so a failure names the module
 * and the import chain from `src/index.ts` that brings it in; the same words inside string literals (ajv keeps
 * `require("ajv/dist/runtime/…")` as code-generation text) are listed on the console, not failed on.
 */
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, minify, parseAst, type Plugin, type Rolldown } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = join(REPO_ROOT, 'src/index.ts');
/** Globals a browser does not have and that bundlers shim. */
const NODE_GLOBALS = new Set(['require', 'process', 'Buffer', 'global', '__dirname', '__filename', 'module']);
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

interface Bundle {
  entry: string;
  chunk: Rolldown.OutputChunk;
  /** Module id → the ids of the modules importing it (the build's module graph). */
  importers: Map<string, readonly string[]>;
  /** Every import of a Node built-in as written (`node:crypto`, `fs`), with the importing module. */
  builtins: { source: string; importer: string }[];
  warnings: string[];
}

let bundle: Bundle;

/** Records imports of Node built-ins as written, and the module graph at the end of the build (import chains). */
function graphRecorder(bundle: Pick<Bundle, 'importers' | 'builtins'>): Plugin {
  return {
    name: 'record-module-graph',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer !== undefined && BUILTINS.has(source)) bundle.builtins.push({ source, importer });
      return null;
    },
    buildEnd() {
      for (const id of this.getModuleIds()) bundle.importers.set(id, this.getModuleInfo(id)?.importers ?? []);
    },
  };
}

async function bundleForBrowser(entry: string, plugins: Plugin[] = []): Promise<Bundle> {
  const graph: Pick<Bundle, 'importers' | 'builtins'> = { importers: new Map(), builtins: [] };
  const warnings: string[] = [];
  const result = await build({
    configFile: false,
    envFile: false,
    root: REPO_ROOT,
    publicDir: false,
    logLevel: 'silent',
    plugins: [...plugins, graphRecorder(graph)],
    build: {
      write: false,
      emptyOutDir: false,
      // Library mode keeps the es output readable (no whitespace minification): modules stay attributable.
      lib: { entry, formats: ['es'], fileName: 'index' },
      rolldownOptions: {
        onwarn(warning) {
          warnings.push(warning.message);
        },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunks = outputs.flatMap((output) => output.output).filter((item) => item.type === 'chunk');
  if (chunks.length !== 1 || chunks[0] === undefined)
    throw new Error(`expected one chunk, got ${chunks.length}`);
  return { chunk: chunks[0], ...graph, warnings, entry };
}

/** "src/index.ts", or the path inside node_modules ("zod/v4/core/core.js"), wherever node_modules is. */
function short(id: string): string {
  const inModules = id.indexOf('/node_modules/');
  if (inModules >= 0) return id.slice(inModules + 14);
  return isAbsolute(id) ? relative(REPO_ROOT, id) : id.replace('\0', '');
}

/** The shortest import chain from the entry to `id`, e.g. "src/index.ts → … → ajv/dist/ajv.js". */
function importChain(bundle: Bundle, id: string): string {
  const previous = new Map<string, string | undefined>([[id, undefined]]);
  const queue = [id];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    if (current === bundle.entry) {
      const chain: string[] = [];
      for (let at: string | undefined = current; at !== undefined; at = previous.get(at))
        chain.push(short(at));
      return chain.join(' → ');
    }
    for (const importer of bundle.importers.get(current) ?? []) {
      if (!previous.has(importer)) {
        previous.set(importer, current);
        queue.push(importer);
      }
    }
  }
  return `${short(id)} (no chain to the entry found)`;
}

type Node = { type: string; start: number; end: number; [key: string]: unknown };

function isNode(value: unknown): value is Node {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

/**
 * Free references to a Node global: the code is first mangled (top level included, nothing removed), which renames
 * every bound identifier, so a parameter or local named `process` or `module` (a CommonJS wrapper's) disappears and
 * what is left under those names can only be the global. Property names and object keys do not count.
 */
async function nodeGlobalReferences(code: string): Promise<string[]> {
  const mangled = await minify('module.js', code, { compress: false, mangle: { toplevel: true } });
  if (mangled.errors.length > 0) throw new Error(`cannot mangle: ${mangled.errors.map(String).join('; ')}`);
  const text = mangled.code;
  const found: string[] = [];
  const visit = (node: Node, parent: Node | undefined, key: string): void => {
    if (node.type === 'Identifier' && NODE_GLOBALS.has(node['name'] as string)) {
      const isPropertyName =
        parent !== undefined &&
        parent['computed'] !== true &&
        ((parent.type === 'MemberExpression' && key === 'property') ||
          (['Property', 'MethodDefinition', 'PropertyDefinition'].includes(parent.type) && key === 'key'));
      if (!isPropertyName) found.push(text.slice(node.start, Math.min(node.end + 40, text.length)));
    }
    for (const [childKey, child] of Object.entries(node)) {
      for (const item of Array.isArray(child) ? child : [child]) {
        if (isNode(item)) visit(item, node, childKey);
      }
    }
  };
  visit(parseAst(text) as unknown as Node, undefined, '');
  return found;
}

/** Node built-ins the bundle imports (Vite swaps them for empty `__vite-browser-external` stubs), with chains. */
function builtinImports(bundle: Bundle): string[] {
  const imports = bundle.builtins.map(
    ({ source, importer }) => `${source} imported by ${importChain(bundle, importer)}`,
  );
  const stubs = [...bundle.importers.keys()].filter(
    (id) => BUILTINS.has(id) || id.startsWith('node:') || id.includes('__vite-browser-external'),
  );
  return [...imports, ...stubs.map((id) => `${id} in the module graph`)];
}

/** Free Node-global references per module, with the import chain that brings the module in. */
async function globalReferencesByModule(bundle: Bundle): Promise<string[]> {
  const found: string[] = [];
  for (const [id, module] of Object.entries(bundle.chunk.modules)) {
    const code = module.code ?? '';
    if (code === '') continue;
    for (const reference of await nodeGlobalReferences(code)) {
      found.push(`${JSON.stringify(reference)} in ${importChain(bundle, id)}`);
    }
  }
  return found;
}

beforeAll(async () => {
  bundle = await bundleForBrowser(ENTRY);
}, 60_000);

describe('the browser bundle of src/index.ts', () => {
  it('imports no Node built-in and needs no browser-external stub', () => {
    expect(builtinImports(bundle)).toEqual([]);
    // Everything is inlined: the chunk imports nothing at run time.
    expect(bundle.chunk.imports).toEqual([]);
    expect(bundle.chunk.dynamicImports).toEqual([]);
    expect(bundle.chunk.code).not.toMatch(/__vite-browser-external|from\s*["']node:|import\(\s*["']node:/);
    expect(
      bundle.warnings.filter((warning) => /externalized for browser compatibility/.test(warning)),
    ).toEqual([]);
  });

  it('references no require, process, Buffer or other Node global, in any module', async () => {
    expect(await globalReferencesByModule(bundle)).toEqual([]);
    // The assembled chunk too (the bundler's own runtime helpers are in no module).
    expect(await nodeGlobalReferences(bundle.chunk.code)).toEqual([]);
  });

  it('reports the text occurrences of node:, require(, process. and Buffer, and the minified+gzipped size', async () => {
    const patterns = [/["'`]node:/g, /\brequire\(/g, /(?<![\w$.])process\./g, /(?<![\w$.])Buffer\b/g];
    const textual: string[] = [];
    for (const [id, module] of Object.entries(bundle.chunk.modules)) {
      const code = module.code ?? '';
      for (const pattern of patterns) {
        for (const match of code.matchAll(pattern)) {
          textual.push(
            `${pattern.source} ${JSON.stringify(code.slice(match.index, match.index + 60))} in ${importChain(bundle, id)}`,
          );
        }
      }
    }
    console.log(
      textual.length === 0
        ? 'browser bundle: no textual occurrence'
        : `browser bundle: textual occurrences (string literals, not references):\n  ${textual.join('\n  ')}`,
    );

    const minified = await minify('index.js', bundle.chunk.code, { compress: true, mangle: true });
    expect(minified.errors).toEqual([]);
    const raw = Buffer.byteLength(bundle.chunk.code);
    const min = Buffer.byteLength(minified.code);
    const gzip = gzipSync(minified.code, { level: 9 }).byteLength;
    const byPackage = new Map<string, number>();
    for (const [id, module] of Object.entries(bundle.chunk.modules)) {
      // "zod", or "@modelcontextprotocol/sdk/node_modules/ajv" for a nested copy.
      const path = short(id);
      const nested = path.lastIndexOf('node_modules/');
      const last = nested < 0 ? 0 : nested + 13;
      const label = !id.includes('/node_modules/')
        ? isAbsolute(id)
          ? 'src'
          : path
        : `${path.slice(0, last)}${/^(?:@[^/]+\/)?[^/]+/.exec(path.slice(last))?.[0] ?? ''}`;
      byPackage.set(label, (byPackage.get(label) ?? 0) + module.renderedLength);
    }
    console.log(
      `browser bundle of src/index.ts: ${Object.keys(bundle.chunk.modules).length} modules; ${kb(raw)} unminified, ${kb(min)} minified, ${kb(gzip)} minified+gzipped; unminified size by package: ${[
        ...byPackage,
      ]
        .sort((a, b) => b[1] - a[1])
        .map(([name, size]) => `${name} ${kb(size)}`)
        .join(', ')}`,
    );
    expect(min).toBeLessThan(raw);
    expect(gzip).toBeGreaterThan(0);
  });
});

describe('the checks themselves', () => {
  it('catch a Node built-in import and free process / Buffer / require references, not bound ones', async () => {
    // A module that does not exist on disk, served by a plugin.
    const PROBE = join(REPO_ROOT, 'browser-bundle-probe.js');
    const probe: Plugin = {
      name: 'probe-entry',
      enforce: 'pre',
      resolveId: (source) => (source === PROBE ? PROBE : null),
      load: (id) =>
        id === PROBE
          ? [
              "import { createHash } from 'node:crypto';",
              'export const hash = () => createHash("sha256");',
              'export const env = () => process.env.PROBE_VALUE;',
              'export const bytes = () => Buffer.from("x");',
              'export const load = (name) => require(name);',
              'export const bound = (process, Buffer) => process(Buffer);',
            ].join('\n')
          : null,
    };
    const probed = await bundleForBrowser(PROBE, [probe]);
    expect(builtinImports(probed).join('\n')).toMatch(/node:crypto.* imported by browser-bundle-probe\.js/);
    const references = await globalReferencesByModule(probed);
    const names = (lines: string[]): string[] =>
      [...new Set(lines.map((line) => /\w+/.exec(line)?.[0] ?? line))].sort();
    expect(names(references)).toEqual(['Buffer', 'process', 'require']);
    // The dynamic require is left to the bundler's runtime helper (`typeof require`), in the rolldown runtime.
    expect(references.filter((line) => line.startsWith('"require')).join('\n')).toMatch(/rolldown\/runtime/);
    expect(names(await nodeGlobalReferences(probed.chunk.code))).toEqual(['Buffer', 'process', 'require']);
  }, 60_000);
});

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
