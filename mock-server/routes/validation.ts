/**
 * A few pydantic-style field checks, so error descriptions read exactly like FastMCP's
 * (`<loc>: <message>` lines joined by `\n`).
 */
import type { Form } from '../http/body.js';
import { urlError } from '../http/url.js';

export interface FieldError {
  /** Dotted location, e.g. `authorization_code.code_verifier` or `redirect_uris.0`; empty for the whole input. */
  readonly loc: string;
  readonly msg: string;
  /** pydantic's error type where a caller branches on it (`literal_error`, `missing`). */
  readonly type: 'missing' | 'literal_error' | 'other';
}

/** FastMCP's `stringify_pydantic_error`. */
export function stringifyErrors(errors: readonly FieldError[]): string {
  return errors.map((error) => `${error.loc}: ${error.msg}`).join('\n');
}

export const FIELD_REQUIRED = 'Field required';
export const INVALID_STRING = 'Input should be a valid string';

/** Describes pydantic's literal error: `Input should be 'a', 'b' or 'c'`. */
export function literalMessage(allowed: readonly string[]): string {
  const quoted = allowed.map((value) => `'${value}'`);
  const last = quoted.pop();
  return `Input should be ${quoted.length > 0 ? `${quoted.join(', ')} or ${last}` : last}`;
}

/** Collects the errors of one form-shaped model, field by field in declaration order. */
export class FormChecker {
  readonly errors: FieldError[] = [];
  constructor(
    private readonly form: Form,
    private readonly prefix = '',
  ) {}

  #loc(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}.${key}`;
  }

  /** A required `str`. */
  required(key: string): string {
    const value = this.form.get(key);
    if (value === undefined) this.errors.push({ loc: this.#loc(key), msg: FIELD_REQUIRED, type: 'missing' });
    else if (typeof value !== 'string')
      this.errors.push({ loc: this.#loc(key), msg: INVALID_STRING, type: 'other' });
    return typeof value === 'string' ? value : '';
  }

  /** A `str | None = None`. */
  optional(key: string): string | undefined {
    const value = this.form.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.errors.push({ loc: this.#loc(key), msg: INVALID_STRING, type: 'other' });
      return undefined;
    }
    return value;
  }

  /** A `Literal[...]`, required unless `fallback` is given. */
  literal<T extends string>(key: string, allowed: readonly T[], fallback?: T): T | undefined {
    const value = this.form.get(key);
    if (value === undefined) {
      if (fallback === undefined)
        this.errors.push({ loc: this.#loc(key), msg: FIELD_REQUIRED, type: 'missing' });
      return fallback;
    }
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.errors.push({ loc: this.#loc(key), msg: literalMessage(allowed), type: 'literal_error' });
    return undefined;
  }

  /** A `Literal[...] | None = None`. */
  optionalLiteral<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    if (!this.form.has(key)) return undefined;
    return this.literal(key, allowed);
  }

  /** An `AnyUrl | None = None`; returns the normalised URL. */
  optionalUrl(key: string): string | undefined {
    const value = this.form.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.errors.push({ loc: this.#loc(key), msg: 'URL input should be a string or URL', type: 'other' });
      return undefined;
    }
    const problem = urlError(value);
    if (problem !== undefined) {
      this.errors.push({
        loc: this.#loc(key),
        msg: `Input should be a valid URL, ${problem}`,
        type: 'other',
      });
      return undefined;
    }
    return new URL(value).href;
  }
}
