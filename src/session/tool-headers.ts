/**
 * 2026-07-28 Streamable HTTP: tool parameters a server marks with `x-mcp-header` are mirrored into
 * `Mcp-Param-{Name}` headers, and a tool whose annotations break the rules must be left out of `tools/list`.
 * Pure functions: reading annotations from an input schema, and encoding header values.
 */
import { asJsonObject } from '../json.js';
import type { JsonObject } from '../json.js';

/** One annotated parameter: where its value sits in the arguments (a chain of property names) and the header name part. */
export interface HeaderParameter {
  readonly path: readonly string[];
  readonly name: string;
}

export type ToolHeaderAnnotations =
  | { readonly valid: true; readonly parameters: readonly HeaderParameter[] }
  | { readonly valid: false; readonly reason: string };

/** RFC 9110 `tchar`: what a header field name may hold. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_TYPES: readonly string[] = ['string', 'integer', 'boolean'];
/** Keywords whose values are data, not schemas: an `x-mcp-header` key inside them annotates nothing. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['const', 'default', 'enum', 'examples']);

const SENTINEL = /^=\?base64\?.*\?=$/s;

/**
 * Reads the `x-mcp-header` annotations of a tool's input schema and checks them: non-empty tokens, unique without
 * regard to case, on `string`/`integer`/`boolean` properties reachable from the root through `properties` only.
 */
export function toolHeaderAnnotations(inputSchema: unknown): ToolHeaderAnnotations {
  const parameters: HeaderParameter[] = [];
  const problems: string[] = [];

  const visit = (node: unknown, path: readonly string[] | undefined): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, undefined);
      return;
    }
    const schema = asJsonObject(node);
    if (!schema) return;
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'x-mcp-header') {
        const problem = annotationProblem(schema, value, path);
        if (problem) problems.push(problem);
        else if (path) parameters.push({ path, name: value as string });
      } else if (key === 'properties' && asJsonObject(value)) {
        for (const [property, child] of Object.entries(value as JsonObject)) {
          visit(child, path ? [...path, property] : undefined);
        }
      } else if (!DATA_KEYWORDS.has(key)) {
        visit(value, undefined);
      }
    }
  };
  visit(inputSchema, []);

  const seen = new Map<string, string>();
  for (const { name } of parameters) {
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined)
      problems.push(`x-mcp-header "${name}" repeats "${earlier}" (case does not count)`);
    else seen.set(name.toLowerCase(), name);
  }
  return problems.length > 0 ? { valid: false, reason: problems.join('; ') } : { valid: true, parameters };
}

function annotationProblem(
  schema: JsonObject,
  value: unknown,
  path: readonly string[] | undefined,
): string | undefined {
  if (path === undefined || path.length === 0) {
    return 'x-mcp-header is allowed only on a property reached from the root through "properties"';
  }
  const where = `property "${path.join('.')}"`;
  if (typeof value !== 'string' || value === '') return `${where}: x-mcp-header must be a non-empty string`;
  if (!TOKEN.test(value)) {
    return `${where}: x-mcp-header ${JSON.stringify(value)} is not an HTTP header name token`;
  }
  const type = schema['type'];
  if (typeof type !== 'string' || !HEADER_TYPES.includes(type)) {
    return `${where}: x-mcp-header is allowed only on string, integer or boolean properties, not ${JSON.stringify(type ?? 'untyped')}`;
  }
  return undefined;
}

/**
 * The `Mcp-Param-*` headers of a call: one per annotated parameter that has a value in `args` (absent and null
 * values send no header). A value of another type than its schema says sends no header either: the server judges
 * the call by its body, and a made-up header would only disagree with it.
 */
export function parameterHeaders(
  parameters: readonly HeaderParameter[],
  args: unknown,
): [name: string, value: string][] {
  const headers: [string, string][] = [];
  for (const { path, name } of parameters) {
    let value: unknown = args;
    for (const step of path) value = asJsonObject(value)?.[step];
    const text = headerText(value);
    if (text !== undefined) headers.push([`Mcp-Param-${name}`, encodeHeaderValue(text)]);
  }
  return headers;
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/**
 * A header value as the revision encodes it: as is when it is plain visible ASCII (inner spaces allowed), otherwise
 * `=?base64?{UTF-8 in Base64}?=` — also for a plain value that looks like that sentinel, so it is not misread.
 */
export function encodeHeaderValue(value: string): string {
  const plain = /^[\x20-\x7E]*$/.test(value) && value.trim() === value && !SENTINEL.test(value);
  if (plain) return value;
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return `=?base64?${btoa(binary)}?=`;
}
