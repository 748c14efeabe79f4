/**
 * Minting the JWTs the mock's roles issue, for tests and the demo: a workload's JWT (as its platform would issue it,
 * for the JWT bearer grant) and a user's ID token from the mock identity provider (for enterprise-managed
 * authorization). Both are signed with the mock's own keys (keys.ts), so the mock trusts them, and dated by its clock.
 */
import { randomToken } from '../http/crypto.js';
import { nowSeconds, type Clock } from '../provider/clock.js';
import type { OAuthAuthorizationServerProvider } from '../provider/types.js';
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import { signJwt } from './jwt.js';
import { idpIssuer, mockSigningKey, workloadIssuer, type SigningRole } from './keys.js';

/** The parts of a mock that minting reads. */
export interface MintingMock {
  /** Its issuer, which the workload platform's and the IdP's issuers hang from. */
  readonly settings: Pick<ResolvedMockAuthServerSettings, 'issuerUrl'>;
  /** Its provider, which the signing keys belong to (so they outlive `reconfigure`). */
  readonly provider: OAuthAuthorizationServerProvider;
  /** Its clock, which dates the JWT (`iat`, `exp`). */
  readonly clock: Clock;
}

/** Claims of a minted JWT; every one has a default. */
export interface MintOptions {
  /** `sub`. Default `workload-1` (workload JWTs) or `user-1` (ID tokens). */
  subject?: string | undefined;
  /** `aud`: default this mock's issuer (workload JWTs) or `clientId` (ID tokens). */
  audience?: string | string[] | undefined;
  /** Seconds from `iat` to `exp`; negative for an already expired JWT. Default 300. */
  expiresInSeconds?: number | undefined;
  /** `jti`. Default: a fresh random one. */
  jwtId?: string | undefined;
  /** More claims (they win over the defaults). */
  claims?: Readonly<Record<string, unknown>> | undefined;
}

/** A workload JWT issued by the mock's workload platform (`<issuer>/workload`), which the mock trusts. */
export function mintWorkloadJwt(mock: MintingMock, options: MintOptions = {}): Promise<string> {
  return mint(mock, 'workload', workloadIssuer(mock.settings), options, {
    subject: options.subject ?? 'workload-1',
    audience: options.audience ?? mock.settings.issuerUrl,
  });
}

/**
 * An ID token of the mock identity provider (`<issuer>/idp`) for the user `subject`, issued to the IdP client
 * `clientId` (its `aud`): what the application holds after the user signed in at the IdP.
 */
export function mintIdToken(mock: MintingMock, options: MintOptions & { clientId: string }): Promise<string> {
  return mint(mock, 'idp', idpIssuer(mock.settings), options, {
    subject: options.subject ?? 'user-1',
    audience: options.audience ?? options.clientId,
  });
}

async function mint(
  mock: MintingMock,
  role: SigningRole,
  issuer: string,
  options: MintOptions,
  identity: { subject: string; audience: string | string[] },
): Promise<string> {
  const key = await mockSigningKey(mock.provider, role);
  const issuedAt = Math.floor(nowSeconds(mock.clock));
  return signJwt(
    { typ: 'JWT', kid: key.publicJwk.kid },
    {
      iss: issuer,
      sub: identity.subject,
      aud: identity.audience,
      iat: issuedAt,
      exp: issuedAt + (options.expiresInSeconds ?? 300),
      jti: options.jwtId ?? randomToken(16),
      ...options.claims,
    },
    key.privateKey,
  );
}
