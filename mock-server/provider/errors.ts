/** Errors a provider throws to answer with a specific OAuth error, as FastMCP's provider exceptions. */

/** RFC 6749 §4.1.2.1 error codes for the authorization endpoint. */
export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_target';

/** RFC 6749 §5.2 error codes for the token endpoint. */
export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target';

/** RFC 7591 §3.2.2 error codes for the registration endpoint. */
export type RegistrationErrorCode =
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_software_statement'
  | 'unapproved_software_statement';

/** What the three errors share: an OAuth `error` code and an optional `error_description`. */
export abstract class ProviderError<Code extends string> extends Error {
  constructor(
    /** The OAuth `error` code the client receives. */
    readonly error: Code,
    /** The `error_description` the client receives; omitted from the response when not given. */
    readonly errorDescription?: string,
  ) {
    super(errorDescription === undefined ? error : `${error}: ${errorDescription}`);
  }
}

/** Thrown by `authorize()`: becomes an error redirect to the client. */
export class AuthorizeError extends ProviderError<AuthorizationErrorCode> {
  /** Always `'AuthorizeError'`. */
  override readonly name = 'AuthorizeError';
}

/** Thrown by the exchange methods: becomes a 400 from the token endpoint. */
export class TokenEndpointError extends ProviderError<TokenErrorCode> {
  /** Always `'TokenEndpointError'`. */
  override readonly name = 'TokenEndpointError';
}

/** Thrown by `registerClient()`: becomes a 400 from the registration endpoint. */
export class RegistrationError extends ProviderError<RegistrationErrorCode> {
  /** Always `'RegistrationError'`. */
  override readonly name = 'RegistrationError';
}
