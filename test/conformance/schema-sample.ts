/**
 * Plausible values for a JSON Schema, so the conformance client can call any tool and answer any form
 * elicitation without knowing the scenario: the schema's own `const`, `default`, `examples` or `enum` when it
 * has one, else a value of the declared type that respects the simple bounds. Pure.
 */

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

type Schema = Record<string, unknown>;

/** Nesting beyond this is not followed (cyclic `$ref`s, absurd schemas). */
const MAX_DEPTH = 8;

function asSchema(value: unknown): Schema | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : undefined;
}

function isJson(value: unknown): value is JsonValue {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** Resolves a local `$ref` (`#/$defs/x`, `#/definitions/x`) against the root schema. */
function resolveRef(ref: string, root: Schema): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = asSchema(node)?.[key];
  }
  return asSchema(node);
}

function declaredType(schema: Schema): string | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const types = type.filter((t): t is string => typeof t === 'string');
    return types.find((t) => t !== 'null') ?? types[0];
  }
  if (asSchema(schema['properties'])) return 'object';
  if (schema['items'] !== undefined) return 'array';
  return undefined;
}

function sampleNumber(schema: Schema, integer: boolean): number {
  const numeric = (key: string): number | undefined =>
    typeof schema[key] === 'number' && Number.isFinite(schema[key]) ? (schema[key] as number) : undefined;
  const minimum = numeric('minimum') ?? (numeric('exclusiveMinimum') ?? Number.NaN) + (integer ? 1 : 0.5);
  const maximum = numeric('maximum') ?? (numeric('exclusiveMaximum') ?? Number.NaN) - (integer ? 1 : 0.5);
  let value = 1;
  if (Number.isFinite(minimum) && value < minimum) value = minimum;
  if (Number.isFinite(maximum) && value > maximum) value = maximum;
  return integer ? Math.ceil(value) : value;
}

function sampleString(schema: Schema): string {
  switch (schema['format']) {
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'email':
      return 'user@example.com';
    case 'date':
      return '2025-01-01';
    case 'date-time':
      return '2025-01-01T00:00:00Z';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
  }
  const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const maxLength = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
  const text = 'example'.padEnd(minLength, 'x');
  return text.length > maxLength ? text.slice(0, Math.max(0, maxLength)) : text;
}

/** An object with a value for every required property (and, `withDefaults`, every optional one's own value). */
function sampleObject(schema: Schema, root: Schema, depth: number, withDefaults: boolean): JsonValue {
  const properties = asSchema(schema['properties']) ?? {};
  const required = Array.isArray(schema['required'])
    ? schema['required'].filter((name): name is string => typeof name === 'string')
    : [];
  const result: Record<string, JsonValue> = {};
  for (const [name, raw] of Object.entries(properties)) {
    const property = asSchema(raw);
    if (!property) continue;
    const explicit = explicitValue(property);
    if (required.includes(name)) {
      // An arbitrary object has no plausible value: `{}` would only pass for content the caller meant to send.
      if (explicit === undefined && isFreeFormObject(property)) continue;
      const value = sampleValue(property, root, depth + 1, withDefaults);
      if (value !== undefined) result[name] = value;
    } else if (withDefaults && explicit !== undefined) {
      result[name] = explicit;
    }
  }
  return result;
}

/** An object schema that says nothing about its content (no properties, no `$ref`, no composition). */
function isFreeFormObject(schema: Schema): boolean {
  return (
    declaredType(schema) === 'object' &&
    asSchema(schema['properties']) === undefined &&
    ['$ref', 'oneOf', 'anyOf', 'allOf'].every((key) => schema[key] === undefined)
  );
}

/** The value a schema names itself: `const`, `default`, the first of `examples`, the first of `enum`. */
function explicitValue(schema: Schema): JsonValue | undefined {
  if (isJson(schema['const'])) return schema['const'];
  if (isJson(schema['default'])) return schema['default'];
  const examples = schema['examples'];
  if (Array.isArray(examples) && examples.length > 0 && isJson(examples[0])) return examples[0];
  const choices = schema['enum'];
  if (Array.isArray(choices) && choices.length > 0 && isJson(choices[0])) return choices[0];
  return undefined;
}

/**
 * A value valid for `schema` as far as simple keywords go; `undefined` when nothing sensible can be built.
 * `withDefaults` also fills optional properties that declare a default (how a form would be pre-filled).
 */
export function sampleValue(
  schema: unknown,
  root: unknown = schema,
  depth = 0,
  withDefaults = false,
): JsonValue | undefined {
  const node = asSchema(schema);
  const rootSchema = asSchema(root) ?? {};
  if (!node || depth > MAX_DEPTH) return undefined;
  const explicit = explicitValue(node);
  if (explicit !== undefined) return explicit;
  if (typeof node['$ref'] === 'string') {
    const target = resolveRef(node['$ref'], rootSchema);
    return target ? sampleValue(target, rootSchema, depth + 1, withDefaults) : undefined;
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = node[key];
    if (Array.isArray(options)) {
      for (const option of options) {
        const value = sampleValue(option, rootSchema, depth + 1, withDefaults);
        if (value !== undefined) return value;
      }
    }
  }
  switch (declaredType(node)) {
    case 'string':
      return sampleString(node);
    case 'number':
      return sampleNumber(node, false);
    case 'integer':
      return sampleNumber(node, true);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const minItems = typeof node['minItems'] === 'number' ? node['minItems'] : 0;
      if (minItems === 0) return [];
      const item = sampleValue(node['items'], rootSchema, depth + 1, withDefaults);
      return item === undefined ? undefined : Array.from({ length: minItems }, () => item);
    }
    case 'object':
      return sampleObject(node, rootSchema, depth, withDefaults);
    default:
      return undefined;
  }
}

/**
 * Arguments for a tool: every required property gets a value, optional ones are left to the server's defaults.
 * `undefined` when a required property has no buildable value (the tool is better not called).
 */
export function sampleToolArguments(inputSchema: unknown): Record<string, JsonValue> | undefined {
  const schema = asSchema(inputSchema) ?? { type: 'object' };
  const required = Array.isArray(schema['required']) ? schema['required'] : [];
  const value = sampleValue({ ...schema, type: 'object' }, schema);
  const args = asSchema(value) as Record<string, JsonValue> | undefined;
  if (!args) return undefined;
  return required.every((name) => typeof name === 'string' && name in args) ? args : undefined;
}

/** A value a form elicitation may carry (its schema allows primitives and multi-select string arrays only). */
export type FormValue = string | number | boolean | string[];

function isFormValue(value: JsonValue): value is FormValue {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  );
}

/** The content of an accepted form elicitation: every default, and a value for every required field. */
export function sampleFormContent(requestedSchema: unknown): Record<string, FormValue> {
  const schema = asSchema(requestedSchema) ?? {};
  const value = asSchema(sampleValue({ ...schema, type: 'object' }, schema, 0, true)) ?? {};
  const content: Record<string, FormValue> = {};
  for (const [name, field] of Object.entries(value)) {
    if (isJson(field) && isFormValue(field)) content[name] = field;
  }
  return content;
}
