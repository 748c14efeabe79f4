/**
 * Settings patches: what `reconfigure` and presets apply. Objects merge key by key, arrays and scalars replace, and
 * `undefined` puts a setting back to its default. Generic over the settings' shape, so new settings need no code here.
 */
import type { MockAuthServerSettings } from '../settings.js';

/** Part of a settings object; `undefined` removes a key (back to its default). */
export type Patch<T> = {
  [K in keyof T]?: (NonNullable<T[K]> extends readonly unknown[] ? T[K] : PatchOf<T[K]>) | undefined;
};

type PatchOf<T> = T extends object ? (T extends (...args: never[]) => unknown ? T : Patch<T>) : T;

/** A change to the mock's settings. */
export type SettingsPatch = Patch<MockAuthServerSettings>;

/** `base` with `patch` applied; neither is modified. */
export function mergeSettings(base: MockAuthServerSettings, patch: SettingsPatch): MockAuthServerSettings {
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

function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
