/**
 * Programmatic approval: runs an authorization request through the mock and returns the URL the browser would land
 * on (the client's redirect URI with `code` and `state`, or with `error`). For places where no browser navigates
 * through the mock: msw's service worker never sees navigations, and in-process tests have no browser at all.
 * It only drives `mock.fetch`, so it runs wherever the mock does.
 *
 * @example
 * // The client's authorization handler: resolves to the callback URL instead of navigating the browser there.
 * const client = await createAuthedMcpClient(mcpUrl, {
 *   clientMetadata,
 *   authorize: (authorizationUrl) => approve(mock, authorizationUrl),
 * });
 */
import { servedByMock, type MockAuthServerLike } from '../mock-routes.js';
import { isRecord } from '../objects.js';
import type { ConsentDecision } from '../provider/types.js';
import { CONSENT_PATH } from '../routes/consent.js';

/** Options of {@link approve}. */
export interface ApproveOptions {
  /** What the user "clicks" when the mock shows its consent page (`approval: 'consent'`). Default `approve`. */
  decision?: ConsentDecision | undefined;
}

/** The authorization request did not end in a redirect to the client (e.g. unknown client: a direct 400). */
export class ApproveError extends Error {
  /** Always `'ApproveError'`. */
  override readonly name = 'ApproveError';
  constructor(
    message: string,
    /** The mock's HTTP status; 0 when the mock was never asked (the URL was unusable). */
    readonly status: number,
    /** OAuth `error` of a JSON error body, if there was one. */
    readonly error: string | undefined,
    /** OAuth `error_description` of a JSON error body, if there was one. */
    readonly errorDescription: string | undefined,
  ) {
    super(message);
  }
}

/** Redirects followed inside the mock before giving up (authorize → consent → callback needs two). */
const MAX_HOPS = 5;

/**
 * Sends `authorizationUrl` to `mock.fetch`, follows its redirects within the mock (submitting the consent page with
 * `options.decision` when there is one) and returns the first URL outside the mock: the redirect URI with the
 * authorization response. Error responses that the mock redirects (e.g. `invalid_scope`) come back the same way,
 * as a real browser would land on them. Throws {@link ApproveError} when the mock answers without a redirect, or
 * when `authorizationUrl` is not an absolute URL.
 */
export async function approve(
  mock: MockAuthServerLike,
  authorizationUrl: string | URL,
  options: ApproveOptions = {},
): Promise<string> {
  const decision = options.decision ?? 'approve';
  if (!URL.canParse(authorizationUrl)) {
    // The URL itself stays out of the message: it is the caller's, and may carry more than it should.
    throw new ApproveError('approve: the authorization URL is not an absolute URL', 0, undefined, undefined);
  }
  let url = new URL(authorizationUrl);
  let response = await mock.fetch(new Request(url, { redirect: 'manual' }));
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const target = redirectTarget(response, url);
    if (target === undefined) throw await approveError(response, url);
    if (!servedByMock(mock, target)) return target.href;
    url = target;
    response =
      target.pathname === CONSENT_PATH
        ? await submitConsent(mock, target, decision)
        : await mock.fetch(new Request(target, { redirect: 'manual' }));
  }
  throw new ApproveError(
    `approve: more than ${MAX_HOPS} redirects within the mock`,
    response.status,
    undefined,
    undefined,
  );
}

/** GETs the consent page and posts its form back with the decision, as the page's buttons do. */
async function submitConsent(
  mock: MockAuthServerLike,
  pageUrl: URL,
  decision: ConsentDecision,
): Promise<Response> {
  const page = await mock.fetch(new Request(pageUrl));
  if (page.status !== 200) return page;
  const fields = hiddenFields(await page.text());
  fields.set('decision', decision);
  return mock.fetch(
    new Request(new URL(CONSENT_PATH, pageUrl), {
      method: 'POST',
      body: fields,
      redirect: 'manual',
    }),
  );
}

/** The hidden inputs of the consent page's form (values are HTML-escaped there). */
function hiddenFields(html: string): URLSearchParams {
  const form = /<form id="consent"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  const fields = new URLSearchParams();
  for (const match of form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.set(unescapeHtml(match[1] ?? ''), unescapeHtml(match[2] ?? ''));
  }
  return fields;
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, entity: string) => HTML_ENTITIES[entity] ?? '');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#x27': "'",
  '#39': "'",
};

function redirectTarget(response: Response, base: URL): URL | undefined {
  if (![301, 302, 303, 307, 308].includes(response.status)) return undefined;
  const location = response.headers.get('location');
  return location === null || !URL.canParse(location, base) ? undefined : new URL(location, base);
}

async function approveError(response: Response, url: URL): Promise<ApproveError> {
  let error: string | undefined;
  let description: string | undefined;
  if ((response.headers.get('content-type') ?? '').startsWith('application/json')) {
    const body: unknown = await response.json().catch(() => undefined);
    if (isRecord(body) && typeof body['error'] === 'string') error = body['error'];
    if (isRecord(body) && typeof body['error_description'] === 'string')
      description = body['error_description'];
  }
  const detail =
    error === undefined ? '' : `: ${error}${description === undefined ? '' : ` (${description})`}`;
  return new ApproveError(
    `approve: ${url.origin}${url.pathname} answered ${response.status} instead of redirecting to the client${detail}`,
    response.status,
    error,
    description,
  );
}
