/**
 * Machine-to-machine clients (the `client_credentials` grant, RFC 6749 §4.4): the option that names them, its
 * validation, and the identity it gives at an authorization server — a shared secret, or a private key that signs
 * `private_key_jwt` assertions (RFC 7523 §2.2), imported once through WebCrypto.
 */
import { McpAuthError } from '../errors.js';
import { clientCredentialsGrant } from '../tokens/client-credentials-grant.js';
import type { MachineClient } from './machine-client.js';

/**
 * A WebCrypto `CryptoKey`, named through the global `crypto` rather than the DOM lib: Node projects without the DOM
 * lib have no global `CryptoKey` type, but do have `crypto.subtle`, whose keys these are.
 */
export type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** A confidential client that authenticates with its secret. */
export interface ClientSecretCredentials {
  /** The client id the authorization server issued. */
  clientId: string;
  /** The client secret. */
  clientSecret: string;
  /**
   * The issuer the client is registered with: the secret goes to no other. Without it, the first authorization
   * server this client meets is the only one it talks to afterwards.
   */
  issuer?: string | undefined;
  /** `client_secret_basic` (default, unless the server lists only `client_secret_post`) or `client_secret_post`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | undefined;
}

/** A confidential client that authenticates with a JWT signed by its private key (`private_key_jwt`). */
export interface PrivateKeyJwtCredentials {
  /** The client id the authorization server issued. */
  clientId: string;
  /**
   * The private key: a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), or a WebCrypto `CryptoKey` with the `sign` usage
   * (which may be non-extractable).
   */
  privateKey: string | WebCryptoKey;
  /** `ES256` (P-256) or `RS256` (RSA, PKCS#1 v1.5, SHA-256): the algorithm the server registered for the key. */
  algorithm: 'ES256' | 'RS256';
  /** The `kid` of the key in the client's registered key set, when the server needs it to pick the key. */
  keyId?: string | undefined;
  /** The issuer the client is registered with (see {@link ClientSecretCredentials.issuer}). */
  issuer?: string | undefined;
}

/** The `clientCredentials` option: a secret or a private key. */
export type ClientCredentials = ClientSecretCredentials | PrivateKeyJwtCredentials;

const PEM_PATTERN = /^-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----$/;

function invalid(message: string): McpAuthError {
  return new McpAuthError({ code: 'invalid_option', step: 'connection', message });
}

/** What is wrong with a `clientCredentials` option, as the `invalid_option` error to throw; undefined when fine. */
export function clientCredentialsProblem(value: unknown): McpAuthError | undefined {
  if (typeof value !== 'object' || value === null) {
    return invalid(
      'clientCredentials must be { clientId, clientSecret } or { clientId, privateKey, algorithm }',
    );
  }
  const given = value as Record<string, unknown>;
  if (typeof given['clientId'] !== 'string' || given['clientId'] === '') {
    return invalid('clientCredentials.clientId must be a non-empty string');
  }
  const hasSecret = given['clientSecret'] !== undefined;
  const hasKey = given['privateKey'] !== undefined;
  if (hasSecret === hasKey) {
    return invalid('clientCredentials needs exactly one of clientSecret and privateKey');
  }
  if (
    given['issuer'] !== undefined &&
    (typeof given['issuer'] !== 'string' || !URL.canParse(given['issuer']))
  ) {
    return invalid('clientCredentials.issuer must be the absolute URL of the authorization server');
  }
  if (hasSecret) {
    if (typeof given['clientSecret'] !== 'string' || given['clientSecret'] === '') {
      return invalid('clientCredentials.clientSecret must be a non-empty string');
    }
    const method = given['tokenEndpointAuthMethod'];
    if (method !== undefined && method !== 'client_secret_basic' && method !== 'client_secret_post') {
      return invalid(
        "clientCredentials.tokenEndpointAuthMethod must be 'client_secret_basic' or 'client_secret_post'",
      );
    }
    return undefined;
  }
  const key = given['privateKey'];
  if (typeof key === 'string' ? !PEM_PATTERN.test(key.trim()) : !isCryptoKey(key)) {
    return invalid(
      'clientCredentials.privateKey must be a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----…") or a CryptoKey',
    );
  }
  if (isCryptoKey(key) && (key.type !== 'private' || !key.usages.includes('sign'))) {
    return invalid('clientCredentials.privateKey must be a private CryptoKey with the "sign" usage');
  }
  if (given['algorithm'] !== 'ES256' && given['algorithm'] !== 'RS256') {
    return invalid("clientCredentials.algorithm must be 'ES256' or 'RS256'");
  }
  if (given['keyId'] !== undefined && (typeof given['keyId'] !== 'string' || given['keyId'] === '')) {
    return invalid('clientCredentials.keyId must be a non-empty string');
  }

  return undefined;
}

/** The machine client of a validated option. */
export function machineClient(credentials: ClientCredentials, redirectUri: string): MachineClient {
  const { clientId } = credentials;
  const bound = {
    ...(credentials.issuer === undefined ? {} : { issuer: credentials.issuer }),
    grant: 'client_credentials',
    option: 'clientCredentials',
    requestTokens: clientCredentialsGrant,
  };
  if ('clientSecret' in credentials) {
    return {
      clientId,
      ...bound,
      identityAt: async (issuer) => ({
        issuer,
        clientId,
        clientSecret: credentials.clientSecret,
        // Unset: chosen from what the server lists, Basic first (RFC 6749 §2.3.1's must-support).
        ...(credentials.tokenEndpointAuthMethod === undefined
          ? {}
          : { tokenEndpointAuthMethod: credentials.tokenEndpointAuthMethod }),
        redirectUri,
        source: 'pre-registered',
      }),
    };
  }
  let imported: Promise<WebCryptoKey> | undefined;
  return {
    clientId,
    ...bound,
    identityAt: async (issuer) => {
      imported ??= signingKey(credentials);
      const key = await imported.catch((error: unknown) => {
        imported = undefined;
        throw error;
      });
      return {
        issuer,
        clientId,
        tokenEndpointAuthMethod: 'private_key_jwt',
        signingKey: { key, ...(credentials.keyId === undefined ? {} : { kid: credentials.keyId }) },
        redirectUri,
        source: 'pre-registered',
      };
    },
  };
}

const IMPORT_ALGORITHMS = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
} as const;

