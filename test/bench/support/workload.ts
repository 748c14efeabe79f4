/**
 * The per-route work the mock and its peers are measured on: one request description per call, each credential used
 * once (codes and refresh tokens come from pools made before timing starts, so timing sees only the route).
 */

/** One HTTP request, as both `fetch` (in process) and autocannon (over a socket) can send it. */
export interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The route rows of the HTTP and in-process tables, in display order. */
export const ROUTES = ['metadata', 'register', 'token (code)', 'token (refresh)', 'tools/call'] as const;
export type RouteName = (typeof ROUTES)[number];

/** A route's request stream: `next()` gives the request to send, `expectStatus` what a correct answer is. */
export interface RouteWorkload {
  readonly route: RouteName;
  /** What answers this route for the peer when it is not the peer's main server (e.g. oauth2-mock-server). */
  readonly servedBy?: string;
  readonly expectStatus: number;
  /** How many requests the pools allow (`Infinity` when every request can repeat). */
  readonly capacity: number;
  next(): RequestSpec;
}

export const CALLBACK = 'http://127.0.0.1:3000/callback';

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' } as const;

/** The JSON-RPC `tools/call` of the `echo` tool, as a client sends it inside a session. */
export function toolsCallBody(id: number): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'echo', arguments: { message: 'bench' } },
  });
}

export const MCP_POST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
} as const;

export const INITIALIZE_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'bench', version: '1.0.0' },
  },
});

export const REGISTRATION_BODY = JSON.stringify({
  redirect_uris: [CALLBACK],
  client_name: 'bench',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
});

/** A workload whose requests are all alike. */
export function repeating(route: RouteName, expectStatus: number, request: RequestSpec): RouteWorkload {
  return { route, expectStatus, capacity: Number.POSITIVE_INFINITY, next: () => request };
}

/** The metadata and registration workloads: the same requests for every server (no state to prepare). */
export function statelessWorkload(route: 'metadata' | 'register'): RouteWorkload {
  return route === 'metadata'
    ? repeating(route, 200, { method: 'GET', path: '/.well-known/oauth-authorization-server', headers: {} })
    : repeating(route, 201, {
        method: 'POST',
        path: '/register',
        headers: { 'content-type': 'application/json' },
        body: REGISTRATION_BODY,
      });
}

/** A workload that sends each pooled request once; asking past the end is a bench bug, so it throws. */
export function pooled(
  route: RouteName,
  expectStatus: number,
  requests: readonly RequestSpec[],
  servedBy?: string,
): RouteWorkload {
  let index = 0;
  return {
    route,
    expectStatus,
    capacity: requests.length,
    ...(servedBy === undefined ? {} : { servedBy }),
    next() {
      const request = requests[index++];
      if (request === undefined) throw new Error(`${route}: the pool of ${requests.length} is used up`);
      return request;
    },
  };
}
