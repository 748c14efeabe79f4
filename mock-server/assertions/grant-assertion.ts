/**
 * The JWT bearer grant's assertion (RFC 7523 §3), as the mock's `/token` checks it: signed by an issuer it trusts —
 * its own workload platform, its own identity provider, or one configured in `trustedAssertionIssuers` — for this
 * authorization server (`aud`), alive by the mock's clock, with a subject, and its `jti` used once while it is
 * alive. An identity assertion (ID-JAG, `typ: oauth-id-jag+jwt`) must also name the authenticating client as its
 * `client_id` and this MCP server as its `resource`. Every refusal is `invalid_grant` (RFC 7523 §3.1).
 */
import { AgeOrderedMap } from '../provider/age-ordered-map.js';
import { nowSeconds } from '../provider/clock.js';
import { isOwnResource } from '../routes/audience.js';
import type { RouteContext } from '../routes/router.js';
import type { ClientInformation } from '../settings.js';
import { decodeJwt, isJwtAlgorithm, JWT_ALGORITHMS, verifiesWithAnyKey } from './jwt.js';
import { idpIssuer, mockSigningKey, ownAudiences, workloadIssuer } from './keys.js';

/** The `typ` of an identity assertion authorization grant. */
export const ID_JAG_TYPE = 'oauth-id-jag+jwt';

/** Clock leeway for `exp`, `nbf` and `iat`, in seconds. */
const LEEWAY_SECONDS = 30;
/** How many used `jti` values are remembered per mock (the oldest beyond are forgotten). */
const REPLAY_MEMORY = 10_000;

/** What a valid assertion grants: its subject, and whether it was an identity assertion. */
export type GrantAssertionCheck =
  { ok: true; subject: string; identityAssertion: boolean } | { ok: false; message: string };

/** Used `<iss> <jti>` → the assertion's expiry, per provider. */
const USED_JTIS = new WeakMap<object, AgeOrderedMap<string, number>>();

/** Checks `assertion` as the grant of `client` at this mock's token endpoint. */
export async function checkGrantAssertion(
  assertion: string,
  client: ClientInformation,
  context: RouteContext,
): Promise<GrantAssertionCheck> {
  const jwt = decodeJwt(assertion);
  if (!jwt) return refuse('the assertion is not a signed JWT');
  if (!isJwtAlgorithm(jwt.header['alg'])) {
    return refuse(`the assertion's alg must be one of ${JWT_ALGORITHMS.join(', ')}`);
  }
  const { payload } = jwt;
  const issuer = payload['iss'];
  if (typeof issuer !== 'string') return refuse('the assertion has no iss');
  const keys = await trustedKeys(issuer, context);
  if (!keys) return refuse(`the assertion's issuer ${issuer} is not trusted here`);
  if (!(await verifiesWithAnyKey(jwt, keys))) return refuse('the assertion signature does not verify');
  const claims = claimsProblem(payload, context);
  if (claims !== undefined) return refuse(claims);
  const identityAssertion = jwt.header['typ'] === ID_JAG_TYPE;
  // The identity provider's tokens are grants only as identity assertions (its ID tokens are for the client that
  // signed the user in), and an identity assertion comes only from the identity provider.
  const fromIdentityProvider = issuer === idpIssuer(context.settings);
  if (fromIdentityProvider && !identityAssertion) {
    return refuse(
      `a token of the identity provider is a grant only as an identity assertion (typ ${ID_JAG_TYPE})`,
    );
  }
  if (identityAssertion && !fromIdentityProvider) {
    return refuse('an identity assertion (typ oauth-id-jag+jwt) is accepted from the identity provider only');
  }
  if (identityAssertion) {
    if (payload['client_id'] !== client.client_id) {
      return refuse('the identity assertion was issued for another client (client_id)');
    }
    const resource = payload['resource'];
    if (typeof resource !== 'string' || !isOwnResource(resource, context.settings)) {
      return refuse('the identity assertion is not for this MCP server (resource)');
    }
  }
  const spent = spendJti(issuer, payload, context);
  if (spent !== undefined) return refuse(spent);
  return { ok: true, subject: payload['sub'] as string, identityAssertion };
}

function refuse(message: string): GrantAssertionCheck {
  return { ok: false, message };
}

/** The keys of a trusted issuer, or undefined when the issuer is not trusted. */
async function trustedKeys(issuer: string, context: RouteContext): Promise<JsonWebKey[] | undefined> {
  const { settings, provider } = context;
  if (issuer === workloadIssuer(settings)) return [(await mockSigningKey(provider, 'workload')).publicJwk];
  if (issuer === idpIssuer(settings)) return [(await mockSigningKey(provider, 'idp')).publicJwk];
  const configured = settings.trustedAssertionIssuers.find((trusted) => trusted.issuer === issuer);
  return configured && [...configured.jwks.keys];
}

function claimsProblem(
  payload: Readonly<Record<string, unknown>>,
  context: RouteContext,
): string | undefined {
  const subject = payload['sub'];
  if (typeof subject !== 'string' || subject === '') return 'the assertion has no sub';
  const audiences = Array.isArray(payload['aud']) ? payload['aud'] : [payload['aud']];
  const accepted = ownAudiences(context.settings);
  if (!audiences.some((aud) => typeof aud === 'string' && accepted.has(aud))) {
    return 'the assertion audience (aud) is not this authorization server';
  }
  const now = nowSeconds(context.clock);
  const exp = payload['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'the assertion has no exp';
  if (exp + LEEWAY_SECONDS <= now) return 'the assertion has expired';
  const nbf = payload['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + LEEWAY_SECONDS)) {
    return 'the assertion is not valid yet (nbf)';
  }
  const iat = payload['iat'];
  if (iat !== undefined && (typeof iat !== 'number' || iat > now + LEEWAY_SECONDS)) {
    return 'the assertion was issued in the future (iat)';
  }
  const jti = payload['jti'];
  if (jti !== undefined && (typeof jti !== 'string' || jti === ''))
    return 'the assertion jti is not a string';
  return undefined;
}

/** Records the assertion's `jti` (when it has one); a message when it was already used while alive. */
function spendJti(
  issuer: string,
  payload: Readonly<Record<string, unknown>>,
  context: RouteContext,
): string | undefined {
  const jti = payload['jti'];
  // RFC 7523 §3 makes jti optional; an assertion without one cannot be told from its replay.
  if (typeof jti !== 'string') return undefined;
  let used = USED_JTIS.get(context.provider);
  if (!used) {
    used = new AgeOrderedMap<string, number>();
    USED_JTIS.set(context.provider, used);
  }
  const now = nowSeconds(context.clock);
  used.deleteOldestWhile((expiresAt) => expiresAt + LEEWAY_SECONDS <= now);
  const key = `${issuer}\u0000${jti}`;
  const seenUntil = used.get(key);
  if (seenUntil !== undefined && seenUntil + LEEWAY_SECONDS > now)
    return 'the assertion was already used (jti)';
  used.set(key, payload['exp'] as number);
  used.deleteOldestBeyond(REPLAY_MEMORY);
  return undefined;
}
