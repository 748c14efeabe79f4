/**
 * The mock's own signing keys and the issuers they stand for: a workload platform (it mints the JWTs workloads
 * present with the JWT bearer grant) and the enterprise identity provider (it signs ID tokens and the identity
 * assertions it exchanges them for). One ES256 key pair per role per provider — so per mock, and the same across
 * `reconfigure` — made on first use.
 */
import { randomToken } from '../http/crypto.js';
import type { OAuthAuthorizationServerProvider } from '../provider/types.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';

/** The roles the mock signs in. */
export type SigningRole = 'workload' | 'idp';

/** A key pair of the mock: the private key never leaves it, the public JWK is published. */
export interface MockSigningKey {
  readonly privateKey: CryptoKey;
  /** With `kid`, `alg: ES256` and `use: sig`. */
  readonly publicJwk: JsonWebKey & { kid: string };
}

const KEYS = new WeakMap<object, Map<SigningRole, Promise<MockSigningKey>>>();

/** The key of `role` for the mock whose provider is `provider`. */
export function mockSigningKey(
  provider: OAuthAuthorizationServerProvider,
  role: SigningRole,
): Promise<MockSigningKey> {
  let keys = KEYS.get(provider);
  if (!keys) {
    keys = new Map();
    KEYS.set(provider, keys);
  }
  let key = keys.get(role);
  if (!key) {
    key = generate(role);
    keys.set(role, key);
  }
  return key;
}

async function generate(role: SigningRole): Promise<MockSigningKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    privateKey: pair.privateKey,
    publicJwk: {
      kty,
      crv,
      x,
      y,
      kid: `${role}-${randomToken(6)}`,
      alg: 'ES256',
      use: 'sig',
    } as JsonWebKey & {
      kid: string;
    },
  };
}

/** The issuer URL without its trailing slash, the base the roles' issuers hang from. */
function base(settings: Pick<ResolvedMockAuthServerSettings, 'issuerUrl'>): string {
  return settings.issuerUrl.replace(/\/+$/, '');
}

/** The issuer of the mock's workload JWTs: `<issuer>/workload`. */
export function workloadIssuer(settings: Pick<ResolvedMockAuthServerSettings, 'issuerUrl'>): string {
  return `${base(settings)}/workload`;
}

/** The issuer of the mock identity provider: `<issuer>/idp`. */
export function idpIssuer(settings: Pick<ResolvedMockAuthServerSettings, 'issuerUrl'>): string {
  return `${base(settings)}/idp`;
}

/** The audiences an assertion for this authorization server may name: its issuer (with or without `/`), its token endpoint. */
export function ownAudiences(settings: Pick<ResolvedMockAuthServerSettings, 'issuerUrl'>): Set<string> {
  const bare = base(settings);
  return new Set([settings.issuerUrl, bare, `${bare}/`, `${bare}/token`]);
}