/** The key as a non-extractable signing `CryptoKey` of `algorithm`. */
async function signingKey(credentials: PrivateKeyJwtCredentials): Promise<WebCryptoKey> {
  const { privateKey, algorithm } = credentials;
  if (typeof privateKey !== 'string') {
    if (!keyFits(privateKey, algorithm)) {
      throw invalid(`clientCredentials.privateKey is not a ${algorithm} key`);
    }
    return privateKey;
  }
  const body = PEM_PATTERN.exec(privateKey.trim())?.[1] ?? '';
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = Uint8Array.from(atob(body.replace(/\s+/g, '')), (char) => char.charCodeAt(0));
  } catch {
    throw invalid('clientCredentials.privateKey is not valid base64 inside its PEM armour');
  }
  try {
    return await crypto.subtle.importKey('pkcs8', der, IMPORT_ALGORITHMS[algorithm], false, ['sign']);
  } catch {
    // The key's own bytes are never quoted: the message says only what did not fit.
    throw invalid(`clientCredentials.privateKey is not a PKCS#8 ${algorithm} private key`);
  }
}

function keyFits(key: WebCryptoKey, algorithm: 'ES256' | 'RS256'): boolean {
  const params = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  return algorithm === 'ES256'
    ? params.name === 'ECDSA' && params.namedCurve === 'P-256'
    : params.name === 'RSASSA-PKCS1-v1_5' && params.hash?.name === 'SHA-256';
}

function isCryptoKey(value: unknown): value is WebCryptoKey {
  // Read off globalThis: the name is a type only where the DOM lib is loaded.
  const constructor = (globalThis as { CryptoKey?: abstract new (...args: never[]) => unknown }).CryptoKey;
  return constructor !== undefined && value instanceof constructor;
}
