import { describe, expect, it } from 'vitest';
import {
  encodeHeaderValue,
  parameterHeaders,
  toolHeaderAnnotations,
} from '../../../src/session/tool-headers.js';

const schema = (properties: Record<string, unknown>) => ({ type: 'object', properties });

describe('encodeHeaderValue', () => {
  it('keeps plain visible ASCII, inner spaces included, as is', () => {
    expect(encodeHeaderValue('us-west1')).toBe('us-west1');
    expect(encodeHeaderValue('us west 1')).toBe('us west 1');
    expect(encodeHeaderValue('')).toBe('');
  });

  it('Base64-encodes the UTF-8 of values a header cannot carry plainly (the revision’s own examples)', () => {
    expect(encodeHeaderValue('Hello, 世界')).toBe('=?base64?SGVsbG8sIOS4lueVjA==?=');
    expect(encodeHeaderValue(' padded ')).toBe('=?base64?IHBhZGRlZCA=?=');
    expect(encodeHeaderValue('line1\nline2')).toBe('=?base64?bGluZTEKbGluZTI=?=');
    expect(encodeHeaderValue('=?base64?literal?=')).toBe('=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=');
    expect(encodeHeaderValue('\tindented')).toBe(`=?base64?${btoa('\tindented')}?=`);
    expect(encodeHeaderValue('trailing ')).toBe(`=?base64?${btoa('trailing ')}?=`);
  });
});

describe('toolHeaderAnnotations', () => {
  it('finds annotations on string, integer and boolean properties, nested ones through properties only', () => {
    const result = toolHeaderAnnotations(
      schema({
        region: { type: 'string', 'x-mcp-header': 'Region' },
        n: { type: 'integer', 'x-mcp-header': 'N' },
        flag: { type: 'boolean', 'x-mcp-header': 'Flag' },
        nested: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
        query: { type: 'string', default: { 'x-mcp-header': 'NotAnAnnotation' } },
      }),
    );
    expect(result).toEqual({
      valid: true,
      parameters: [
        { path: ['region'], name: 'Region' },
        { path: ['n'], name: 'N' },
        { path: ['flag'], name: 'Flag' },
        { path: ['nested', 'zone'], name: 'Zone' },
      ],
    });
  });

  it.each([
    ['empty', schema({ v: { type: 'string', 'x-mcp-header': '' } }), /non-empty/],
    ['a space', schema({ v: { type: 'string', 'x-mcp-header': 'My Region' } }), /token/],
    ['a colon', schema({ v: { type: 'string', 'x-mcp-header': 'A:B' } }), /token/],
    ['non-ASCII', schema({ v: { type: 'string', 'x-mcp-header': 'Région' } }), /token/],
    ['a control character', schema({ v: { type: 'string', 'x-mcp-header': 'A\tB' } }), /token/],
    [
      'a number property',
      schema({ v: { type: 'number', 'x-mcp-header': 'V' } }),
      /string, integer or boolean/,
    ],
    [
      'an object property',
      schema({ v: { type: 'object', 'x-mcp-header': 'V' } }),
      /string, integer or boolean/,
    ],
    ['an untyped property', schema({ v: { 'x-mcp-header': 'V' } }), /string, integer or boolean/],
    [
      'a duplicate in another case',
      schema({
        a: { type: 'string', 'x-mcp-header': 'MyField' },
        b: { type: 'string', 'x-mcp-header': 'myfield' },
      }),
      /repeats/,
    ],
    [
      'items',
      schema({ list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'I' } } }),
      /reached from the root/,
    ],
    [
      'anyOf',
      { type: 'object', anyOf: [schema({ v: { type: 'string', 'x-mcp-header': 'V' } })] },
      /reached from the root/,
    ],
    ['the root', { type: 'object', 'x-mcp-header': 'Root' }, /reached from the root/],
  ])('rejects an annotation with %s', (_what, inputSchema, reason) => {
    const result = toolHeaderAnnotations(inputSchema);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.reason).toMatch(reason);
  });
});

describe('parameterHeaders', () => {
  const parameters = [
    { path: ['region'], name: 'Region' },
    { path: ['priority'], name: 'Priority' },
    { path: ['verbose'], name: 'Verbose' },
    { path: ['nested', 'zone'], name: 'Zone' },
  ];

  it('converts values (integers in decimal, booleans in lower case) and encodes them', () => {
    expect(
      parameterHeaders(parameters, {
        region: 'Hello, 世界',
        priority: -7,
        verbose: false,
        nested: { zone: 'a' },
      }),
    ).toEqual([
      ['Mcp-Param-Region', '=?base64?SGVsbG8sIOS4lueVjA==?='],
      ['Mcp-Param-Priority', '-7'],
      ['Mcp-Param-Verbose', 'false'],
      ['Mcp-Param-Zone', 'a'],
    ]);
  });

  it('sends no header for absent or null values, or values of another type', () => {
    expect(parameterHeaders(parameters, { region: null, priority: 1.5, nested: 'x' })).toEqual([]);
    expect(parameterHeaders(parameters, undefined)).toEqual([]);
  });
});
