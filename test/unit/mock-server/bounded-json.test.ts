/** The shared body helpers: bounded stream reading, media types, and JSON with a nesting limit. */
import { describe, expect, it } from 'vitest';
import { declaredLengthExceeds, readBounded } from '../../../mock-server/http/bounded.js';
import { MAX_JSON_DEPTH, nestingDepth, parseJsonBytes } from '../../../mock-server/http/json-body.js';
import { mediaType } from '../../../mock-server/http/media-type.js';

function streamOf(...chunks: string[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

describe('readBounded', () => {
  it('reads a stream up to the limit, and an absent one as empty', async () => {
    expect(new TextDecoder().decode(await readBounded(streamOf('ab', 'cd').stream, 4))).toBe('abcd');
    expect(await readBounded(null, 0)).toStrictEqual(new Uint8Array(0));
  });

  it('gives up and cancels the stream once it passes the limit', async () => {
    const source = streamOf('ab', 'cd', 'ef');
    expect(await readBounded(source.stream, 3)).toBeUndefined();
    expect(source.cancelled()).toBe(true);
  });

  it('judges a declared Content-Length without reading', () => {
    expect(declaredLengthExceeds(new Headers({ 'content-length': ' 11 ' }), 10)).toBe(true);
    expect(declaredLengthExceeds(new Headers({ 'content-length': '10' }), 10)).toBe(false);
    expect(declaredLengthExceeds(new Headers({ 'content-length': 'lots' }), 10)).toBe(false);
    expect(declaredLengthExceeds(new Headers(), 10)).toBe(false);
  });
});

describe('mediaType', () => {
  it('lower-cases and drops parameters', () => {
    expect(mediaType(new Headers({ 'content-type': ' Application/JSON ; charset=utf-8' }))).toBe(
      'application/json',
    );
    expect(mediaType(new Headers())).toBe('');
  });
});

describe('JSON with a nesting limit', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('counts nesting outside strings only', () => {
    expect(nestingDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(nestingDepth('"[[[[[\\\\"')).toBe(0);
    expect(nestingDepth('{"a":"\\"[[[["}')).toBe(1);
  });

  it('parses up to the limit and refuses deeper documents before parsing', () => {
    const atLimit = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(parseJsonBytes(bytes(atLimit)).ok).toBe(true);
    expect(parseJsonBytes(bytes(`[${atLimit}]`))).toStrictEqual({
      ok: false,
      problem: 'too-deep',
      description: `JSON is nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
    // Deep enough that JSON.stringify of the parsed value would overflow the stack.
    const huge = `${'['.repeat(20000)}${']'.repeat(20000)}`;
    expect(parseJsonBytes(bytes(huge))).toMatchObject({ ok: false, problem: 'too-deep' });
  });

  it('refuses invalid JSON and invalid UTF-8', () => {
    expect(parseJsonBytes(bytes('{'))).toMatchObject({ ok: false, problem: 'invalid' });
    expect(parseJsonBytes(new Uint8Array([0x22, 0xc3, 0x28, 0x22]))).toMatchObject({
      ok: false,
      problem: 'invalid',
    });
    expect(parseJsonBytes(bytes('{"a":"x"}'))).toStrictEqual({ ok: true, value: { a: 'x' } });
  });
});
