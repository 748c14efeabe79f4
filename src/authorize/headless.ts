/**
 * Headless authorization for tests and CI: request the authorization URL as a browser would, without rendering
 * anything. Redirects are followed one by one (`redirect: 'manual'`, so each target is judged first), with the
 * cookies the server sets, until one points at the redirect URI: that URL is the callback, returned unfetched.
 * Works against servers that approve without a user (the conformance suite, mocks, a real server whose test
 * configuration signs a test user in and consents); a page that wants a user stops it with an error naming the page.
 */
import { discardBody } from '../bounded-body.js';
import { HeadlessAuthorizeError } from '../errors.js';
import { redactUrl } from '../events.js';
import type { FetchLike } from '../http.js';
import { eitherSignal, timeoutSignal } from '../signals.js';
import { CookieJar } from './cookie-jar.js';
import type { AuthorizationContext } from './types.js';

/** Options of `headlessAuthorize`. */
export interface HeadlessAuthorizeOptions {
  /** The fetch to use (default: global fetch). */
  fetch?: FetchLike | undefined;
  /** Milliseconds before giving up, all redirects included (default 30 s). */
  timeoutMs?: number | undefined;
  /** Cancels the requests to the authorization server. */
  signal?: AbortSignal | undefined;
  /**
   * Most redirects followed before the redirect URI must be reached (default 10): real servers chain a few
   * (authorization → login → consent → back to authorization → redirect URI).
   */
  maxRedirects?: number | undefined;
  /**
   * Origins besides the authorization endpoint's that a redirect may lead to (a separate login service, say).
   * A redirect to any other origin that is not the redirect URI stops the sign-in (`redirect_refused`).
   */
  allowedOrigins?: readonly string[] | undefined;
}

/** Bytes of a page read to say what it is (a login form, a consent form). */
const PAGE_SNIFF_BYTES = 64 * 1024;

/**
 * An authorization handler that follows the authorization server's redirects (with its cookies) and returns the
 * callback URL: the first redirect to the redirect URI. Cookies are kept for the handler's lifetime, so a later
 * authorization (a step-up) finds the server's session as a browser would. Without a known redirect URI (neither a
 * context nor a `redirect_uri` parameter), the first redirect is the answer. The context is optional, for calling
 * the handler directly in tests.
 */
export function headlessAuthorize(
  options: HeadlessAuthorizeOptions = {},
): (
  authorizationUrl: URL,
  context?: Pick<AuthorizationContext, 'redirectUri' | 'signal'>,
) => Promise<string> {
  const jar = new CookieJar();
  const maxRedirects = options.maxRedirects ?? 10;
  if (!Number.isSafeInteger(maxRedirects) || maxRedirects < 1) {
    throw new TypeError('headlessAuthorize: maxRedirects must be a whole number ≥ 1');
  }
  const allowed = new Set((options.allowedOrigins ?? []).map((origin) => new URL(origin).origin));
  return async (authorizationUrl, context) => {
    const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
    const signal = timeoutSignal(options.timeoutMs ?? 30_000, eitherSignal(options.signal, context?.signal));
    const redirectUri =
      context?.redirectUri ?? authorizationUrl.searchParams.get('redirect_uri') ?? undefined;
    let url = authorizationUrl;
    for (let redirects = 0; ; redirects++) {
      const response = await fetchPage(doFetch, url, jar, signal);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status > 399 || !location) {
        throw await stuckError(response, url, authorizationUrl);
      }
      discardBody(response);
      const next = new URL(location, url);
      if (redirectUri === undefined || isRedirectUri(next, redirectUri)) return next.href;
      if (redirects + 1 >= maxRedirects) {
        throw new HeadlessAuthorizeError({
          code: 'redirect_refused',
          status: response.status,
          message: `headlessAuthorize followed ${maxRedirects} redirects from ${redactUrl(authorizationUrl)} without reaching the redirect URI (last: ${redactUrl(next)}): a redirect loop, or raise maxRedirects`,
        });
      }
      if (next.origin !== authorizationUrl.origin && !allowed.has(next.origin)) {
        throw new HeadlessAuthorizeError({
          code: 'redirect_refused',
          status: response.status,
          message: `the authorization server redirected to ${redactUrl(next)}, another origin than its own and not the redirect URI ${redactUrl(redirectUri)}: not followed; if that origin belongs to the sign-in, pass headlessAuthorize({ allowedOrigins: ['${next.origin}'] })`,
        });
      }
      url = next;
    }
  };
}

/** Whether a redirect target is the redirect URI (same origin and path: the server adds the response to the query). */
function isRedirectUri(target: URL, redirectUri: string): boolean {
  if (!URL.canParse(redirectUri)) return false;
  const expected = new URL(redirectUri);
  return target.origin === expected.origin && target.pathname === expected.pathname;
}

async function fetchPage(
  doFetch: FetchLike,
  url: URL,
  jar: CookieJar,
  signal: AbortSignal,
): Promise<Response> {
  const cookie = jar.header(url);
  let response: Response;
  try {
    response = await doFetch(url.href, {
      method: 'GET',
      redirect: 'manual',
      signal,
      ...(cookie === undefined ? {} : { headers: { cookie } }),
    });
  } catch (error) {
    throw new HeadlessAuthorizeError({
      code: signal.aborted ? 'timeout' : 'network_error',
      message: signal.aborted
        ? `headlessAuthorize gave up on ${redactUrl(url)}: the time limit passed or the sign-in was abandoned`
        : `could not reach the authorization server at ${redactUrl(url)}`,
      cause: error,
    });
  }
  if (response.type === 'opaqueredirect') {
    discardBody(response);
    throw new HeadlessAuthorizeError({
      code: 'no_redirect',
      message:
        'this runtime hides redirect targets (a browser): headlessAuthorize only works in Node, Deno, Bun or workers; use a redirect or popup handler in a page',
    });
  }
  jar.store(url, response.headers.getSetCookie());
  return response;
}

/** The error for a page that is not a redirect: it names the page (redacted), its status and what it looks like. */
async function stuckError(
  response: Response,
  page: URL,
  authorizationUrl: URL,
): Promise<HeadlessAuthorizeError> {
  const kind = describePage(await readPrefix(response, PAGE_SNIFF_BYTES));
  const where =
    page.href === authorizationUrl.href ? 'the authorization endpoint' : 'the authorization server';
  return new HeadlessAuthorizeError({
    code: 'no_redirect',
    status: response.status,
    message: `headlessAuthorize stopped at ${redactUrl(page)}: ${where} answered HTTP ${response.status}${
      kind ? ` with ${kind}` : ''
    } instead of a redirect. It wants a user (login or consent), which headlessAuthorize cannot give: use a test server or test configuration that signs in and consents without a page, or an interactive handler`,
  });
}

/** What a page looks like, from its HTML: a login form, another form, or nothing worth saying. Pure. */
export function describePage(html: string): string | undefined {
  if (!/<form\b/i.test(html)) return undefined;
  if (/type\s*=\s*["']?password/i.test(html)) return 'a login form (a password field)';
  return 'an HTML form (a login or consent page)';
}

/** Up to `limit` bytes of a body as text; the rest is let go. */
async function readPrefix(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    // A body that breaks off says nothing more about the page.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(total, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.byteLength - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
