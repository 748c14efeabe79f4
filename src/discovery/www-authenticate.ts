/**
 * WWW-Authenticate parsing (RFC 9110 §11.6.1): several challenges per header, quoted values that contain spaces,
 * commas and escaped quotes, and token68 credentials. Pure.
 */
import { SERVER_CODE_LIMIT, SERVER_TEXT_LIMIT, serverText } from '../server-text.js';

/** One challenge: its scheme (lower-cased) and its parameters (names lower-cased). */
export interface AuthChallenge {
  scheme: string;
  params: Readonly<Record<string, string>>;
  token68?: string;
}

/** What the client needs from a 401/403 challenge. */
export interface BearerChallenge {
  scheme: 'bearer' | 'dpop';
  resourceMetadata?: string;
  /** As sent: it is used, not shown (quote it through `serverText`). */
  scope?: string;
  /** Ready to show: cleaned, scrubbed of the secrets given, at most 100 characters. */
  error?: string;
  /** Ready to show: cleaned, scrubbed of the secrets given, at most 500 characters. */
  errorDescription?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

/** Parses every challenge of a WWW-Authenticate header value; malformed tails are ignored, never thrown. */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let rest = header;
  let current: { scheme: string; params: Record<string, string>; token68?: string } | undefined;

  const skip = (pattern: RegExp): void => {
    rest = rest.replace(pattern, '');
  };

  while (rest.length > 0) {
    skip(/^[\s,]+/);
    if (rest.length === 0) break;
    const name = TOKEN.exec(rest)?.[0];
    if (!name) break; // Not a token: the rest is unparseable, keep what we have.
    const afterName = rest.slice(name.length);
    const paramMatch = /^\s*=\s*/.exec(afterName);
    // Inside a challenge, `name = value` is a parameter; a bare token starts the next challenge.
    if (current && paramMatch) {
      rest = afterName.slice(paramMatch[0].length);
      let value: string;
      if (rest.startsWith('"')) {
        let i = 1;
        value = '';
        while (i < rest.length && rest[i] !== '"') {
          if (rest[i] === '\\' && i + 1 < rest.length) i += 1;
          value += rest[i];
          i += 1;
        }
        rest = rest.slice(i + 1);
      } else {
        // Lenient: servers send unquoted URLs, which are not RFC tokens.
        value = /^[^,\s]*/.exec(rest)?.[0] ?? '';
        rest = rest.slice(value.length);
      }
      const key = name.toLowerCase();
      // Own properties only, defined rather than assigned: `constructor` or `__proto__` is a parameter like any other.
      if (!Object.hasOwn(current.params, key))
        Object.defineProperty(current.params, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
    rest = afterName;
    // A token68 may follow the scheme directly (e.g. `Basic dXNlcjpwYXNz`, `Negotiate abc==`).
    const spaced = /^\s+/.exec(rest);
    if (spaced) {
      const candidate = rest.slice(spaced[0].length);
      const t68 = TOKEN68.exec(candidate)?.[0];
      if (t68 && /^\s*(,|$)/.test(candidate.slice(t68.length))) {
        current.token68 = t68;
        rest = candidate.slice(t68.length);
      }
    }
  }
  return challenges;
}

/**
 * The Bearer (or DPoP) challenge of a header, reduced to what MCP authorization uses. Its `error` and
 * `error_description` are only ever shown, so they come out scrubbed of `secrets` (the resource server saw the access
 * token, and may echo it) and bounded.
 */
export function bearerChallenge(
  header: string | null | undefined,
  secrets: Iterable<string | undefined> = [],
): BearerChallenge | undefined {
  if (!header) return undefined;
  const challenge = parseWwwAuthenticate(header).find((c) => c.scheme === 'bearer' || c.scheme === 'dpop');
  if (!challenge) return undefined;
  const { params } = challenge;
  const result: BearerChallenge = { scheme: challenge.scheme === 'dpop' ? 'dpop' : 'bearer' };
  if (params['resource_metadata']) result.resourceMetadata = params['resource_metadata'];
  if (params['scope'] !== undefined && params['scope'].trim() !== '') result.scope = params['scope'];
  const known = [...secrets];
  const error = serverText(params['error'], known, SERVER_CODE_LIMIT);
  if (error !== undefined) result.error = error;
  const description = serverText(params['error_description'], known, SERVER_TEXT_LIMIT);
  if (description !== undefined) result.errorDescription = description;
  return result;
}
