import { describe, expect, it } from 'vitest';
import { sampleFormContent, sampleToolArguments, sampleValue } from '../../conformance/schema-sample.js';

describe('schema samples of the conformance client', () => {
  it('gives required numeric properties numbers and leaves optional ones out', () => {
    expect(
      sampleToolArguments({
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'integer' }, note: { type: 'string' } },
        required: ['a', 'b'],
      }),
    ).toEqual({ a: 1, b: 1 });
  });

  it('prefers const, default, examples and enum over invented values, in that order', () => {
    expect(sampleValue({ type: 'string', const: 'c', default: 'd' })).toBe('c');
    expect(sampleValue({ type: 'string', default: 'd', examples: ['e'] })).toBe('d');
    expect(sampleValue({ type: 'string', examples: ['e'], enum: ['x'] })).toBe('e');
    expect(sampleValue({ type: 'string', enum: ['x', 'y'] })).toBe('x');
    expect(sampleValue({ type: 'integer', default: 0 })).toBe(0);
  });

  it('respects bounds, formats and lengths', () => {
    expect(sampleValue({ type: 'integer', minimum: 5 })).toBe(5);
    expect(sampleValue({ type: 'number', maximum: -2 })).toBe(-2);
    expect(sampleValue({ type: 'integer', exclusiveMinimum: 10 })).toBe(11);
    expect(sampleValue({ type: 'string', format: 'email' })).toBe('user@example.com');
    expect(String(sampleValue({ type: 'string', minLength: 12 }))).toHaveLength(12);
    expect(String(sampleValue({ type: 'string', maxLength: 3 }))).toHaveLength(3);
    expect(sampleValue({ type: ['null', 'boolean'] })).toBe(true);
  });

  it('follows local $refs, oneOf/anyOf and nested required objects and arrays', () => {
    const schema = {
      type: 'object',
      $defs: { point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
      properties: {
        at: { $ref: '#/$defs/point' },
        kind: { oneOf: [{ const: 'circle' }, { const: 'square' }] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
      },
      required: ['at', 'kind', 'tags'],
    };
    expect(sampleToolArguments(schema)).toEqual({
      at: { x: 1 },
      kind: 'circle',
      tags: ['example', 'example'],
    });
  });

  it('refuses to invent arguments it cannot build, and survives cyclic references', () => {
    expect(sampleToolArguments({ type: 'object', required: ['ghost'] })).toBeUndefined();
    expect(
      sampleToolArguments({
        type: 'object',
        properties: { x: { $ref: '#/properties/x' } },
        required: ['x'],
      }),
    ).toBeUndefined();
    expect(sampleToolArguments(undefined)).toEqual({});
    // A free-form object argument needs real content: the tool is better not called than called with `{}`.
    expect(
      sampleToolArguments({
        type: 'object',
        properties: { schema: { type: 'object' } },
        required: ['schema'],
      }),
    ).toBeUndefined();
    expect(sampleToolArguments({ type: 'object', properties: { schema: { type: 'object' } } })).toEqual({});
  });

  it('fills a form with every default and a value for every required field', () => {
    expect(
      sampleFormContent({
        type: 'object',
        properties: {
          name: { type: 'string', default: 'John Doe' },
          age: { type: 'integer', default: 30 },
          status: { type: 'string', enum: ['active', 'inactive'], default: 'active' },
          verified: { type: 'boolean', default: true },
          email: { type: 'string', format: 'email' },
          nickname: { type: 'string' },
        },
        required: ['email'],
      }),
    ).toEqual({ name: 'John Doe', age: 30, status: 'active', verified: true, email: 'user@example.com' });
  });
});
