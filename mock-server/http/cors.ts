/**
 * CORS exactly as FastMCP wraps its OAuth endpoints (Starlette `CORSMiddleware`, any origin, no credentials,
 * `mcp-protocol-version` as the only non-safelisted header). Beyond FastMCP, `dpop` adds the `DPoP` request header
 * and exposes `DPoP-Nonce` (RFC 9449 §8), which a page could otherwise neither send nor read.
 */

const CORS_ALLOWED_HEADERS = [
  'Accept',
  'Accept-Language',
  'Content-Language',
  'Content-Type',
  'mcp-protocol-version',
] as const;
/** What `dpop` adds: the proof header a page sends, and the nonce header it must read. */
export const DPOP_CORS = { allowHeaders: ['DPoP'], exposeHeaders: ['DPoP-Nonce'] } as const;

/** Headers a route adds to FastMCP's CORS (none in FastMCP mode). */
export interface CorsAdditions {
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
}

const NO_ADDITIONS: CorsAdditions = { allowHeaders: [], exposeHeaders: [] };
const CORS_MAX_AGE_SECONDS = 600;
/** Starlette names every request header a preflight answer depends on. */
const PREFLIGHT_VARY =
  'Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network';

/** True when the request is a CORS preflight (Starlette: OPTIONS with Origin and Access-Control-Request-Method). */
export function isPreflight(request: Request): boolean {
  return (
    request.method === 'OPTIONS' &&
    request.headers.has('origin') &&
    request.headers.has('access-control-request-method')
  );
}

/** Answers a preflight for a route that allows `methods`: 200 `OK`, or 400 `Disallowed CORS method, headers`. */
export function preflightResponse(
  request: Request,
  methods: readonly string[],
  additions: CorsAdditions = NO_ADDITIONS,
): Response {
  const allowed = [...CORS_ALLOWED_HEADERS, ...additions.allowHeaders];
  const allowedLower = new Set(allowed.map((header) => header.toLowerCase()));
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': methods.join(', '),
    'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
    'Access-Control-Allow-Headers': allowed.join(', '),
    'content-type': 'text/plain; charset=utf-8',
    Vary: PREFLIGHT_VARY,
  };
  const failures: string[] = [];
  if (!methods.includes(request.headers.get('access-control-request-method') ?? '')) failures.push('method');
  const requested = request.headers.get('access-control-request-headers');
  if (requested !== null && requested.split(',').some((h) => !allowedLower.has(h.trim().toLowerCase()))) {
    failures.push('headers');
  }
  if (failures.length > 0)
    return new Response(`Disallowed CORS ${failures.join(', ')}`, { status: 400, headers });
  return new Response('OK', { status: 200, headers });
}

/**
 * Adds the headers of a simple (non-preflight) CORS response, as Starlette 1.x does for a middleware that allows any
 * origin without credentials: `Vary: Origin` on every answer (the answer depends on `Origin`), and
 * `Access-Control-Allow-Origin: *` when the request has an `Origin` — with a cookie too (older Starlette echoed the
 * origin then).
 */
export function withSimpleCors(
  request: Request,
  response: Response,
  additions: CorsAdditions = NO_ADDITIONS,
): Response {
  try {
    // The routes' own responses have mutable headers: adding to them spares a second Response on every answer.
    addSimpleCors(request, response.headers, additions);
    return response;
  } catch {
    // Immutable headers (a response that came from fetch): copy them.
    const headers = new Headers(response.headers);
    addSimpleCors(request, headers, additions);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

function addSimpleCors(request: Request, headers: Headers, additions: CorsAdditions): void {
  headers.append('Vary', 'Origin');
  if (!request.headers.has('origin')) return;
  headers.set('Access-Control-Allow-Origin', '*');
  if (additions.exposeHeaders.length > 0) {
    headers.set('Access-Control-Expose-Headers', additions.exposeHeaders.join(', '));
  }
}
