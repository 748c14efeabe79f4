/**
 * Reading bodies without trusting their size: the whole-body cap, the per-event cap of event streams (an event may
 * end with LF LF, CRLF CRLF or a split across chunks), and a signal that stops a body that never ends.
 */
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, limitStream, readBoundedBody } from '../../../src/bounded-body.js';

const encoder = new TextEncoder();

/** A body made of these chunks, counting how many bytes the reader pulled. */
function chunked(chunks: readonly string[]): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let index = 0;
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) return controller.close();
      const bytes = encoder.encode(chunk);
      pulled += bytes.byteLength;
      controller.enqueue(bytes);
    },
  });
  return { stream, pulled: () => pulled };
}

/** A body that never ends: 64 KiB per pull, forever. */
function endless(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 65_536;
      controller.enqueue(new Uint8Array(65_536));
    },
  });
  return { stream, pulled: () => pulled };
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('readBoundedBody', () => {
  it('reads a body up to the cap exactly', async () => {
    const body = await readBoundedBody(new Response('x'.repeat(100)), 100);
    expect(body.byteLength).toBe(100);
  });

  it('stops an endless body at the cap, having read no more than one chunk past it', async () => {
    const { stream, pulled } = endless();
    const error = await readBoundedBody(new Response(stream), 1_048_576).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(pulled()).toBeLessThanOrEqual(1_048_576 + 3 * 65_536);
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    const { stream, pulled } = endless();
    const response = new Response(stream, { headers: { 'content-length': String(100 * 1024 * 1024) } });
    await expect(readBoundedBody(response, 1_048_576)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulled()).toBeLessThanOrEqual(2 * 65_536);
  });

  it('stops a body that never finishes when the signal fires, with the signal’s reason', async () => {
    const trickle = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        controller.enqueue(encoder.encode('{'));
      },
    });
    const signal = AbortSignal.timeout(100);
    const error = await readBoundedBody(new Response(trickle), 1_048_576, signal).catch((e: unknown) => e);
    expect((error as DOMException).name).toBe('TimeoutError');
  });
});

describe('limitStream', () => {
  it('caps a plain body in total', async () => {
    const { stream } = chunked(['a'.repeat(60), 'b'.repeat(60)]);
    await expect(drain(limitStream(stream, 100, 'body'))).rejects.toBeInstanceOf(BodyTooLargeError);
    const small = chunked(['a'.repeat(50), 'b'.repeat(50)]);
    expect(await drain(limitStream(small.stream, 100, 'body'))).toHaveLength(100);
  });

  it('lets an event stream run long as long as each event stays under the cap', async () => {
    const event = `data: ${'x'.repeat(40)}\n\n`;
    const { stream } = chunked(Array.from({ length: 100 }, () => event));
    expect(await drain(limitStream(stream, 64, 'event'))).toHaveLength(event.length * 100);
  });

  it('counts an event across lines and chunks until its blank line, whatever the line endings', async () => {
    // One event of three 30-byte data lines: over a 64-byte cap even though each line and chunk is under it.
    const lines = [
      'data: aaaaaaaaaaaaaaaaaaaaaaa\r\n',
      'data: bbbbbbbbbbbbbbbbbbbbbbb\r\n',
      'data: ccccc\r',
      '\n',
    ];
    const { stream } = chunked(lines);
    await expect(drain(limitStream(stream, 64, 'event'))).rejects.toBeInstanceOf(BodyTooLargeError);

    // The same bytes as separate events (CRLF CRLF, the CR and LF of the blank line in different chunks).
    const events = [
      'data: aaaaaaaaaaaaaaaaaaaaaaa\r\n\r',
      '\ndata: bbbbbbbbbbbbbbbbbbbbbbb\n\n',
      'data: ccccc\r\n\r\n',
    ];
    const separate = chunked(events);
    expect(await drain(limitStream(separate.stream, 40, 'event'))).toBe(events.join(''));
  });

  it('errors with the caller’s error and stops pulling from the source', async () => {
    const { stream, pulled } = endless();
    const tooLarge = new Error('too large for this test');
    await expect(
      drain(limitStream(stream, 200_000, 'event', (controller) => controller.error(tooLarge))),
    ).rejects.toBe(tooLarge);
    expect(pulled()).toBeLessThanOrEqual(200_000 + 3 * 65_536);
  });

  it('still ends the stream when the overflow handler does not', async () => {
    const { stream, pulled } = endless();
    await expect(drain(limitStream(stream, 100_000, 'body', () => undefined))).rejects.toBeInstanceOf(
      BodyTooLargeError,
    );
    expect(pulled()).toBeLessThanOrEqual(100_000 + 4 * 65_536);
  });

  it('ends events at blank lines made of bare CRs too (SSE allows CR, LF or CRLF)', async () => {
    const event = `data: ${'x'.repeat(40)}\r\r`;
    const { stream } = chunked(Array.from({ length: 100 }, () => event));
    expect(await drain(limitStream(stream, 64, 'event'))).toHaveLength(event.length * 100);
  });
});

describe('readBoundedBody memory', () => {
  it('costs the bytes of a body of a million tiny chunks, not an object per chunk', async () => {
    let sent = 0;
    const tiny = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Several one-byte chunks per pull, as a server sending single-byte segments would produce.
        for (let i = 0; i < 64; i++) controller.enqueue(new Uint8Array([0x78]));
        sent += 64;
        if (sent >= 1_048_576) controller.close();
      },
    });
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const body = await readBoundedBody(new Response(tiny), 1_048_576);
    const grown = process.memoryUsage().heapUsed - before;
    expect(body.byteLength).toBe(1_048_576);
    // Keeping every chunk (or a pending race per read) grows the heap by hundreds of megabytes here.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });
});
