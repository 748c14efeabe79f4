import { MAX_JSON_DEPTH, nestingDepth } from '../http/json-body.js';

/**
 * Parses a JSON-RPC body and, when it is not JSON, words the problem as Python's `json.loads` does (the Python
 * transport puts that text in its `Parse error: …` answer): `Expecting value: line 1 column 1 (char 0)`.
 */

export type ParsedMessage = { ok: true; value: unknown } | { ok: false; message: string };

/** Python counts lines and columns from 1, characters from 0. */
function where(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line} column ${column} (char ${index})`;
}

/** V8's message → Python's wording, at the position V8 names (the end of the text when it names none). */
function pythonWording(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message);
  const index = position === null ? text.length : Number(position[1]);
  if (/property name/.test(message))
    return `Expecting property name enclosed in double quotes: ${where(text, index)}`;
  if (/Unexpected non-whitespace character/.test(message)) return `Extra data: ${where(text, index)}`;
  if (/Unterminated string/.test(message)) return `Unterminated string starting at: ${where(text, index)}`;
  return `Expecting value: ${where(text, index)}`;
}

export function parseJsonRpcBody(bytes: Uint8Array): ParsedMessage {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // FastMCP answers 500 here (its decoder raises outside the JSON error path); a mock must not copy a crash.
    return { ok: false, message: 'Invalid UTF-8 in request body' };
  }
  // Deep nesting parses, then overflows the stack when the SDK validates or serialises it.
  if (nestingDepth(text) > MAX_JSON_DEPTH)
    return { ok: false, message: `JSON is nested deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: pythonWording(error, text) };
  }
}
