/** The mock's two object checks, for untrusted input (settings, JSON bodies, documents) and for settings patches. */

/** A JSON-style object: not `null`, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A plain object: a {@link isRecord} made by an object literal (or `Object.create(null)`), so a class instance such
 * as a `Date` or `Map` is not taken apart key by key.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
