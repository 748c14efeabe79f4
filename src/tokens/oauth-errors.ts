/**
 * Mapping oauth4webapi failures of token-endpoint calls to typed errors (never including secrets).
 */
import { OperationProcessingError, ResponseBodyError, WWWAuthenticateChallengeError } from 'oauth4webapi';
import { McpAuthError, TokenError } from '../errors.js';

/** A typed error for a failed token / refresh / revocation response. */
export function tokenEndpointFailure(error: unknown, step: 'token' | 'refresh' | 'revocation'): TokenError {
  const what = step === 'token' ? 'code exchange' : step === 'refresh' ? 'token refresh' : 'token revocation';
  if (error instanceof ResponseBodyError) {
    const invalidGrant = error.error === 'invalid_grant';
    return new TokenError({
      step,
      code: invalidGrant
        ? 'invalid_grant'
        : step === 'refresh'
          ? 'refresh_failed'
          : step === 'token'
            ? 'token_request_failed'
            : 'revocation_failed',
      message: `${what} refused: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}${
        invalidGrant
          ? ': the grant is no longer valid, sign in again'
          : error.error === 'invalid_client'
            ? ': check the client credentials'
            : ''
      }`,
      serverError: error.error,
      serverErrorDescription: error.error_description,
      status: error.status,
      cause: error,
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
      cause: error,
    });
  }
  const status =
    error instanceof OperationProcessingError && error.cause instanceof Response
      ? error.cause.status
      : undefined;
  // oauth4webapi attaches the parsed body to these errors, and a malformed token response may still carry tokens:
  // only its message (which names the faulty field, never a value) is kept, never the error itself.
  const detail = error instanceof OperationProcessingError ? ` (${error.message})` : '';
  return new TokenError({
    step,
    code:
      step === 'refresh' ? 'refresh_failed' : step === 'token' ? 'token_request_failed' : 'revocation_failed',
    message: `${what} failed${status !== undefined ? ` (HTTP ${status})` : ''}: the server's answer is not a valid OAuth response${detail}`,
    status,
    ...(error instanceof OperationProcessingError ? {} : { cause: error }),
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
