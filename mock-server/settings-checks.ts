/** {@link SettingsError} and the field checks that settings.ts and settings-beyond.ts share. */
import { isRecord } from './objects.js';

/** A setting that cannot be used; `field` names it (dotted path, e.g. `clients[0].redirect_uris[1]`). */
export class SettingsError extends Error {
  /** Always `'SettingsError'` (shown in stack traces; usable where `instanceof` is not, e.g. across package copies). */
  override readonly name = 'SettingsError';
  constructor(
    /** The offending setting as a dotted path, e.g. `clientRegistrationOptions.validScopes[0]`. */
    readonly field: string,
    /** What is wrong with it, e.g. `must be an absolute URL`; the message is `<field>: <reason>`. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export function optionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new SettingsError(field, 'must be true or false');
  return value;
}

/** A whole number ≥ `minimum`, or `undefined` when not given. */
export function optionalWholeNumber(field: string, value: unknown, minimum = 1): number | undefined {
  if (value === undefined) return undefined;
  if (!isWholeNumber(value, minimum)) {
    throw new SettingsError(field, `must be a whole number ≥ ${minimum}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A duration in whole seconds ≥ 0, or `undefined` when not given. */
export function optionalSeconds(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!isWholeNumber(value, 0)) {
    throw new SettingsError(field, `must be a whole number of seconds ≥ 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

function isWholeNumber(value: unknown, minimum: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum;
}

/** True for one OAuth scope: non-empty, no white space. */
export function isScope(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !/\s/.test(value);
}

export const SCOPE_REQUIREMENT = 'must be a non-empty scope without spaces';

export function optionalScopeList(field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new SettingsError(field, 'must be a list of scopes');
  return value.map((scope: unknown, index) => {
    if (!isScope(scope)) throw new SettingsError(`${field}[${index}]`, SCOPE_REQUIREMENT);
    return scope;
  });
}

export function optionalString(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SettingsError(field, 'must be a string');
  return value;
}

export function optionalStringList(field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new SettingsError(field, 'must be a list of strings');
  }
  return [...(value as string[])];
}

/** The object at `field`, `{}` when not given. */
export function optionalObject(field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new SettingsError(field, 'must be an object');
  return value;
}
