/**
 * Responses whose whole body is a string known when they are built. A Node server can write that string at once
 * instead of reading it back through the response's web stream, which is most of the cost of sending a small answer.
 * In-process callers and other runtimes read the body as usual: the `Response` itself is unchanged.
 */

const bodies = new WeakMap<Response, string>();

/** `new Response(text, init)`, remembered as having exactly `text` for a body. */
export function stringResponse(text: string, init: ResponseInit): Response {
  const response = new Response(text, init);
  bodies.set(response, text);
  return response;
}

/** The string `response` was built from, unless it was built otherwise or its body has already been read. */
export function knownBodyText(response: Response): string | undefined {
  const text = bodies.get(response);
  return text === undefined || response.bodyUsed ? undefined : text;
}
