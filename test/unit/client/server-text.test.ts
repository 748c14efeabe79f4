import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_SECRETS_CAPACITY, KnownSecrets } from '../../../src/known-secrets.js';
import {
  bound,
  cleanText,
  MIN_SECRET_LENGTH,
  REDACTED,
  SERVER_CODE_LIMIT,
  SERVER_TEXT_LIMIT,
  serverText,
} from '../../../src/server-text.js';

const SECRET = 'c0de-5ecret-AbCdEfGhIjKlMnOp';
const CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

describe('cleanText', () => {
  it('turns line breaks into spaces, removes other control and invisible characters, and folds whitespace', () => {
    expect(cleanText(' a\r\nb\tc\u2028d\u0085e ')).toBe('a b c d e');
    expect(cleanText('ok\u0000\u001b[31mred\u007f\u009b\u200b\u202eevil\u2066')).toBe('ok[31mredevil');
  });
});

describe('serverText', () => {
  it('masks a secret wherever it appears, as is, percent-encoded or form-encoded', () => {
    const secret = 'p@ss word/+=';
    const text = serverText(
      `got ${secret}, ${encodeURIComponent(secret)} and ${new URLSearchParams({ s: secret }).toString().slice(2)}`,
      [secret],
    );
    expect(text).toBe(`got ${REDACTED}, ${REDACTED} and ${REDACTED}`);
  });

  it('masks a secret that control characters were slipped into, since removing them rebuilds it', () => {
    const split = `${SECRET.slice(0, 5)}\u0000\u200b${SECRET.slice(5)}`;
    expect(serverText(`token ${split}`, [SECRET])).toBe(`token ${REDACTED}`);
  });

  it('masks the longest secret first, so a secret containing another is masked whole', () => {
    expect(serverText(`x ${SECRET}-tail y`, [SECRET, `${SECRET}-tail`])).toBe(`x ${REDACTED} y`);
  });

  it('never masks secrets too short to tell from words, nor missing ones', () => {
    const short = 'a'.repeat(MIN_SECRET_LENGTH - 1);
    expect(serverText(`say ${short}`, [short, undefined, ''])).toBe(`say ${short}`);
  });

  it('bounds the text, ends a cut text with an ellipsis and never splits a surrogate pair', () => {
    const long = serverText('x'.repeat(1024 * 1024), [SECRET]);
    expect(long).toHaveLength(SERVER_TEXT_LIMIT);
    expect(long?.endsWith('…')).toBe(true);
    expect(serverText('y'.repeat(SERVER_TEXT_LIMIT), [])).toHaveLength(SERVER_TEXT_LIMIT);
    const emoji = bound(`${'z'.repeat(8)}😀😀`, 10);
    expect(emoji).toBe(`${'z'.repeat(8)}…`);
  });

  it('leaves no piece of a secret cut at the end of the part it masked, even after long secrets shrank the text', () => {
    // Many long secrets shrink to the mask, pulling text from far behind into what is kept: a second secret there
    // must be masked whole, not cut in half before masking.
    const long = `L${'o'.repeat(2000)}ng`;
    const text = `${`${long} `.repeat(50)}${SECRET} end`;
    const result = serverText(text, [long, SECRET], SERVER_TEXT_LIMIT) ?? '';
    expect(result).not.toContain(SECRET.slice(0, 8));
    expect(result).not.toContain('ooo');
  });

  it('is undefined for what is not a string or leaves nothing readable', () => {
    expect(serverText(42, [])).toBeUndefined();
    expect(serverText(undefined, [])).toBeUndefined();
    expect(serverText(' \r\n\u0000 ', [])).toBeUndefined();
  });

  it('holds for any text around any secrets: no secret, no control character, within the limit', () => {
    // Secrets as servers issue them (URL-safe characters): a secret made of the mask's own characters could be
    // formed by the mask and its neighbours, which no real token is.
    const secretArb = fc.string({
      unit: fc.constantFrom(...'abcXYZ019-._~+/='.split('')),
      minLength: MIN_SECRET_LENGTH,
      maxLength: 60,
    });
    const piece = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('\r\n', '\u0000', '\u001b[2J', '\u202e', '\u200b', ' ', '…'),
    );
    fc.assert(
      fc.property(
        fc.array(secretArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(piece, fc.nat()), { maxLength: 30 }),
        fc.constantFrom(SERVER_CODE_LIMIT, SERVER_TEXT_LIMIT),
        (secrets, pieces, limit) => {
          // Text made of random pieces, each followed by one of the secrets.
          const text = pieces.map(([p, i]) => `${p}${secrets[i % secrets.length] ?? ''}`).join('');
          const result = serverText(text, secrets, limit) ?? '';
          expect(result.length).toBeLessThanOrEqual(limit);
          expect(CONTROL_OR_INVISIBLE.test(result)).toBe(false);
          for (const secret of secrets) expect(result).not.toContain(secret);
        },
      ),
      { seed: 0x5ec7e7, numRuns: 300 },
    );
  });
});

describe('KnownSecrets', () => {
  it('remembers secrets and the Basic credentials of a client secret, and skips short or missing ones', () => {
    const secrets = new KnownSecrets();
    secrets.add('abc', undefined, 'access-token-1');
    secrets.addClient('client id', 'sec ret');
    secrets.addClient('public', undefined);
    expect([...secrets]).toEqual([
      'access-token-1',
      'sec ret',
      btoa(`${encodeURIComponent('client id')}:${encodeURIComponent('sec ret')}`),
    ]);
  });

  it('keeps the most recently used ones past its capacity', () => {
    const secrets = new KnownSecrets();
    secrets.add('first-secret');
    for (let i = 0; i < KNOWN_SECRETS_CAPACITY; i++) {
      secrets.add(`secret-${i}`);
      secrets.add('first-secret'); // still in use: read again with every request
    }
    const kept = [...secrets];
    expect(kept).toHaveLength(KNOWN_SECRETS_CAPACITY);
    expect(kept).toContain('first-secret');
    expect(kept).not.toContain('secret-0');
  });
});
