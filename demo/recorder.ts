/**
 * The demo's window on the wire: a fetch that records every request the client sends and every answer it gets
 * (headers and bodies, secrets partly masked), and can hold requests back until the person says "next step".
 */
import type { FetchLike } from 'mcp-authed-client';

/** One HTTP exchange as the page shows it. */
export interface Exchange {
  readonly id: number;
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: ReadonlyArray<[string, string]>;
  readonly requestBody: string;
  status?: number;
  responseHeaders?: ReadonlyArray<[string, string]>;
  responseBody?: string;
  /** Why there was no answer (network failure, CORS refusal). */
  failure?: string;
}

/** Decides, before a request goes out, whether to wait (step-by-step mode). */
export type Gate = (request: Exchange) => Promise<void>;

const SECRET_FIELDS = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'client_secret',
  'token',
  'accessToken',
  'refreshToken',
  'registration_access_token',
  'client_assertion',
  'assertion',
];
const BODY_LIMIT = 20_000;

/** Keeps the first and last few characters of a secret, so a person can tell two apart without reading them. */
export function mask(secret: string): string {
  if (secret.length <= 10) return '•'.repeat(secret.length);
  return `${secret.slice(0, 4)}…${secret.slice(-3)}`;
}

/** A header value with bearer tokens and Basic credentials masked. */
export function maskHeader(name: string, value: string): string {
  if (name.toLowerCase() !== 'authorization') return value;
  const [scheme, credential] = value.split(/\s+/, 2);
  return credential ? `${scheme} ${mask(credential)}` : value;
}

/** Secret query parameters of a URL masked. */
export function maskUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  for (const name of [...parsed.searchParams.keys()]) {
    const value = parsed.searchParams.get(name);
    if (value !== null && SECRET_FIELDS.includes(name)) parsed.searchParams.set(name, mask(value));
  }
  return parsed.href;
}

/** A body (form, JSON or text) with secret fields masked, and bounded in length. */
export function maskBody(body: string, contentType: string | null): string {
  let shown = body;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    for (const name of [...form.keys()]) {
      const value = form.get(name);
      if (value !== null && SECRET_FIELDS.includes(name)) form.set(name, mask(value));
    }
    shown = decodeURIComponent(form.toString().replace(/\+/g, ' ')).replace(/&/g, '\n&');
  } else if (contentType?.includes('json') || /^\s*[[{]/.test(body)) {
    try {
      shown = JSON.stringify(
        JSON.parse(body),
        (key, value: unknown) =>
          SECRET_FIELDS.includes(key) && typeof value === 'string' ? mask(value) : value,
        2,
      );
    } catch {
      shown = body;
    }
  } else if (contentType?.includes('text/event-stream')) {
    shown = body.replace(/"(access_token|refresh_token)":"[^"]+"/g, '"$1":"…"');
  }
  return shown.length > BODY_LIMIT ? `${shown.slice(0, BODY_LIMIT)}\n… (${shown.length} characters)` : shown;
}

async function readBody(init: RequestInit | undefined, input: string | URL | Request): Promise<string> {
  const body = init?.body ?? (input instanceof Request ? await input.clone().text() : undefined);
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return new TextDecoder().decode(body);
  return '[stream]';
}

/** A fetch that records into `onExchange` (called when a request starts and again when it ends). */
export function recordingFetch(
  base: FetchLike,
  onExchange: (exchange: Exchange) => void,
  gate: Gate = async () => undefined,
): FetchLike {
  let next = 0;
  return async (input, init) => {
    const request = new Request(input, init);
    const requestBody = await readBody(init, input);
    const exchange: Exchange = {
      id: (next += 1),
      method: request.method,
      url: maskUrl(request.url),
      requestHeaders: [...request.headers].map(([name, value]) => [name, maskHeader(name, value)]),
      requestBody: maskBody(requestBody, request.headers.get('content-type')),
    };
    await gate(exchange);
    onExchange(exchange);
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      exchange.failure = error instanceof Error ? error.message : String(error);
      onExchange(exchange);
      throw error;
    }
    exchange.status = response.status;
    exchange.responseHeaders = [...response.headers];
    const contentType = response.headers.get('content-type');
    onExchange(exchange);
    // Read from a copy the client never sees, without waiting: an event stream may stay open for long.
    void response
      .clone()
      .text()
      .then(
        (text) => {
          exchange.responseBody = maskBody(text, contentType);
          onExchange(exchange);
        },
        () => undefined,
      );
    return response;
  };
}
