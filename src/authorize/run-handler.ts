/**
 * Calling the application's authorization handler: bounded by a timeout and the application's AbortSignal,
 * with failures turned into typed errors.
 */
import { AuthorizationError, McpAuthError } from '../errors.js';
import { redactText } from '../events.js';
import type { AuthorizationHandler } from './types.js';

/** Runs `handler(url)`; rejects with `timeout`, `aborted`, `no_authorization_handler` or `authorization_handler_failed`. */
export async function runAuthorizationHandler(
  handler: AuthorizationHandler | undefined,
  url: URL,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<URL | string> {
  if (!handler) {
    throw new AuthorizationError({
      code: 'no_authorization_handler',
      message:
        'the MCP server requires authorization but no authorize handler was given: pass options.authorize (headlessAuthorize() for tests)',
    });
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      const aborted = options.signal?.aborted === true;
      reject(
        new AuthorizationError({
          code: aborted ? 'aborted' : 'timeout',
          message: aborted
            ? 'authorization aborted by the application'
            : `the authorization handler did not return within ${options.timeoutMs} ms: the user did not finish signing in`,
        }),
      );
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([handler(url), stopped]);
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
