/**
 * The HTTP context every network step runs in: the injected fetch, the per-request timeout, the caller's
 * AbortSignal and the plain-HTTP policy. Network failures become typed errors here, once.
 */
import { allowInsecureRequests, customFetch } from 'oauth4webapi';
import type { HttpRequestOptions } from 'oauth4webapi';
import { McpAuthError } from './errors.js';
import type { FlowStep } from './errors.js';
import { redactUrl } from './events.js';
import { asJsonObject } from './json.js';
import type { JsonObject } from './json.js';
import { timeoutSignal } from './signals.js';

/** A WHATWG fetch. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Shared by every network step. */
export interface HttpContext {
  fetch: FetchLike;
  /** Milliseconds before a single HTTP request is abandoned. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Allow plain http to hosts that are not loopback (never do this in production). */
  allowInsecureHttp: boolean;
}

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
      signal: requestSignal(ctx),
    });
    await response.body?.cancel().catch(() => undefined);
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

/** fetch through the context, with timeout and typed network errors. */
export async function send(
  ctx: HttpContext,
  step: FlowStep,
  url: string | URL,
  init: RequestInit = {},
): Promise<Response> {
  try {
    return await ctx.fetch(String(url), { ...init, signal: requestSignal(ctx) });
  } catch (error) {
    throw networkError(error, ctx, step, url);
  }
}

/** Options for an oauth4webapi request, routed through the context's fetch with its timeout and signal. */
export function oauthRequestOptions<Method extends string, Body>(
  ctx: HttpContext,
): HttpRequestOptions<Method, Body> {
  return {
    signal: () => requestSignal(ctx),
    [customFetch]: (url, options) => ctx.fetch(url, options as RequestInit),
    // Plain http is refused by our own URL policy (loopback only) before any request is built.
    [allowInsecureRequests]: true,
  };
}

/** Reads a JSON object body, or returns undefined when the body is not a JSON object. */
export async function readJsonObject(response: Response): Promise<JsonObject | undefined> {
  try {
    return asJsonObject(await response.json());
  } catch {
    return undefined;
  }
}
