/**
 * Calling the application's authorization handler: bounded by a timeout and the application's AbortSignal,
 * with failures turned into typed errors.
 */
import { AuthorizationError, McpAuthError } from '../errors.js';
import { redactText } from '../events.js';
import { timeoutSignal } from '../signals.js';
import type { AuthorizationContext, AuthorizationHandler } from './types.js';

/** How one handler call is bounded, and what the handler is told about its request. */
export interface HandlerRun {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The request's `state` and redirect URI, and how to mark it for completion on the callback page. */
  request: Omit<AuthorizationContext, 'signal'>;
}

/** Runs `handler(url)`; rejects with `timeout`, `aborted`, `no_authorization_handler` or `authorization_handler_failed`. */
export async function runAuthorizationHandler(
  handler: AuthorizationHandler | undefined,
  url: URL,
  run: HandlerRun,
): Promise<URL | string> {
  if (!handler) {
    throw new AuthorizationError({
      code: 'no_authorization_handler',
      message:
        'the MCP server requires authorization but no authorize handler was given: pass options.authorize (headlessAuthorize() for tests, popupAuthorize() or redirectAuthorize() in a page)',
    });
  }
  const signal = timeoutSignal(run.timeoutMs, run.signal);
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      const aborted = run.signal?.aborted === true;
      reject(
        new AuthorizationError({
          code: aborted ? 'aborted' : 'timeout',
          message: aborted
            ? 'authorization aborted by the application'
            : `the authorization handler did not return within ${run.timeoutMs} ms: the user did not finish signing in`,
        }),
      );
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const context: AuthorizationContext = {
    state: run.request.state,
    redirectUri: run.request.redirectUri,
    signal,
    completeOnCallbackPage: (returnTo) => run.request.completeOnCallbackPage(returnTo),
  };
  try {
    return await Promise.race([handler(url, context), stopped]);
  } catch (error) {
    if (error instanceof McpAuthError) throw error;
    throw new AuthorizationError({
      code: 'authorization_handler_failed',
      message: `the authorization handler failed: ${redactText(error instanceof Error ? error.message : String(error))}`,
      cause: error,
    });
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
