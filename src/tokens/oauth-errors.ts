/**
 * Mapping oauth4webapi failures of token-endpoint calls to typed errors (never including secrets). The server's
 * words are quoted scrubbed of the secrets the client holds, and the oauth4webapi error is never kept as the `cause`:
 * it holds the server's raw answer (its body, its challenge parameters, a response that may carry tokens).
 */
import { OperationProcessingError, ResponseBodyError, WWWAuthenticateChallengeError } from 'oauth4webapi';
import { McpAuthError, TokenError } from '../errors.js';
import { quoteServerText, SERVER_CODE_LIMIT, SERVER_TEXT_LIMIT, serverText } from '../server-text.js';

/**
 * A typed error for a failed token / refresh / revocation response; `secrets` are what the client holds (the code,
 * the verifier, the client secret, the tokens), none of which may come back through the server's text. An
 * `McpAuthError` (the transport's own, such as `response_too_large`) is returned as it is.
 */
export function tokenEndpointFailure(
  error: unknown,
  step: 'token' | 'refresh' | 'revocation',
  secrets: Iterable<string> = [],
  errorBody?: Readonly<Record<string, unknown>>,
  /** What the request was, for the message (default: by step, the `token` step being a code exchange). */
  request?: string,
): McpAuthError {
  if (error instanceof McpAuthError) return error;
  const known = [...secrets];
  const what =
    request ??
    (step === 'token' ? 'code exchange' : step === 'refresh' ? 'token refresh' : 'token revocation');
  if (error instanceof ResponseBodyError) {
    const invalidGrant = error.error === 'invalid_grant';
    const serverError = serverText(error.error, known, SERVER_CODE_LIMIT);
    const description = serverText(error.error_description, known, SERVER_TEXT_LIMIT);
    return new TokenError({
      step,
      code: invalidGrant
        ? 'invalid_grant'
        : step === 'refresh'
          ? 'refresh_failed'
          : step === 'token'
            ? 'token_request_failed'
            : 'revocation_failed',
      message: `${what} refused: ${serverError ?? 'an error'}${description ? ` (${description})` : ''}${
        invalidGrant
          ? request === undefined
            ? ': the grant is no longer valid, sign in again'
            : ': the server refused the grant it was given (check the assertion or the credentials)'
          : error.error === 'invalid_client'
            ? ': check the client credentials'
            : ''
      }`,
      serverError,
      serverErrorDescription: description,
      status: error.status,
    });
  }
  if (error instanceof WWWAuthenticateChallengeError) {
    return new TokenError({
      step,
      code:
        step === 'revocation'
          ? 'revocation_failed'
          : step === 'refresh'
            ? 'refresh_failed'
            : 'token_request_failed',
      message: `${what} refused with HTTP ${error.status} and an authentication challenge: check the client credentials`,
      status: error.status,
    });
  }
  const status =
    error instanceof OperationProcessingError && error.cause instanceof Response
      ? error.cause.status
      : undefined;
  const failedError =
    status !== undefined && status >= 500
      ? serverText(errorBody?.['error'], known, SERVER_CODE_LIMIT)
      : undefined;
  if (failedError !== undefined) {
    // A server failure that says what failed in RFC 6749 §5.2 terms: its words, and ours on what to do.
    const description = serverText(errorBody?.['error_description'], known, SERVER_TEXT_LIMIT);
    return new TokenError({
      step,
      code:
        step === 'refresh'
          ? 'refresh_failed'
          : step === 'token'
            ? 'token_request_failed'
            : 'revocation_failed',
      message: `${what} failed: the authorization server answered HTTP ${status} with ${failedError}${
        description ? ` (${description})` : ''
      }: it failed on its side, try again later`,
      serverError: failedError,
      serverErrorDescription: description,
      status,
    });
  }
  // oauth4webapi attaches the parsed body to its errors, and a malformed token response may still carry tokens: only
  // the message (which names the faulty field) is kept, scrubbed all the same, never the error itself.
  const message = quoteServerText(error instanceof Error ? error.message : '', known, SERVER_TEXT_LIMIT);
  const detail = message === '' ? '' : ` (${message})`;
  return new TokenError({
    step,
    code:
      step === 'refresh' ? 'refresh_failed' : step === 'token' ? 'token_request_failed' : 'revocation_failed',
    message: `${what} failed${status !== undefined ? ` (HTTP ${status})` : ''}: the server's answer is not a valid OAuth response${detail}`,
    status,
  });
}

/**
 * Whether the token endpoint refused the client itself: `invalid_client` (RFC 6749 §5.2), or
 * `unauthorized_client`, which FastMCP answers for a client id it does not know.
 */
export function isClientRejection(error: unknown): boolean {
  return (
    error instanceof McpAuthError &&
    (error.serverError === 'invalid_client' || error.serverError === 'unauthorized_client')
  );
}
