/**
 * Machine clients for the `client_credentials` tests: WebCrypto key pairs (the private key as PKCS#8 PEM, the public
 * one as the JWK set the mock registers), the mock clients that go with them, and a hand-made assertion signer so the
 * mock's checks can be fed assertions no well-behaved client would send.
 */
import type { ClientInformation } from '../../../../mock-server/index.js';

export type SigningAlgorithm = 'ES256' | 'RS256';

export interface TestKeyPair {
  algorithm: SigningAlgorithm;
  privateKey: CryptoKey;
  /** The private key as PKCS#8 PEM, as an application would read it from a file. */
  pem: string;
  /** The public key as a JWK, as the client registered it. */
  publicJwk: JsonWebKey;
}

const GENERATE = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  RS256: {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  },
} as const;

const SIGN = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
} as const;

export async function generateKeyPair(algorithm: SigningAlgorithm): Promise<TestKeyPair> {
  const pair = (await crypto.subtle.generateKey(GENERATE[algorithm], true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const base64 = btoa(String.fromCharCode(...der));
  const lines = base64.match(/.{1,64}/g) ?? [];
  const pem = `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
  const publicJwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { algorithm, privateKey: pair.privateKey, pem, publicJwk };
}

/** A confidential mock client that may use the `client_credentials` grant with its secret. */
export function secretClient(
  clientId: string,
  clientSecret: string,
  method: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic',
  scope = 'read write',
): ClientInformation {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    token_endpoint_auth_method: method,
    grant_types: ['client_credentials'],
    // The mock's settings require one; a machine client never uses it.
    redirect_uris: ['https://machine.example/unused'],
    scope,
  };
}

/** A mock client that authenticates with `private_key_jwt`, its public keys registered inline. */
export function keyClient(
  clientId: string,
  keys: ReadonlyArray<JsonWebKey & { kid?: string }>,
  scope = 'read write',
): ClientInformation {
  return {
    client_id: clientId,
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['client_credentials'],
    redirect_uris: ['https://machine.example/unused'],
    jwks: { keys },
    scope,
  };
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Signs `claims` with `key` as a compact JWS (no checks: tests give it whatever claims they need). */
export async function signAssertion(
  key: TestKeyPair,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const encode = (value: unknown): string => base64url(new TextEncoder().encode(JSON.stringify(value)));
  const input = `${encode({ alg: key.algorithm, ...header })}.${encode(claims)}`;
  const signature = await crypto.subtle.sign(
    SIGN[key.algorithm],
    key.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/** The key pairs both machine-client suites use: an ES256 and an RS256 client key, and an ES256 key nobody registered. */
export async function machineTestKeys(): Promise<{
  es256: TestKeyPair;
  rs256: TestKeyPair;
  stranger: TestKeyPair;
}> {
  const [es256, rs256, stranger] = await Promise.all([
    generateKeyPair('ES256'),
    generateKeyPair('RS256'),
    generateKeyPair('ES256'),
  ]);
  return { es256, rs256, stranger };
}
