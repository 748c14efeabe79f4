/** The mock's own SHA-256, base64url and random tokens, checked against Node's crypto on generated inputs. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64url, randomHex, randomToken, s256 } from '../../../mock-server/http/crypto.js';
import { sha256 } from '../../../mock-server/http/sha256.js';

describe('sha256', () => {
  it('matches node:crypto on every length around the block and padding edges', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_unused, index) => (index * 31 + length) & 0xff);
      expect(Buffer.from(sha256(bytes)).toString('hex')).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
    }
  });

  it('matches node:crypto on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (bytes) => {
        expect(Buffer.from(sha256(bytes)).toString('hex')).toBe(
          createHash('sha256').update(bytes).digest('hex'),
        );
      }),
      { numRuns: 500, seed: 12 },
    );
  });

  it('gives the RFC 7636 appendix B challenge', async () => {
    expect(await s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('s256 hashes the UTF-8 of any string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (verifier) => {
        expect(await s256(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('base64url and random tokens', () => {
  it('base64url matches Buffer on every length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(base64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: 500, seed: 3 },
    );
  });

  it('hands out tokens of the asked size, never the same bytes twice, across block refills', () => {
    const tokens = Array.from({ length: 1000 }, () => randomToken());
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.every((token) => /^[A-Za-z0-9_-]{43}$/.test(token))).toBe(true);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomToken(5000)).toHaveLength(Math.ceil((5000 * 4) / 3));
    expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
  });
});
