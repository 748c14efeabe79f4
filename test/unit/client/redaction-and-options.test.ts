import { describe, expect, it } from 'vitest';
import { createEventStream, redactText, redactUrl } from '../../../src/events.js';
import { applicationTypeFor, isAcceptableRedirectUri } from '../../../src/identity/application-type.js';
import { isAcceptableUrl } from '../../../src/http.js';
import { resolveOptions } from '../../../src/options.js';
import { McpAuthError } from '../../../src/errors.js';

describe('redactText', () => {
  it('redacts every URL in free text, folds whitespace and bounds the length', () => {
    expect(redactText('see https://a.example/cb?code=c1\n and http://b.example/?refresh_token=r1 now')).toBe(
      'see https://a.example/cb?code=redacted and http://b.example/?refresh_token=redacted now',
    );
    const long = redactText('x'.repeat(1000));
    expect(long.length).toBe(300);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('redactUrl', () => {
  it('hides codes, tokens, secrets, userinfo and the fragment but keeps the rest', () => {
    const redacted = redactUrl(
      'https://user:pw@x.example/cb?code=abc&state=s&client_secret=z&access_token=t#frag',
    );
    expect(redacted).toBe(
      'https://redacted@x.example/cb?code=redacted&state=s&client_secret=redacted&access_token=redacted',
    );
  });

  it('never throws on garbage', () => {
    expect(redactUrl('::not a url')).toBe('[unparseable URL]');
  });
});

describe('event stream', () => {
  it('delivers events with a timestamp, survives throwing listeners and unsubscribes', () => {
    const stream = createEventStream();
    const seen: string[] = [];
    stream.subscribe(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = stream.subscribe((event) =>
      seen.push(`${event.step}:${event.status}:${typeof event.at}`),
    );
    stream.emit({ step: 'discovery', status: 'started', message: 'm' });
    unsubscribe();
    stream.emit({ step: 'discovery', status: 'succeeded', message: 'm' });
    expect(seen).toEqual(['discovery:started:number']);
  });
});

describe('URL policies', () => {
  it('accepts https everywhere and http only on loopback', () => {
    expect(isAcceptableUrl(new URL('https://x.example'), false)).toBe(true);
    expect(isAcceptableUrl(new URL('http://localhost:3000'), false)).toBe(true);
    expect(isAcceptableUrl(new URL('http://127.0.0.1:3000'), false)).toBe(true);
    expect(isAcceptableUrl(new URL('http://[::1]:3000'), false)).toBe(true);
    expect(isAcceptableUrl(new URL('http://x.example'), false)).toBe(false);
    expect(isAcceptableUrl(new URL('http://x.example'), true)).toBe(true);
    expect(isAcceptableUrl(new URL('ftp://x.example'), true)).toBe(false);
  });

  it('derives application_type from the redirect URI', () => {
    expect(applicationTypeFor(new URL('http://127.0.0.1:8080/cb'))).toBe('native');
    expect(applicationTypeFor(new URL('https://app.example/cb'))).toBe('web');
    expect(isAcceptableRedirectUri(new URL('http://app.example/cb'))).toBe(false);
    expect(isAcceptableRedirectUri(new URL('https://app.example/cb#x'))).toBe(false);
  });
});

describe('resolveOptions', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof McpAuthError ? error.code : 'other';
    }
    return 'none';
  };

  it('defaults to a loopback redirect URI and in-spec timeouts', () => {
    const resolved = resolveOptions({});
    expect(resolved.redirectUri).toBe('http://127.0.0.1/callback');
    expect(resolved.timeoutMs).toBe(30_000);
  });

  it('rejects unsafe or malformed options with invalid_option', () => {
    expect(codeOf(() => resolveOptions({ clientMetadata: { redirectUri: 'http://app.example/cb' } }))).toBe(
      'invalid_option',
    );
    expect(codeOf(() => resolveOptions({ clientMetadata: { redirectUri: 'nope' } }))).toBe('invalid_option');
    expect(codeOf(() => resolveOptions({ clientMetadataUrl: 'http://app.example/meta.json' }))).toBe(
      'invalid_option',
    );
    expect(codeOf(() => resolveOptions({ credentials: { clientId: '' } }))).toBe('invalid_option');
    expect(codeOf(() => resolveOptions({ scopes: ['a b'] }))).toBe('invalid_option');
    expect(codeOf(() => resolveOptions({ timeoutMs: -1 }))).toBe('invalid_option');
  });
});
