/**
 * The HTTP context every network step runs in: the injected fetch, the per-request timeout, the caller's
 * AbortSignal, the plain-HTTP policy and the body cap, applied by {@link exchange}, the one function every OAuth and
 * metadata request goes through. Network failures become typed errors here, once.
 */
import { allowInsecureRequests, customFetch } from 'oauth4webapi';
import type { DPoPHandle, HttpRequestOptions } from 'oauth4webapi';
import type { DpopBinding } from './dpop/binding.js';
import { BodyTooLargeError, discardBody, readBoundedBody } from './bounded-body.js';
import { McpAuthError } from './errors.js';
import type { FlowStep } from './errors.js';
import { redactUrl } from './events.js';
import { asJsonObject } from './json.js';
import type { JsonObject } from './json.js';
import type { KnownSecrets } from './known-secrets.js';
import { timeoutSignal } from './signals.js';

/** A WHATWG fetch. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Shared by every network step. */
export interface HttpContext {
  fetch: FetchLike;
  /** Milliseconds before a single HTTP request is abandoned (reading its body included). */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Allow plain http to hosts that are not loopback (never do this in production). */
  allowInsecureHttp: boolean;
  /** Bytes an OAuth or metadata response body may hold. */
  maxResponseBytes: number;
  /** The secrets the client holds: server text quoted in errors is scrubbed of them (see `server-text.ts`). */
  secrets?: KnownSecrets | undefined;
  /** The DPoP key the token requests made in this context prove possession of (RFC 9449 §5); none: bearer tokens. */
  dpop?: DpopBinding | undefined;
}

/** Default cap on OAuth and metadata response bodies: real documents are a few kilobytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Default cap on one MCP message: room for large tool results (images, files) while bounding a hostile server. */
export const DEFAULT_MAX_MCP_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Whether the host is a loopback address (where plain http is acceptable). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host.endsWith('.localhost')
  );
}

/** Whether this URL may be used: https, or http to loopback (or anywhere when explicitly allowed). */
export function isAcceptableUrl(url: URL, allowInsecureHttp: boolean): boolean {
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return allowInsecureHttp || isLoopbackHost(url.hostname);
}

/** Throws `insecure_url` unless the URL is acceptable. */
export function assertAcceptableUrl(url: URL, ctx: HttpContext, step: FlowStep, what: string): void {
  if (!isAcceptableUrl(url, ctx.allowInsecureHttp)) {
    throw new McpAuthError({
      code: 'insecure_url',
      step,
      message: `${what} ${redactUrl(url)} is not https: authorization traffic must use TLS (plain http is accepted for loopback hosts only, or with allowInsecureHttp in tests)`,
    });
  }
}

/** The signal for one request: the caller's signal plus the per-request timeout. */
export function requestSignal(ctx: HttpContext): AbortSignal {
  return timeoutSignal(ctx.timeoutMs, ctx.signal);
}

/** Converts a thrown fetch failure into a typed error (timeouts and aborts are told apart). */
export function networkError(
  error: unknown,
  ctx: HttpContext,
  step: FlowStep,
  url: string | URL,
): McpAuthError {
  if (error instanceof McpAuthError) return error;
  const target = redactUrl(url);
  if (ctx.signal?.aborted) {
    return new McpAuthError({
      code: 'aborted',
      step,
      message: `aborted by the application while requesting ${target}`,
      cause: error,
    });
  }
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new McpAuthError({
      code: 'timeout',
      step,
      message: `no answer from ${target} within ${ctx.timeoutMs} ms: check that the server is reachable or raise timeoutMs`,
      cause: error,
    });
  }
  return new McpAuthError({
    code: 'network_error',
    step,
    message: `could not reach ${target} (network failure; in a browser this is often a CORS refusal, so check the server's Access-Control-Allow-Origin)`,
    cause: error,
  });
}

/**
 * After a request failed without any answer: asks again in `no-cors` mode, where a browser hands back an opaque
 * response when the server is up but does not allow this origin. True means a CORS refusal rather than a network
 * failure (outside a browser there is no CORS, so it is always false there).
 */
