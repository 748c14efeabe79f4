/**
 * Typed errors. Every failure names the step it happened in, carries a stable `code` an application can branch
 * on, the authorization server's `error` / `error_description` when there was one, and a message that says what
 * to do. Nothing secret (tokens, codes, verifiers, client secrets) is ever put in an error: the places that quote a
 * server scrub its text of the client's secrets (`server-text.ts`), and every error, wherever it is built, has its
 * text cleaned of control characters and bounded here.
 */
import {
  cleanText,
  bound,
  MESSAGE_LIMIT,
  SERVER_CODE_LIMIT,
  SERVER_TEXT_LIMIT,
  serverText,
} from './server-text.js';

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
  | 'redirect_refused'
  | 'response_too_large'
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
  | 'authorization_incomplete'
  | 'token_request_failed'
  | 'invalid_grant'
  | 'refresh_failed'
  | 'revocation_failed'
  | 'unauthorized'
  | 'insufficient_scope'
  | 'interaction_required'
  | 'dpop_unsupported'
  | 'dpop_key_missing';

/** Everything an error is built from. */
export interface McpAuthErrorInit {
  /** Stable code to branch on. */
  code: McpAuthErrorCode;
  /** The step of the flow that failed. */
  step: FlowStep;
  /** What happened and what to do; never a secret. Control characters are removed, and at most 2,000 characters kept. */
  message: string;
  /** The server's OAuth `error` value, when it sent one (cleaned, at most 100 characters). */
  serverError?: string | undefined;
  /** The server's `error_description`, when it sent one (cleaned, at most 500 characters). */
  serverErrorDescription?: string | undefined;
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number | undefined;
  /** The underlying failure (never one that carries a token or a server's raw answer). */
  cause?: unknown;
}

/** Base class of every error this package throws. */
export class McpAuthError extends Error {
  /** Stable code to branch on (the message may change between versions). */
  readonly code: McpAuthErrorCode;
  /** The step of the flow that failed. */
  readonly step: FlowStep;
  /**
   * The server's OAuth `error` value, when it sent one: control characters removed, the client's secrets masked, at
   * most 100 characters.
   */
  readonly serverError: string | undefined;
  /**
   * The server's `error_description`, when it sent one: control characters removed, the client's secrets masked, at
   * most 500 characters.
   */
  readonly serverErrorDescription: string | undefined;
  /** HTTP status of the response that caused the error, when there was one. */
  readonly status: number | undefined;

  constructor(init: McpAuthErrorInit) {
    // The places that quote a server have already masked secrets; this is the backstop for shape, so that no error
    // built anywhere carries line breaks, terminal escapes or megabytes into an application's log.
    super(
      bound(cleanText(init.message), MESSAGE_LIMIT),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = 'McpAuthError';
    this.code = init.code;
    this.step = init.step;
    this.serverError = serverText(init.serverError, [], SERVER_CODE_LIMIT);
    this.serverErrorDescription = serverText(init.serverErrorDescription, [], SERVER_TEXT_LIMIT);
    this.status = init.status;
  }
}

/**
 * Masks `secrets` in the texts of an `McpAuthError`, in place, and returns it (anything else is returned as it is).
 * The places that quote a server mask what they hold; this is the last step before an error leaves the flow, for
 * text quoted where the secrets were not at hand (a metadata document that names a token as its issuer).
 */
export function maskSecrets<E>(error: E, secrets: Iterable<string> | undefined): E {
  if (!(error instanceof McpAuthError) || secrets === undefined) return error;
  const known = [...secrets];
  if (known.length === 0) return error;
  // The fields are read-only to applications; this package sets them once more before handing the error over.
  const fields = error as {
    message: string;
    serverError: string | undefined;
    serverErrorDescription: string | undefined;
  };
  fields.message = serverText(error.message, known, MESSAGE_LIMIT) ?? '';
  fields.serverError = serverText(error.serverError, known, SERVER_CODE_LIMIT);
  fields.serverErrorDescription = serverText(error.serverErrorDescription, known, SERVER_TEXT_LIMIT);
  return error;
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

/**
 * The client was created with `interactive: false` and only a new authorization could go on: there is no grant, or
 * the server refused it and it cannot be refreshed. Nothing was sent to the authorization server; show a sign-in
 * button and connect again interactively.
 */
export class InteractionRequiredError extends McpAuthError {
  constructor(init: Omit<McpAuthErrorInit, 'step' | 'code'> & { step: 'authorization' | 'step-up' }) {
    super({ ...init, code: 'interaction_required' });
    this.name = 'InteractionRequiredError';
  }
}

/** `headlessAuthorize` got no redirect back from the authorization endpoint. */
export class HeadlessAuthorizeError extends McpAuthError {
  constructor(init: Omit<McpAuthErrorInit, 'step'>) {
    super({ ...init, step: 'authorization' });
    this.name = 'HeadlessAuthorizeError';
  }
}
