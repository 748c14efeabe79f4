/**
 * Who the client is at one authorization server.
 */

/** Token endpoint authentication methods this client implements. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** How the client id was obtained. */
export type ClientIdentitySource = 'pre-registered' | 'metadata-document' | 'dynamic-registration';

/** A client identity, bound to the issuer that knows it. */
export interface ClientIdentity {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** The method the registration returned (or the application configured). */
  tokenEndpointAuthMethod?: string;
  /** Seconds since the epoch; 0 or absent means the secret does not expire. */
  clientSecretExpiresAt?: number;
  redirectUri: string;
  source: ClientIdentitySource;
}

/** Credentials registered out of band by the application. */
export interface PreRegisteredClient {
  /** The client id the authorization server issued. */
  clientId: string;
  /** The client secret, for a confidential client; omit it for a public client. */
  clientSecret?: string;
  /** The issuer these credentials belong to; when absent they are bound to the first issuer they are used at. */
  issuer?: string;
  /** How to authenticate at the token endpoint (default: chosen from what the server supports). */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
}
