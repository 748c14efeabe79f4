/**
 * `Mcp-Param-{Name}` headers (2026-07-28, "Custom Headers from Tool Parameters"), the server's side: which
 * arguments a tool's `inputSchema` asks clients to mirror, and whether a call's headers carry exactly those values.
 * Annotations a client must refuse (not a token, on a `number`, duplicated, behind anything but `properties`) are
 * ignored here: such a tool is the client's to exclude, not the server's to enforce.
 */
import { isRecord } from '../objects.js';
import { decodeHeaderValue, type HeaderSource } from './stateless-checks.js';

/** One argument a client must mirror: where it sits in the arguments, the header's name part, and its type. */
export interface HeaderParam {
  readonly path: readonly string[];
  readonly header: string;
  readonly type: 'string' | 'integer' | 'boolean';
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MIRRORED_TYPES = new Set(['string', 'integer', 'boolean']);

/** The valid `x-mcp-header` annotations of a schema, reached through `properties` keys only. */
export function headerParams(inputSchema: unknown): HeaderParam[] {
  const found: HeaderParam[] = [];
  const walk = (schema: Record<string, unknown>, path: string[]): void => {
    const properties = schema['properties'];
    if (!isRecord(properties)) return;
    for (const [key, property] of Object.entries(properties)) {
      if (!isRecord(property)) continue;
      const header = property['x-mcp-header'];
      const type = property['type'];
      if (
        typeof header === 'string' &&
        TOKEN.test(header) &&
        typeof type === 'string' &&
        MIRRORED_TYPES.has(type)
      ) {
        found.push({ path: [...path, key], header, type: type as HeaderParam['type'] });
      }
      walk(property, [...path, key]);
    }
  };
  if (isRecord(inputSchema)) walk(inputSchema, []);
  const names = found.map((param) => param.header.toLowerCase());
  return found.filter((param) => names.filter((name) => name === param.header.toLowerCase()).length === 1);
}

function valueAt(args: unknown, path: readonly string[]): unknown {
  let value = args;
  for (const key of path) value = isRecord(value) ? value[key] : undefined;
  return value;
}

/** The header text of a body value, as a client encodes it before Base64 (`true`, `42`, the string itself). */
function matches(decoded: string, value: unknown, type: HeaderParam['type']): boolean {
  if (type === 'integer')
    return typeof value === 'number' && decoded.trim() !== '' && Number(decoded) === value;
  if (type === 'boolean') return decoded === String(value);
  return decoded === value;
}

/**
 * The problem with a call's `Mcp-Param-*` headers, or `undefined` when every argument the schema annotates is
 * mirrored faithfully (an argument absent or `null` needs no header).
 */
export function paramHeaderProblem(
  params: readonly HeaderParam[],
  args: unknown,
  headers: HeaderSource,
): string | undefined {
  for (const param of params) {
    const value = valueAt(args, param.path);
    if (value === undefined || value === null) continue;
    const name = `Mcp-Param-${param.header}`;
    const raw = headers.get(name);
    if (raw === null) return `Missing ${name} header`;
    const decoded = decodeHeaderValue(raw);
    if (decoded === undefined) return `${name} header value is not a valid header value`;
    if (!matches(decoded, value, param.type)) {
      return `Header mismatch: ${name} header value does not match the argument ${param.path.join('.')}`;
    }
  }
  return undefined;
}