export async function isCorsRefusal(ctx: HttpContext, url: string | URL): Promise<boolean> {
  if (pageOrigin() === undefined) return false;
  try {
    const response = await ctx.fetch(String(url), {
      method: 'GET',
      mode: 'no-cors',
      // The one request allowed to follow a redirect: fetch answers a no-cors request that may not with a network
      // error, and this probe sends no credential and reads nothing; it only asks whether the server answers.
      redirect: 'follow',
      signal: requestSignal(ctx),
    });
    discardBody(response);
    return response.type === 'opaque';
  } catch {
    return false;
  }
}

/** The browser origin this code runs in, for messages about CORS (undefined outside a browser). */
export function pageOrigin(): string | undefined {
  const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin;
  return typeof origin === 'string' && origin !== 'null' ? origin : undefined;
}

/**
 * The one door every OAuth and metadata request goes through, so that no call site can forget a rule: the URL must
 * pass the transport policy, redirects are never followed (a 3xx is `redirect_refused`: following one would let
 * another origin answer for the server the client judged), the timeout covers the whole exchange including the
 * body, and the body is read here, capped at `maxResponseBytes` (`response_too_large`). The response handed back
 * holds its body in memory.
 */
export async function exchange(
  ctx: HttpContext,
  step: FlowStep,
  what: string,
  url: URL,
  init: RequestInit = {},
): Promise<Response> {
  assertAcceptableUrl(url, ctx, step, what);
  const signal = requestSignal(ctx);
  try {
    const response = await ctx.fetch(url.href, { ...init, redirect: 'manual', signal });
    refuseRedirect(response, step, what, url);
    const body = nullBodyStatus(response.status)
      ? null
      : await readBoundedBody(response, ctx.maxResponseBytes, signal);
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new McpAuthError({
        code: 'response_too_large',
        step,
        message: `the ${what} at ${redactUrl(url)} sent a response larger than ${error.limit} bytes: no server needs that much, so it was not read (raise maxResponseBytes if this server really does)`,
      });
    }
    throw networkError(error, ctx, step, url);
  }
}

/** Throws `redirect_refused` for a redirect (an opaque one, in a browser, hides its target). */
export function refuseRedirect(response: Response, step: FlowStep, what: string, url: URL): void {
  const opaque = response.type === 'opaqueredirect';
  if (!opaque && (response.status < 300 || response.status > 399)) return;
  discardBody(response);
  const location = response.headers.get('location');
  const target = location !== null && URL.canParse(location, url) ? new URL(location, url) : undefined;
  throw new McpAuthError({
    code: 'redirect_refused',
    step,
    status: opaque ? undefined : response.status,
    message: `the ${what} at ${redactUrl(url)} answered with a redirect${
      target ? ` to ${redactUrl(target)}` : ''
    }: redirects are never followed, since the client would then trust an address it did not check; configure the server (or the URL you gave) to answer directly`,
  });
}

function nullBodyStatus(status: number): boolean {
  return status === 101 || status === 204 || status === 205 || status === 304;
}

/**
 * Options for an oauth4webapi request: its fetch is {@link exchange}, so the library's requests obey the same
 * policy. (Its own plain-http check is switched off because `exchange` applies ours: https, or loopback http.) A
 * token request in a context with a DPoP key carries a proof of it.
 */
export function oauthRequestOptions<Method extends string, Body>(
  ctx: HttpContext,
  step: FlowStep,
  what: string,
): HttpRequestOptions<Method, Body> & { DPoP?: DPoPHandle } {
  return {
    [customFetch]: (url, options) => exchange(ctx, step, what, new URL(url), options as RequestInit),
    [allowInsecureRequests]: true,
    ...(ctx.dpop && isTokenStep(step) ? { DPoP: ctx.dpop.handle } : {}),
  };
}

/** The steps whose requests go to the token endpoint (revocation takes no proof: RFC 9449 binds token requests). */
function isTokenStep(step: FlowStep): boolean {
  return step === 'token' || step === 'refresh';
}

/** Reads a JSON object body, or returns undefined when the body is not a JSON object. */
export async function readJsonObject(response: Response): Promise<JsonObject | undefined> {
  try {
    return asJsonObject(await response.json());
  } catch {
    return undefined;
  }
}
