/**
 * The access token's lifetime as the token endpoint states it (`expires_in`, RFC 6749 §5.1: RECOMMENDED, in
 * seconds), read defensively. The rules, which keep the client working with a sloppy server and safe with a hostile
 * one:
 *
 * - a positive number of seconds is the lifetime, capped at {@link MAX_TOKEN_LIFETIME_SECONDS} (one year), so no
 *   value (`1e308`, say) makes the expiry overflow to `Infinity`, which JSON cannot store;
 * - a string holding only such a number (`"3600"`, as some servers send) counts as that number;
 * - anything else (zero, negative, `NaN`, `Infinity`, `null`, other strings, objects) states no usable lifetime and
 *   is treated as absent: the token is used until the server refuses it, which a 401 answers with one refresh (the
 *   resource server, not the stated lifetime, decides whether a token is still good). Zero is among them: taken
 *   literally it would make every request refresh first.
 */

/** The longest lifetime the client believes: one year, in seconds. */
export const MAX_TOKEN_LIFETIME_SECONDS = 365 * 24 * 60 * 60;

const DECIMAL = /^\s*\d+(\.\d+)?\s*$/;

/** The usable lifetime, in seconds, of an `expires_in` value; undefined when it states none. Pure. */
export function tokenLifetimeSeconds(expiresIn: unknown): number | undefined {
  const seconds =
    typeof expiresIn === 'number'
      ? expiresIn
      : typeof expiresIn === 'string' && DECIMAL.test(expiresIn)
        ? Number(expiresIn)
        : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.min(seconds, MAX_TOKEN_LIFETIME_SECONDS);
}

/**
 * A successful token response whose `expires_in` is rewritten by {@link tokenLifetimeSeconds} (removed when it states
 * no lifetime), so that a value the rules accept or ignore is not a reason for oauth4webapi to refuse the whole
 * grant (it refuses negative and non-numeric ones). Any other response is returned as it is.
 */
export async function withUsableLifetime(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  let body: unknown;
  try {
    body = JSON.parse(await response.clone().text());
  } catch {
    return response;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('expires_in' in body))
    return response;
  const stated: unknown = (body as Record<string, unknown>)['expires_in'];
  const lifetime = tokenLifetimeSeconds(stated);
  if (lifetime === stated) return response;
  const { expires_in: _dropped, ...rest } = body as Record<string, unknown>;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(lifetime === undefined ? rest : { ...rest, expires_in: lifetime }), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
