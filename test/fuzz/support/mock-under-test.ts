/**
 * A mock set up for fuzzing: registration, revocation and three pre-registered clients (one per authentication
 * method), a live token pair and MCP session to aim at, an `onError` that records any failure inside the mock, and
 * a counter of the requests sent. Every run gets live credentials (`liveValues`): `send` answers a fuzzed request with the problems found in its answer;
 * `expectFlowStillWorks` runs a complete flow and checks its `whoami`.
 */
import {
  createMockAuthServer,
  type ApprovalMode,
  type ClientInformation,
  type MockAuthServer,
  type SpecMode,
} from '../../../mock-server/index.js';
import { followToCallback, openSession, pkcePair, runFullFlow } from './full-flow.js';
import { LIVE, substitute, toRequest, type FuzzRequest, type KnownValues } from './fuzz-requests.js';
import { judgeResponse, type EndpointOf } from './mock-oracle.js';

export interface FuzzConfiguration {
  readonly spec: SpecMode;
  readonly approval: ApprovalMode;
}

/** Both spec modes, each with auto-approval and with the consent page. */
export const FUZZ_CONFIGURATIONS: readonly FuzzConfiguration[] = [
  { spec: 'fastmcp', approval: 'auto' },
  { spec: 'fastmcp', approval: 'consent' },
  { spec: 'latest', approval: 'auto' },
  { spec: 'latest', approval: 'consent' },
];

export const ORIGIN = 'http://localhost:8000';
export const MCP_URL = `${ORIGIN}/mcp`;
export const CALLBACK = 'http://localhost:3000/callback';

