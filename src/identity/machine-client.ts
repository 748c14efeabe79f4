/**
 * What every machine client (a client acting without a user: `clientCredentials`, `workloadIdentity`,
 * `enterpriseAuthorization`) offers the authorizer: one id and one authorization server, an identity there, and a
 * way to get tokens with its own grant. The authorizer shares discovery, issuer binding, storage, renewal, events
 * and sign-out between them; only the grant differs.
 */
import type { AuthorizationServer } from 'oauth4webapi';
import { McpAuthError } from '../errors.js';
import type { FlowEventEmitter } from '../events.js';
import type { HttpContext } from '../http.js';
import type { TokenSet } from '../tokens/token-set.js';
import type { ClientIdentity } from './client-identity.js';

/** One token request of a machine client. */
export interface MachineTokenRequest {
  /** The authorization server's metadata (the one the client is bound to). */
  as: AuthorizationServer;
  /** The client's identity there (from {@link MachineClient.identityAt}). */
  identity: ClientIdentity;
  scopes: readonly string[];
  /** The MCP server's resource (RFC 8707). */
  resource: string;
  /** True when an expiring or refused token is being replaced (said in the events). */
  renewal: boolean;
}

/** A client that gets its tokens without a user. */
export interface MachineClient {
  readonly clientId: string;
  /** The issuer the client is bound to, when known before its first use. */
  readonly issuer?: string | undefined;
  /** The grant, as events name it (`client_credentials`, `jwt-bearer`, …). */
  readonly grant: string;
  /** The option that configured it, for messages (`clientCredentials`, …). */
  readonly option: string;
  /** The identity to present at `issuer`; an unusable key is `invalid_option`. */
  identityAt(issuer: string): Promise<ClientIdentity>;
  /** Gets tokens with this client's grant; emits the `token` step's events and throws typed errors. */
  requestTokens(ctx: HttpContext, events: FlowEventEmitter, request: MachineTokenRequest): Promise<TokenSet>;
}

/** A string option that may be given as a callback returning a fresh value each time (an assertion, an ID token). */
export type FreshValue = string | (() => string | Promise<string>);

/**
 * The current value of a {@link FreshValue}, remembered in `secrets` before it is sent anywhere. A callback that
 * fails or returns no string is the `token` step's `token_request_failed`.
 */
export async function freshValue(
  value: FreshValue,
  name: string,
  secrets: HttpContext['secrets'],
): Promise<string> {
  let current: unknown;
  try {
    current = typeof value === 'string' ? value : await value();
  } catch {
    // Not kept as the cause: the application's error may quote the very credential it failed to produce.
    throw new McpAuthError({
      code: 'token_request_failed',
      step: 'token',
      message: `the ${name} callback failed, so no token was requested`,
    });
  }
  if (typeof current !== 'string' || current === '') {
    throw new McpAuthError({
      code: 'token_request_failed',
      step: 'token',
      message: `the ${name} callback returned no string, so no token was requested`,
    });
  }
  secrets?.add(current);
  return current;
}

/** Whether `value` can be a {@link FreshValue}. Pure. */
export function isFreshValue(value: unknown): value is FreshValue {
  return (typeof value === 'string' && value !== '') || typeof value === 'function';
}
