/**
 * The mock's side of the route rows: a mock set up for load (registration on, its state caps high enough for the
 * pools) and the workloads that exercise it. Pools are made through the mock's own fetch handler before timing.
 */
import type { MockAuthServer, MockAuthServerSettings } from '../../../mock-server/index.js';
import { pkcePair } from '../support/pkce.js';
import {
  CALLBACK,
  FORM_HEADERS,
  INITIALIZE_BODY,
  MCP_POST_HEADERS,
  formBody,
  pooled,
  statelessWorkload,
  toolsCallBody,
  type RequestSpec,
  type RouteName,
  type RouteWorkload,
} from '../support/workload.js';

export const BENCH_CLIENT_ID = 'bench-client';

/** Settings for a mock under load; `issuerUrl` is where it is served (or any origin, in process). */
export function loadSettings(issuerUrl?: string): Omit<MockAuthServerSettings, 'issuerUrl'> & {
  issuerUrl?: string;
} {
  return {
    ...(issuerUrl === undefined ? {} : { issuerUrl }),
    clientRegistrationOptions: { enabled: true },
    clients: [{ client_id: BENCH_CLIENT_ID, redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' }],
    mcp: { maxSessions: 10_000 },
  };
}

type Send = (request: Request) => Promise<Response>;

function toRequest(origin: string, spec: RequestSpec): Request {
  return new Request(`${origin}${spec.path}`, {
    method: spec.method,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    redirect: 'manual',
  });
}

interface CodeGrant {
  readonly code: string;
  readonly verifier: string;
}

async function issueCode(send: Send, origin: string): Promise<CodeGrant> {
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    client_id: BENCH_CLIENT_ID,
    response_type: 'code',
    redirect_uri: CALLBACK,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'bench',
  });
  const response = await send(new Request(`${origin}/authorize?${query.toString()}`, { redirect: 'manual' }));
  const code = new URL(response.headers.get('location') ?? CALLBACK).searchParams.get('code');
  if (code === null) throw new Error(`/authorize gave no code (status ${response.status})`);
  return { code, verifier };
}

function codeRedemption(grant: CodeGrant): RequestSpec {
  return {
    method: 'POST',
    path: '/token',
    headers: FORM_HEADERS,
    body: formBody({
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: CALLBACK,
      code_verifier: grant.verifier,
      client_id: BENCH_CLIENT_ID,
    }),
  };
}

interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
}

async function issueTokens(send: Send, origin: string): Promise<Tokens> {
  const response = await send(toRequest(origin, codeRedemption(await issueCode(send, origin))));
  if (response.status !== 200) throw new Error(`/token answered ${response.status}`);
  return (await response.json()) as Tokens;
}

/** Opens an MCP session with a fresh token; returns the headers a `tools/call` in it needs. */
export async function openMcpSession(send: Send, origin: string): Promise<Record<string, string>> {
  const { access_token } = await issueTokens(send, origin);
  const authorization = `Bearer ${access_token}`;
  const response = await send(
    new Request(`${origin}/mcp`, {
      method: 'POST',
      headers: { ...MCP_POST_HEADERS, authorization },
      body: INITIALIZE_BODY,
    }),
  );
  const sessionId = response.headers.get('mcp-session-id');
  await response.body?.cancel();
  if (sessionId === null) throw new Error(`initialize opened no session (status ${response.status})`);
  return { ...MCP_POST_HEADERS, authorization, 'mcp-session-id': sessionId };
}

/** Makes `count` of each single-use credential first, all at once in bounded batches (a pool takes seconds). */
async function inBatches<T>(count: number, make: () => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  while (made.length < count) {
    const batch = Math.min(100, count - made.length);
    made.push(...(await Promise.all(Array.from({ length: batch }, make))));
  }
  return made;
}

/**
 * The mock's workload for `route`, with pools of `poolSize` single-use credentials. `send` is how pools are made
 * (the mock's fetch handler, even when the timing goes over HTTP); `origin` is the mock's issuer.
 */
export async function mockWorkload(
  mock: Pick<MockAuthServer, 'fetch'>,
  origin: string,
  route: RouteName,
  poolSize: number,
): Promise<RouteWorkload> {
  const send: Send = (request) => mock.fetch(request);
  switch (route) {
    case 'metadata':
    case 'register':
      return statelessWorkload(route);
    case 'token (code)': {
      const grants = await inBatches(poolSize, () => issueCode(send, origin));
      return pooled(route, 200, grants.map(codeRedemption));
    }
    case 'token (refresh)': {
      const tokens = await inBatches(poolSize, () => issueTokens(send, origin));
      return pooled(
        route,
        200,
        tokens.map((token) => ({
          method: 'POST',
          path: '/token',
          headers: FORM_HEADERS,
          body: formBody({
            grant_type: 'refresh_token',
            refresh_token: token.refresh_token,
            client_id: BENCH_CLIENT_ID,
          }),
        })),
      );
    }
    case 'tools/call': {
      const headers = await openMcpSession(send, origin);
      let id = 1;
      return {
        route,
        expectStatus: 200,
        capacity: Number.POSITIVE_INFINITY,
        next: () => ({ method: 'POST', path: '/mcp', headers, body: toolsCallBody(id++) }),
      };
    }
  }
}

export { toRequest };
