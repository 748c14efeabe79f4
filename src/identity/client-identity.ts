/**
 * Who the client is at one authorization server.
 */
import type { WebCryptoKey } from './client-credentials.js';

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
  /** The key that signs `private_key_jwt` assertions (a machine client's, never stored). */
  signingKey?: { key: WebCryptoKey; kid?: string };
  redirectUri: string;
  source: ClientIdentitySource;
}

/** Credentials registered out of band by the application. */
export interface PreRegisteredClient {
  /** The client id the authorization server issued. */
  clientId: string;
  /** The client secret, for a confidential client; omit it for a public client. */
  clientSecret?: string | undefined;
  /** The issuer these credentials belong to; when absent they are bound to the first issuer they are used at. */
  issuer?: string | undefined;
  /** How to authenticate at the token endpoint (default: chosen from what the server supports). */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod | undefined;
}

/**
 * Whether a string can be a Client ID Metadata Document URL: https with a path (the document's URL is the client id,
 * so a bare origin cannot be one). Pure.
 */
export function isClientMetadataDocumentUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.pathname !== '/';
}

/** The identity pre-registered credentials give at `issuer`. Pure. */
export function preRegisteredIdentity(
  credentials: PreRegisteredClient,
  issuer: string,
  redirectUri: string,
): ClientIdentity {
  return {
    issuer,
    clientId: credentials.clientId,
    redirectUri,
    source: 'pre-registered',
    ...(credentials.clientSecret ? { clientSecret: credentials.clientSecret } : {}),
    ...(credentials.tokenEndpointAuthMethod
      ? { tokenEndpointAuthMethod: credentials.tokenEndpointAuthMethod }
      : {}),
  };
}

/** The identity a Client ID Metadata Document gives at `issuer`: a public client whose id is the document's URL. Pure. */
export function metadataDocumentIdentity(
  clientMetadataUrl: string,
  issuer: string,
  redirectUri: string,
): ClientIdentity {
  return {
    issuer,
    clientId: clientMetadataUrl,
    tokenEndpointAuthMethod: 'none',
    redirectUri,
    source: 'metadata-document',
  };
}
