/**
 * Token endpoint client authentication: which method, and the oauth4webapi implementation of it.
 */
import { ClientSecretPost, None, PrivateKeyJwt } from 'oauth4webapi';
import type { ClientAuth } from 'oauth4webapi';
import type { ClientIdentity, TokenEndpointAuthMethod } from '../identity/client-identity.js';

const IMPLEMENTED: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

/**
 * The method to use. The one the registration returned wins when the server supports it; otherwise
 * `client_secret_basic`, then `client_secret_post`, then `none` among what the server lists (RFC 8414's default
 * list is `client_secret_basic` alone). Without a secret only `none` is possible. Pure.
 */
export function selectTokenEndpointAuthMethod(input: {
  registered?: string | undefined;
  supported?: readonly string[] | undefined;
  hasSecret: boolean;
}): TokenEndpointAuthMethod {
  const listed = input.supported && input.supported.length > 0 ? input.supported : undefined;
  const registered = IMPLEMENTED.find((method) => method === input.registered);
  if (registered && (registered === 'none' || input.hasSecret) && (!listed || listed.includes(registered))) {
    return registered;
  }
  if (!input.hasSecret) return 'none';
  const supported = listed ?? ['client_secret_basic'];
  if (supported.includes('client_secret_basic')) return 'client_secret_basic';
  if (supported.includes('client_secret_post')) return 'client_secret_post';
  // A server that lists neither: honour the registration, else fall back to Basic, the OAuth default.
  return registered && registered !== 'none' ? registered : 'client_secret_basic';
}

/**
 * The method to ask for at dynamic registration: `none` (public client, nothing to keep secret) when the
 * server accepts it; else `client_secret_post`, which FastMCP (the common MCP server) defaults to and also
 * reads at its revocation endpoint; else `client_secret_basic`. Pure.
 */
export function registrationAuthMethod(supported: readonly string[] | undefined): TokenEndpointAuthMethod {
  if (!supported || supported.length === 0) return 'client_secret_basic';
  if (supported.includes('none')) return 'none';
  if (supported.includes('client_secret_post')) return 'client_secret_post';
  if (supported.includes('client_secret_basic')) return 'client_secret_basic';
  return 'none';
}

/** The method `identity` authenticates with at a server listing `supported`: its key's, else a secret's or none. */
export function authMethodOf(
  identity: ClientIdentity,
  supported: readonly string[] | undefined,
): TokenEndpointAuthMethod | 'private_key_jwt' {
  if (identity.signingKey) return 'private_key_jwt';
  return selectTokenEndpointAuthMethod({
    registered: identity.tokenEndpointAuthMethod,
    supported,
    hasSecret: identity.clientSecret !== undefined && identity.clientSecret !== '',
  });
}

/** The oauth4webapi client authentication for an identity at a server. */
export function clientAuthentication(
  identity: ClientIdentity,
  supported: readonly string[] | undefined,
  secrets?: { add(...values: ReadonlyArray<string | undefined>): void },
): ClientAuth {
  if (identity.signingKey) {
    const sign = PrivateKeyJwt(identity.signingKey);
    return async (as, client, body, headers) => {
      await sign(as, client, body, headers);
      // An assertion is a credential until it expires: no server text quoting it may leave.
      secrets?.add(body.get('client_assertion') ?? undefined);
    };
  }
  const secret = identity.clientSecret ?? '';
  switch (authMethodOf(identity, supported)) {
    case 'client_secret_basic':
      return (_as, client, body, headers) => {
        headers.set('authorization', basicAuthorization(client.client_id, secret));
        // FastMCP reads client_id from the form even with Basic; an id is not a second authentication method.
        body.set('client_id', client.client_id);
      };
    case 'client_secret_post':
      return ClientSecretPost(secret);
    // `private_key_jwt` is unreachable (a signing key is handled above); listed so the switch covers every method.
    case 'private_key_jwt':
    case 'none':
      return None();
  }
}

/**
 * `Basic` credentials per RFC 6749 §2.3.1: client id and secret are each form-urlencoded, joined by `:` and
 * base64-encoded. Encoding is `encodeURIComponent` (space as `%20`, never `+`): every form decoder reads it, and
 * so do servers that only percent-decode (FastMCP uses Python's `unquote`, which leaves `+` alone). Unreserved
 * characters such as `-` stay literal, which servers that skip decoding altogether need. Pure.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}`;
}
