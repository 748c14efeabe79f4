/**
 * Completing the suite's `authorization-code-grant` scenario without a browser. The suite prints an authorization
 * URL and waits for a redirect to its callback server on `http://127.0.0.1:<port>/callback`; the harness reads
 * that URL from its output, requests it without following redirects (the mock server approves at once), and
 * delivers the `Location` it gets to the callback.
 */

/** What the harness has learned from the suite's output so far. */
export interface PromptState {
  readonly awaitingUrl: boolean;
  readonly authorizationUrl?: string;
  readonly callbackReady: boolean;
}

export const INITIAL_PROMPT_STATE: PromptState = { awaitingUrl: false, callbackReady: false };

// The suite prints: "Access the following URL in your browser …", then the URL on its own line, and (when its
// callback server listens) "Callback server started: http://127.0.0.1:<port>".
const URL_ANNOUNCEMENT = /^Access the following URL in your browser/;
const CALLBACK_STARTED = /^Callback server started: (http:\/\/127\.0\.0\.1:\d+)\s*$/;

/** Folds one line of the suite's stdout into the state. */
export function readPromptLine(state: PromptState, line: string, callbackOrigin: string): PromptState {
  const text = line.trim();
  const started = CALLBACK_STARTED.exec(text);
  if (started?.[1] === callbackOrigin) return { ...state, callbackReady: true };
  if (URL_ANNOUNCEMENT.test(text)) return { ...state, awaitingUrl: true };
  if (state.awaitingUrl && text !== '') {
    return { ...state, awaitingUrl: false, ...(URL.canParse(text) ? { authorizationUrl: text } : {}) };
  }
  return state;
}

export function callbackOrigin(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** The suite's callback URL when `location` (resolved against the request URL) points at it; else `undefined`. */
export function callbackTarget(location: string, requestUrl: string, port: number): URL | undefined {
  let target: URL;
  try {
    target = new URL(location, requestUrl);
  } catch {
    return undefined;
  }
  return target.origin === callbackOrigin(port) && target.pathname === '/callback' ? target : undefined;
}

export class HeadlessAuthorizationError extends Error {
  override readonly name = 'HeadlessAuthorizationError';
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Requests the authorization URL and hands the redirect to the suite's callback. Errors name the step and the
 * status but never repeat the redirect's query (it carries the authorization code).
 */
export async function completeAuthorization(authorizationUrl: string, port: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(authorizationUrl, {
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new HeadlessAuthorizationError(
      `authorization request failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || location === null) {
    throw new HeadlessAuthorizationError(
      `the authorization endpoint answered ${response.status} without a redirect (an approval page cannot be driven headlessly)`,
    );
  }
  const target = callbackTarget(location, authorizationUrl, port);
  if (!target) {
    let where = 'an unparsable URL';
    try {
      const parsed = new URL(location, authorizationUrl);
      where = `${parsed.origin}${parsed.pathname}`;
    } catch {
      // keep the generic wording
    }
    throw new HeadlessAuthorizationError(
      `the authorization endpoint redirected to ${where}, not to the suite's callback ${callbackOrigin(port)}/callback`,
    );
  }
  let delivered: Response;
  try {
    delivered = await fetch(target, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new HeadlessAuthorizationError(
      `delivering the redirect to the suite's callback failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  await delivered.body?.cancel();
  if (!delivered.ok) {
    throw new HeadlessAuthorizationError(`the suite's callback answered ${delivered.status}`);
  }
}
