/**
 * JSON bodies with a nesting limit: a deeply nested document parses fine but overflows the stack later (when it is
 * serialised or cloned), after state may already have changed. Refusing it before parsing keeps that from happening.
 */
import { readBody } from './body.js';

/** Deeper than any client metadata or JSON-RPC message needs, far below what overflows a stack. */
export const MAX_JSON_DEPTH = 64;

export type ParsedJson =
  | { ok: true; value: unknown }
  | { ok: false; problem: 'invalid'; description: string }
  | { ok: false; problem: 'too-deep'; description: string };

const INVALID_JSON_DESCRIPTION = 'Request body is not valid JSON';

function tooDeepDescription(maxDepth: number): string {
  return `JSON is nested deeper than ${maxDepth} levels`;
}

/** Parses UTF-8 JSON text, refusing invalid UTF-8, invalid JSON and nesting deeper than `maxDepth`. */
export function parseJsonBytes(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): ParsedJson {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'invalid', description: INVALID_JSON_DESCRIPTION };
  }
  if (nestingDepth(text) > maxDepth) {
    return { ok: false, problem: 'too-deep', description: tooDeepDescription(maxDepth) };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: 'invalid', description: INVALID_JSON_DESCRIPTION };
  }
}

/** Reads the body within `limit` bytes (413 past it, as every body) and parses it as {@link parseJsonBytes}. */
export async function readJsonBody(
  request: Request,
  limit: number,
  maxDepth = MAX_JSON_DEPTH,
): Promise<ParsedJson> {
  return parseJsonBytes(await readBody(request, limit), maxDepth);
}

/** The deepest bracket nesting outside strings (a linear scan: no recursion, whatever the input). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return deepest;
}
