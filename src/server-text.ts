/**
 * Text a server chose (an OAuth `error` and `error_description`, an `iss`, a challenge parameter, a metadata value,
 * an error body) made fit to quote in an error or an event: control and invisible characters removed, every secret
 * the client holds masked, and the length bounded. A server may reflect what it was sent (a code, a verifier, a
 * client secret, a token) or send megabytes and line breaks meant for a log; none of that may reach the application
 * through this package. Pure.
 */

/** Longest short value quoted from a server: an OAuth `error` code, an issuer, a client id, a token type. */
export const SERVER_CODE_LIMIT = 100;

/** Longest free text quoted from a server: an `error_description`, a body excerpt. */
export const SERVER_TEXT_LIMIT = 500;

/** Longest error or event message (the package's own words plus the bounded quotes in them). */
export const MESSAGE_LIMIT = 2_000;

/** What a masked secret reads as. */
export const REDACTED = '[redacted]';

/**
 * Secrets shorter than this are not masked: a two-letter "secret" would blank out every word containing those
 * letters, and no server issues codes, tokens or client secrets that short.
 */
export const MIN_SECRET_LENGTH = 4;

// Line breaks and other separators become spaces (so words stay apart); every other control or format character
// (NUL, ESC, bidirectional overrides, zero-width characters) is removed, since it is invisible or rewrites a terminal.
const SEPARATORS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
const WHITESPACE_RUN = /\s+/g;

/** The text with control and invisible characters removed and whitespace folded; not bounded, nothing masked. */
export function cleanText(text: string): string {
  return text.replace(SEPARATORS, ' ').replace(INVISIBLE, '').replace(WHITESPACE_RUN, ' ').trim();
}

/**
 * Server-chosen `value` ready to quote: cleaned, every secret masked, at most `limit` characters (cut ones end in
 * `…`). Undefined when the value is not a string or nothing readable is left.
 */
export function serverText(
  value: unknown,
  secrets: Iterable<string | undefined> = [],
  limit: number = SERVER_TEXT_LIMIT,
): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = maskAndBound(cleanText(value), secretForms(secrets), limit);
  return text === '' ? undefined : text;
}

/** {@link serverText} for interpolation: the empty string where there is nothing to quote. */
export function quoteServerText(
  value: unknown,
  secrets: Iterable<string | undefined> = [],
  limit: number = SERVER_TEXT_LIMIT,
): string {
  return serverText(value, secrets, limit) ?? '';
}

/** Text bounded to `limit` characters, ending in `…` when cut (never between the halves of a surrogate pair). */
export function bound(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = Math.max(0, limit - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Every spelling of the secrets worth masking, longest first (so a secret containing another is masked whole): as
 * is, as cleaning would leave it, and percent- or form-encoded, the way a server echoing a request would write it.
 */
export function secretForms(secrets: Iterable<string | undefined>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string') continue;
    for (const form of spellings(secret)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

function spellings(secret: string): string[] {
  const result = [secret, cleanText(secret)];
  try {
    result.push(encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2));
  } catch {
    // A lone surrogate cannot be percent-encoded, so no server received it that way.
  }
  return result;
}

/**
 * Masks `forms` in `text` and bounds the result. Only a prefix of a long text is masked (a megabyte of text costs no
 * more than a few hundred characters), but one long enough that a secret cut at its end cannot show: the prefix is
 * doubled until its unmasked tail lies past what the bound keeps.
 */
function maskAndBound(text: string, forms: readonly string[], limit: number): string {
  const longest = forms[0]?.length ?? 0;
  // One character more than could be kept, so a cut text is seen to be longer and gets its ellipsis.
  let end = limit + longest + 1;
  for (;;) {
    const masked = mask(text.slice(0, end), forms);
    if (end >= text.length || masked.length >= limit + longest) return bound(masked, limit);
    end *= 2;
  }
}

function mask(text: string, forms: readonly string[]): string {
  let result = text;
  for (const form of forms) if (result.includes(form)) result = result.split(form).join(REDACTED);
  return result;
}
