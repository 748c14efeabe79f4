/**
 * Generators of hostile input: the strings, URLs and bodies an attacker or a broken client sends. Shared by the
 * mock's fuzz suites and the client's parser fuzz suite.
 */
import fc from 'fast-check';

/** Classic injection payloads for HTML, URLs, headers, templates and paths. */
export const INJECTIONS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</title><script>alert(1)</script>',
  '&lt;script&gt;',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  "' OR '1'='1",
  '"; DROP TABLE clients; --',
  '${7*7}{{7*7}}<%= 7*7 %>',
  '\r\nSet-Cookie: session=evil',
  '%0d%0aLocation:%20http://evil.example/',
  '\r\n\r\nHTTP/1.1 200 OK\r\n',
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  'http://evil.example/',
  '//evil.example/x',
  '\\\\evil.example\\x',
  '@evil.example',
  '#@evil.example',
  '?redirect=http://evil.example',
  '\u0000',
  '%00',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '\ufeff\u200b\u2028\u2029',
  '\ud800',
  '\udfff\ud800',
  'ǅ ﬀ ß İ ı',
  '🔑'.repeat(50),
  '\\"\\\\"',
  '%',
  '%%25%',
  '+ +',
  '&&==&&',
  ' ',
  '',
] as const;

/** Control characters, C0 and C1, DEL and the Unicode line separators. */
export const controlString = (maxLength = 20): fc.Arbitrary<string> =>
  fc.string({
    unit: fc
      .oneof(
        fc.integer({ min: 0, max: 0x1f }),
        fc.integer({ min: 0x7f, max: 0x9f }),
        fc.constantFrom(0x2028, 0x2029, 0xfeff),
      )
      .map((code) => String.fromCharCode(code)),
    maxLength,
  });

/** Any string: printable, unicode (lone surrogates included), control characters, injections, and mixtures. */
export const hostileString = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
    { weight: 2, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: controlString(maxLength) },
    {
      weight: 2,
      arbitrary: fc
        .array(
          fc.oneof(
            fc.constantFrom(...INJECTIONS),
            fc.string({ unit: 'binary', maxLength: 8 }),
            controlString(4),
          ),
          {
            maxLength: 5,
          },
        )
        .map((parts) => parts.join('')),
    },
    { weight: 1, arbitrary: fc.constantFrom('a'.repeat(10_000), '%'.repeat(5_000), '\u0000'.repeat(1_000)) },
  );

/** A string with no space (an OAuth scope token, an id), hostile otherwise. */
export const hostileToken = (maxLength = 30): fc.Arbitrary<string> =>
  hostileString(maxLength).map((value) => value.replace(/ /g, ''));

/** Variations on a good URL that try to escape it: other schemes, hosts hidden in userinfo or fragments, encodings. */
export function hostileUrlAround(good: string): fc.Arbitrary<string> {
  const url = new URL(good);
  const hostPort = url.host;
  return fc.oneof(
    fc.constantFrom(
      good,
      `${good}/`,
      `${good}?x=1`,
      `${good}#frag`,
      `${good}%2F..%2F..`,
      `${good}/../../other`,
      good.toUpperCase(),
      ` ${good} `,
      `${good}\u0000`,
      `${good}\r\nLocation: http://evil.example/`,
      good.replace(hostPort, `${hostPort}@evil.example`),
      good.replace(hostPort, `evil.example#@${hostPort}`),
      good.replace(hostPort, `evil.example\\@${hostPort}`),
      good.replace(hostPort, `${url.hostname}:99999`),
      good.replace(hostPort, `${url.hostname}:0`),
      good.replace('http:', 'https:'),
      good.replace(/^https?:/, 'javascript:'),
      good.replace(/^https?:\/\//, '//'),
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      'com.example.app:/callback',
      'http://[::1]/callback',
      'http://0x7f.1/callback',
      'http://ⓔⓥⓘⓛ.example/',
      'http://xn--80ak6aa92e.com/',
      'http:\\\\evil.example',
      'http:evil.example',
      'http://',
      '://',
      '',
    ),
    fc
      .tuple(fc.constantFrom('', '/', '?', '#', '?a=', '&b='), hostileString(20))
      .map(([joiner, tail]) => `${good}${joiner}${tail}`),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
  );
}

/** JSON values that nest deeply, are wide, or carry hostile strings. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc
    .integer({ min: 1, max: 200 })
    .map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown),
  fc.dictionary(hostileString(12), hostileString(20), { maxKeys: 8 }),
  fc.constantFrom(null, 0, -1, 1e308, -0, true, '', [], {}, 'x'.repeat(5000)),
);

/** Raw body bytes: empty, invalid UTF-8, text, broken JSON and broken forms. */
export const hostileBodyText: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    '[1,2',
    'null',
    '"str"',
    '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    '=&=&&==',
    'a=%',
    'a=%ZZ&b=%C3%28',
    '%E0%A4%A',
    `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
    `${'['.repeat(100_000)}`,
    '\u0000\u0001\u0002',
  ),
  hostileString(200),
);
