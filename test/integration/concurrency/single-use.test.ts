/**
 * Single-use credentials under a race: one authorization code, one refresh token, one consent form sent 50 times at
 * once (in process and over HTTP). Exactly one request succeeds. With the replay switches (`spec: 'latest'`) the 49
 * losers count as replays however they interleave with the winner, so what the winner got is revoked; in FastMCP
 * mode the winner's tokens keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer, type SpecMode } from '../../../mock-server/index.js';
import { consentFormFields, pkcePair } from '../../fuzz/support/full-flow.js';
import { serveMock } from '../../fuzz/support/serve-mock.js';

const ATTEMPTS = 50;
const CALLBACK = 'http://localhost:3000/callback';
const CLIENT = {
  client_id: 'racer',
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'none' as const,
  scope: 'read',
};

interface Transport {
  /** Sends a request to the mock at `path`. */
  send(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

type TokenPair = { access_token: string; refresh_token: string };

async function inProcess(spec: SpecMode, approval: 'auto' | 'consent'): Promise<Transport> {
  const mock = createMockAuthServer({
    issuerUrl: 'http://localhost:8000',
    spec,
    approval,
    clients: [CLIENT],
  });
  return {
    send: (path, init) =>
      mock.fetch(new Request(new URL(path, mock.settings.issuerUrl), { redirect: 'manual', ...init })),
    close: async () => undefined,
  };
}

async function overHttp(spec: SpecMode, approval: 'auto' | 'consent'): Promise<Transport> {
  const { server } = await serveMock((url) =>
    createMockAuthServer({ issuerUrl: url, spec, approval, clients: [CLIENT] }),
  );
  return {
    send: (path, init) => fetch(new URL(path, server.url), { redirect: 'manual', ...init }),
    close: () => server.close(),
  };
}

function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields) };
}

/** A fresh code for the client (auto-approval), with its verifier. */
async function issueCode(transport: Transport): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = await pkcePair();
  const query = new URLSearchParams({
    client_id: CLIENT.client_id,
    response_type: 'code',
    code_challenge: challenge,
  });
  const response = await transport.send(`/authorize?${query.toString()}`);
  expect(response.status).toBe(302);
  const code = new URL(response.headers.get('location') ?? '').searchParams.get('code');
  expect(code).toBeTruthy();
  return { code: code ?? '', verifier };
}

function redeem(transport: Transport, code: { code: string; verifier: string }): Promise<Response> {
  return transport.send(
    '/token',
    form({
      grant_type: 'authorization_code',
      code: code.code,
      code_verifier: code.verifier,
      client_id: CLIENT.client_id,
    }),
  );
}

function refresh(transport: Transport, refreshToken: string): Promise<Response> {
  return transport.send(
    '/token',
    form({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT.client_id }),
  );
}

/** Status of an MCP request with this access token: 401 once it is revoked, 400 (no session) while it is live. */
async function mcpStatus(transport: Transport, accessToken: string): Promise<number> {
  const response = await transport.send('/mcp', {
    // Accepting SSE, an authenticated GET without a session is FastMCP's 400 Missing session ID.
    headers: { authorization: `Bearer ${accessToken}`, accept: 'text/event-stream' },
  });
  await response.body?.cancel();
  return response.status;
}

/** Sends the same request `ATTEMPTS` times at once; returns the answers with their bodies read. */
async function race(send: () => Promise<Response>): Promise<Array<{ status: number; body: string }>> {
  const responses = await Promise.all(Array.from({ length: ATTEMPTS }, send));
  return Promise.all(
    responses.map(async (response) => ({ status: response.status, body: await response.text() })),
  );
}

const LIVE = 400;
const REVOKED = 401;

describe.each([
  ['fastmcp', 'in process', inProcess],
  ['latest', 'in process', inProcess],
  ['fastmcp', 'over HTTP', overHttp],
  ['latest', 'over HTTP', overHttp],
] as const)('single use under a race (spec: %s, %s)', (spec, _where, makeTransport) => {
  let transport: Transport;
  beforeAll(async () => {
    transport = await makeTransport(spec, 'auto');
  });
  afterAll(() => transport.close());
  const replaysRevoke = spec === 'latest';

  it(`one authorization code sent ${ATTEMPTS} times at once is redeemed exactly once`, async () => {
    const code = await issueCode(transport);
    const answers = await race(() => redeem(transport, code));
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    const lost = answers.filter((answer) => answer.status !== 200);
    expect(new Set(lost.map((answer) => `${answer.status} ${answer.body}`))).toStrictEqual(
      new Set(['400 {"error":"invalid_grant","error_description":"authorization code does not exist"}']),
    );
    const tokens = JSON.parse(won[0]?.body ?? '{}') as TokenPair;
    expect(await mcpStatus(transport, tokens.access_token)).toBe(replaysRevoke ? REVOKED : LIVE);
    expect((await refresh(transport, tokens.refresh_token)).status).toBe(replaysRevoke ? 400 : 200);
  });

  it(`one refresh token sent ${ATTEMPTS} times at once is exchanged exactly once`, async () => {
    const first = (await (await redeem(transport, await issueCode(transport))).json()) as TokenPair;
    const answers = await race(() => refresh(transport, first.refresh_token));
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    expect(
      new Set(answers.filter((answer) => answer.status !== 200).map((answer) => answer.body)),
    ).toStrictEqual(
      new Set(['{"error":"invalid_grant","error_description":"refresh token does not exist"}']),
    );
    const rotated = JSON.parse(won[0]?.body ?? '{}') as TokenPair;
    expect(await mcpStatus(transport, rotated.access_token)).toBe(replaysRevoke ? REVOKED : LIVE);
    expect((await refresh(transport, rotated.refresh_token)).status).toBe(replaysRevoke ? 400 : 200);
  });
});

describe.each(['fastmcp', 'latest'] as const)(
  `a consent form sent ${ATTEMPTS} times at once (spec: %s)`,
  (spec) => {
    it(`approves exactly once: one redirect with a code, ${ATTEMPTS - 1} refusals`, async () => {
      const transport = await inProcess(spec, 'consent');
      const { challenge } = await pkcePair();
      const query = new URLSearchParams({
        client_id: CLIENT.client_id,
        response_type: 'code',
        code_challenge: challenge,
      });
      const consentUrl =
        (await transport.send(`/authorize?${query.toString()}`)).headers.get('location') ?? '';
      const fields = consentFormFields(await (await transport.send(consentUrl)).text());
      const responses = await Promise.all(
        Array.from({ length: ATTEMPTS }, () =>
          transport.send('/consent', form({ ...fields, decision: 'approve' })),
        ),
      );
      const redirects = responses.filter((response) => response.status === 302);
      expect(redirects).toHaveLength(1);
      expect(new URL(redirects[0]?.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy();
      const refused = await Promise.all(
        responses.filter((response) => response.status !== 302).map((response) => response.text()),
      );
      expect(new Set(refused)).toStrictEqual(new Set(['Unknown or expired authorization request']));
    });
  },
);