export const FUZZ_CLIENTS: readonly ClientInformation[] = [
  {
    client_id: 'public-client',
    client_name: '<script>alert("x")</script> "quoted" & \'single\'',
    redirect_uris: [CALLBACK],
    token_endpoint_auth_method: 'none',
    scope: 'read write',
  },
  {
    client_id: 'post-client',
    client_secret: 'post-secret',
    redirect_uris: [CALLBACK],
    token_endpoint_auth_method: 'client_secret_post',
    scope: 'read write',
  },
  {
    client_id: 'basic client:1',
    client_secret: 's3cr:et/ü',
    redirect_uris: [CALLBACK, 'http://localhost:3000/other'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'read',
  },
];

export interface MockUnderTest {
  readonly mock: MockAuthServer;
  readonly known: KnownValues;
  /** Fresh credentials for one run: the value of each {@link LIVE} stand-in that occurs in `needed`. */
  liveValues(needed: string): Promise<Record<string, string>>;
  /**
   * Sends a fuzzed request with its stand-ins replaced by `values`; returns its status and every problem with the
   * answer (a rejection is one too).
   */
  send(
    fuzz: FuzzRequest,
    values: Readonly<Record<string, string>>,
  ): Promise<{ status: number | undefined; problems: string[] }>;
  /** A complete flow (registration to `whoami`) succeeds and `whoami` names the new client; throws otherwise. */
  expectFlowStillWorks(): Promise<void>;
  /** Failures reported to the mock's `onError` (each one is a bug: a 500). */
  readonly internalErrors: unknown[];
  /** How many fuzzed requests were sent. */
  readonly requestsSent: () => number;
}

export async function createMockUnderTest(configuration: FuzzConfiguration): Promise<MockUnderTest> {
  const internalErrors: unknown[] = [];
  const mock = createMockAuthServer(
    {
      issuerUrl: ORIGIN,
      spec: configuration.spec,
      approval: configuration.approval,
      clients: [...FUZZ_CLIENTS],
      clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write', 'admin'] },
      revocationOptions: { enabled: true },
    },
    { onError: (error) => internalErrors.push(error) },
  );
  const endpointOf: EndpointOf = (path) => mock.routes.find((route) => route.path === path)?.endpoint;
  const redirectTargets = new Set([
    `${ORIGIN}/consent`,
    ...FUZZ_CLIENTS.flatMap((client) =>
      client.redirect_uris.map((uri) => `${new URL(uri).origin}${new URL(uri).pathname}`),
    ),
  ]);

  /** An authorization code of the public client (through the consent page in consent mode), with its verifier. */
  const issueCode = async (): Promise<{ code: string; verifier: string }> => {
    const { verifier, challenge } = await pkcePair();
    const url = new URL('/authorize', ORIGIN);
    url.search = new URLSearchParams({
      client_id: 'public-client',
      response_type: 'code',
      code_challenge: challenge,
      redirect_uri: CALLBACK,
      resource: MCP_URL,
      scope: 'read write',
    }).toString();
    const callback = await followToCallback(mock.fetch, await mock.fetch(new Request(url)), CALLBACK);
    return { code: callback.searchParams.get('code') ?? '', verifier };
  };

  const known: KnownValues = {
    origin: ORIGIN,
    mcpPath: '/mcp',
    paths: [...new Set([...mock.routes.map((route) => route.path), '/consent'])],
    clientIds: FUZZ_CLIENTS.map((client) => client.client_id),
    secrets: FUZZ_CLIENTS.flatMap((client) =>
      client.client_secret === undefined ? [] : [client.client_secret],
    ),
    redirectUri: CALLBACK,
    resource: MCP_URL,
    challenge: (await pkcePair()).challenge,
    accessToken: LIVE.accessToken,
    refreshToken: LIVE.refreshToken,
    sessionId: LIVE.sessionId,
  };

  let sent = 0;
  return {
    mock,
    known,
    internalErrors,
    requestsSent: () => sent,
    async liveValues(needed) {
      const values: Record<string, string> = {};
      if ([LIVE.accessToken, LIVE.refreshToken, LIVE.sessionId].some((stand) => needed.includes(stand))) {
        const redeemed = await issueCode();
        const tokenResponse = await mock.fetch(
          new Request(`${ORIGIN}/token`, {
            method: 'POST',
            body: new URLSearchParams({
              grant_type: 'authorization_code',
              code: redeemed.code,
              code_verifier: redeemed.verifier,
              redirect_uri: CALLBACK,
              resource: MCP_URL,
              client_id: 'public-client',
            }),
          }),
        );
        const tokens = (await tokenResponse.json()) as { access_token: string; refresh_token: string };
        values[LIVE.accessToken] = tokens.access_token;
        values[LIVE.refreshToken] = tokens.refresh_token;
        if (needed.includes(LIVE.sessionId))
          values[LIVE.sessionId] = await openSession(mock.fetch, MCP_URL, tokens.access_token);
      }
      if (needed.includes(LIVE.code) || needed.includes(LIVE.verifier)) {
        const pending = await issueCode();
        values[LIVE.code] = pending.code;
        values[LIVE.verifier] = pending.verifier;
      }
      return values;
    },
    async send(fuzz, values) {
      sent += 1;
      const request = toRequest(ORIGIN, substitute(fuzz, values));
      let response: Response;
      try {
        response = await mock.fetch(request);
      } catch (error) {
        return { status: undefined, problems: [`mock.fetch rejected: ${String(error)}`] };
      }
      return judgeResponse(request, response, endpointOf, redirectTargets);
    },
    async expectFlowStillWorks() {
      const flow = await runFullFlow(mock.fetch, MCP_URL, {
        scopes: ['read'],
        authMethod: 'client_secret_basic',
      });
      if (flow.whoami.client_id !== flow.clientId || flow.whoami.scopes.join(' ') !== 'read') {
        throw new Error(`whoami after the run: ${JSON.stringify(flow.whoami)}`);
      }
    },
  };
}

/** A fuzzed request in a failure message: method, path, and the shape of everything else. */
export function describeFuzzRequest(fuzz: FuzzRequest): string {
  return JSON.stringify(fuzz, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 200
      ? `${value.slice(0, 200)}…(${value.length})`
      : value instanceof Uint8Array
        ? `<${value.length} bytes>`
        : value,
  );
}
