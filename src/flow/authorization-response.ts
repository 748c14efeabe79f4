/**
 * Validating the authorization response: RFC 9207 `iss` first (so an impostor's `error` is never acted on),
 * then `state`, then the server's error, then the code. Pure.
 */
import { AuthorizationError } from '../errors.js';
import { redactText, redactUrl } from '../events.js';
import { quoteServerText, SERVER_CODE_LIMIT, SERVER_TEXT_LIMIT, serverText } from '../server-text.js';

/** What the issuer check needs to know about the server. */
export interface IssuerExpectation {
  issuer: string;
  /** `authorization_response_iss_parameter_supported` of the metadata. */
  issParameterSupported: boolean;
}

/**
 * RFC 9207: advertised → `iss` must be present and equal the issuer exactly; not advertised but present →
 * compare anyway; neither → proceed. No normalisation (a trailing slash is a mismatch). A wrong `iss` is quoted
 * scrubbed of `secrets` and bounded.
 */
export function checkIssuerParameter(
  params: URLSearchParams,
  expected: IssuerExpectation,
  secrets: Iterable<string> = [],
): void {
  const values = params.getAll('iss');
  if (values.length > 1) {
    throw new AuthorizationError({
      code: 'iss_mismatch',
      message: 'the authorization response carries several "iss" parameters: rejected',
    });
  }
  const iss = values[0];
  if (iss === undefined) {
    if (expected.issParameterSupported) {
      throw new AuthorizationError({
        code: 'iss_missing',
        message: `the authorization server ${expected.issuer} advertises RFC 9207 but its response has no "iss": rejected (possible mix-up attack)`,
      });
    }
    return;
  }
  if (iss !== expected.issuer) {
    throw new AuthorizationError({
      code: 'iss_mismatch',
      message: `the authorization response comes from issuer "${redactText(quoteServerText(iss, secrets, SERVER_CODE_LIMIT))}", not "${expected.issuer}": rejected (possible mix-up attack)`,
    });
  }
}

/**
 * Whether the callback is at the redirect URI (same origin and path; the server adds the response to the query).
 * Checked before anything is read from it: a handler that stopped at a page of the authorization server (its login
 * or consent page) returns a URL without the response, which is neither a mix-up (`iss`) nor a forgery (`state`).
 * The page is named redacted. Pure.
 */
export function checkCallbackIsRedirectUri(callback: URL, redirectUri: string): void {
  const expected = URL.canParse(redirectUri) ? new URL(redirectUri) : undefined;
  if (expected && callback.origin === expected.origin && callback.pathname === expected.pathname) return;
  throw new AuthorizationError({
    code: 'authorization_incomplete',
    message: `the authorization did not come back to the redirect URI ${redactUrl(redirectUri)}: the authorization handler returned ${redactUrl(
      callback,
    )}, which looks like a page on the way (a login or consent page of the authorization server); the user (or the test's handler) must finish it until the server redirects to the redirect URI`,
  });
}

/**
 * Validates a callback URL against the pending request; returns the authorization code. The server's words in it
 * (`iss`, `error`, `error_description`) are quoted scrubbed of `secrets` and of any code the callback carries.
 */
export function validateCallback(
  callback: URL,
  expectedState: string,
  expected: IssuerExpectation,
  secrets: Iterable<string> = [],
): string {
  const params = callback.searchParams;
  const known = [...params.getAll('code'), ...secrets];
  checkIssuerParameter(params, expected, known);
  const states = params.getAll('state');
  if (states.length !== 1 || states[0] !== expectedState) {
    throw new AuthorizationError({
      code: 'state_mismatch',
      message:
        'the authorization response does not carry the state of this request: rejected (stale tab or forged callback); start the sign-in again',
    });
  }
  const error = params.get('error');
  if (error !== null) {
    const serverError = serverText(error, known, SERVER_CODE_LIMIT);
    const description = serverText(params.get('error_description'), known, SERVER_TEXT_LIMIT);
    throw new AuthorizationError({
      code: 'authorization_error',
      message: `the authorization server answered "${redactText(serverError ?? '')}"${description ? ` (${redactText(description)})` : ''}${
        error === 'access_denied' ? ': the user or the server declined access' : ''
      }`,
      serverError,
      serverErrorDescription: description,
    });
  }
  const codes = params.getAll('code');
  if (codes.length !== 1 || !codes[0]) {
    throw new AuthorizationError({
      code: 'missing_code',
      message: 'the authorization response carries no (or several) "code": rejected',
    });
  }
  return codes[0];
}
