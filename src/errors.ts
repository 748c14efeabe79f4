/**
 * Typed errors. Every failure names the step it happened in, carries a stable `code` an application can branch
 * on, the authorization server's `error` / `error_description` when there was one, and a message that says what
 * to do. Nothing secret (tokens, codes, verifiers, client secrets) is ever put in an error.
 */

/** The steps of the flow, shared by errors and events. */
export type FlowStep =
  | 'discovery'
  | 'registration'
  | 'authorization'
  | 'token'
  | 'refresh'
  | 'step-up'
  | 'revocation'
  | 'connection';

/** Stable error codes. */
export type McpAuthErrorCode =
  | 'invalid_option'
  | 'insecure_url'
  | 'network_error'
  | 'cors_refused'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | 'resource_mismatch'
  | 'no_authorization_server'
  | 'authorization_server_metadata_not_found'
  | 'issuer_mismatch'
  | 'pkce_not_supported'
  | 'client_id_required'
  | 'registration_failed'
  | 'no_authorization_handler'
  | 'authorization_handler_failed'
  | 'no_redirect'
  | 'popup_blocked'
  | 'popup_closed'
  | 'state_mismatch'
  | 'authorization_expired'
  | 'iss_missing'
  | 'iss_mismatch'
  | 'authorization_error'
  | 'missing_code'
  | 'token_request_failed'
  | 'invalid_grant'
  | 'refresh_failed'
  | 'revocation_failed'
  | 'unauthorized'
  | 'insufficient_scope';

/** Everything an error is built from. */
export interface McpAuthErrorInit {
  /** Stable code to branch on. */
  code: McpAuthErrorCode;
  /** The step of the flow that failed. */
  step: FlowStep;
  /** What happened and what to do; never a secret. */
  message: string;
  /** The server's OAuth `error` value, when it sent one. */
  serverError?: string | undefined;
  /** The server's `error_description`, when it sent one. */
  serverErrorDescription?: string | undefined;
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number | undefined;
  /** The underlying failure (never one that carries a token). */
  cause?: unknown;
}

/** Base class of every error this package throws. */
export class McpAuthError extends Error {
  /** Stable code to branch on (the message may change between versions). */
  readonly code: McpAuthErrorCode;
  /** The step of the flow that failed. */
  readonly step: FlowStep;
  /** The server's OAuth `error` value, when it sent one. */
  readonly serverError: string | undefined;
  /** The server's `error_description`, when it sent one. */
  readonly serverErrorDescription: string | undefined;
  /** HTTP status of the response that caused the error, when there was one. */
  readonly status: number | undefined;

  constructor(init: McpAuthErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'McpAuthError';
    this.code = init.code;
    this.step = init.step;
    this.serverError = init.serverError;
    this.serverErrorDescription = init.serverErrorDescription;
    this.status = init.status;
  }
}

/** Discovery of protected-resource or authorization-server metadata failed or was unsafe to use. */
export class DiscoveryError extends McpAuthError {
  constructor(init: Omit<McpAuthErrorInit, 'step'>) {
    super({ ...init, step: 'discovery' });
    this.name = 'DiscoveryError';
  }
}

/** No usable client identity (pre-registered, metadata document or dynamic registration). */
export class ClientRegistrationError extends McpAuthError {
  constructor(init: Omit<McpAuthErrorInit, 'step'>) {
    super({ ...init, step: 'registration' });
    this.name = 'ClientRegistrationError';
  }
}

/** The authorization request or its response failed validation. */
export class AuthorizationError extends McpAuthError {
  constructor(init: Omit<McpAuthErrorInit, 'step'>) {
    super({ ...init, step: 'authorization' });
    this.name = 'AuthorizationError';
  }
}

/** A token endpoint or revocation endpoint request failed. */
export class TokenError extends McpAuthError {
  constructor(init: Omit<McpAuthErrorInit, 'step'> & { step: 'token' | 'refresh' | 'revocation' }) {
    super(init);
    this.name = 'TokenError';
  }
}

/** The MCP server kept refusing the credentials after the bounded number of attempts. */
export class SessionAuthError extends McpAuthError {
  constructor(init: Omit<McpAuthErrorInit, 'step'> & { step: 'connection' | 'step-up' }) {
    super(init);
    this.name = 'SessionAuthError';
  }
}

/** `headlessAuthorize` got no redirect back from the authorization endpoint. */
export class HeadlessAuthorizeError extends McpAuthError {
  constructor(init: Omit<McpAuthErrorInit, 'step'>) {
    super({ ...init, step: 'authorization' });
    this.name = 'HeadlessAuthorizeError';
  }
}
