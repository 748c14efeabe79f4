/**
 * Settings patches: what `reconfigure` and presets apply. Objects merge key by key, arrays and scalars replace, and
 * `undefined` puts a setting back to its default. Generic over the settings' shape, so new settings need no code here.
 */
import { isPlainObject } from '../objects.js';
import type { MockAuthServerSettings } from '../settings.js';

/**
 * Part of a settings object `T`: any key may be left out, nested objects are patched key by key, arrays, functions
 * and scalars are given whole, and `undefined` removes a key (back to its default).
 */
export type Patch<T> = {
  [K in keyof T]?:
    | (NonNullable<T[K]> extends readonly unknown[]
        ? T[K]
        : // `infer V` makes the check distribute over a union such as `Options | undefined`.
          T[K] extends infer V
          ? V extends object
            ? V extends (...args: never[]) => unknown
              ? V
              : Patch<V>
            : V
          : never)
    | undefined;
};

/** A change to the mock's settings. */
export type SettingsPatch = Patch<MockAuthServerSettings>;

/** `base` with `patch` applied; neither is modified. */
export function applySettingsPatch(
  base: MockAuthServerSettings,
  patch: SettingsPatch,
): MockAuthServerSettings {
  if (!isPlainObject(patch)) throw new TypeError('settings patch must be an object');
  return mergeObjects(
    base as unknown as PlainObject,
    patch as PlainObject,
  ) as unknown as MockAuthServerSettings;
}

type PlainObject = Record<string, unknown>;

function mergeObjects(base: PlainObject, patch: PlainObject): PlainObject {
  const result = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(patch)) {
    const current = result.get(key);
    if (value === undefined) result.delete(key);
    else if (isPlainObject(value) && isPlainObject(current)) result.set(key, mergeObjects(current, value));
    else result.set(key, value);
  }
  return Object.fromEntries(result);
}
