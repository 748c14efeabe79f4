/**
 * Row 8: memory. Heap (after a full GC) kept by the mock and by the SDK's demo provider after many registrations and
 * token issuances; per 1,000 live MCP sessions (each server in its own process, sessions opened over HTTP); and the
 * mock's heap over a sustained load of whole flows with tokens expiring, which must stay flat.
 */
import { DemoInMemoryAuthProvider } from '@modelcontextprotocol/sdk/examples/server/demoInMemoryOAuthProvider.js';
import type { Response as ExpressResponse } from 'express';
import { createMockAuthServer } from '../../../mock-server/index.js';
import { BENCH_CLIENT_ID, loadSettings, openMcpSession, toRequest } from '../subjects/mock-workloads.js';
import { serveSubject, type Subject } from '../support/child-protocol.js';
import { pkcePair } from '../support/pkce.js';
import { CALLBACK, INITIALIZE_BODY, REGISTRATION_BODY } from '../support/workload.js';
import { heapAfterGc } from '../support/heap.js';

const ORIGIN = 'http://127.0.0.1:8000';

export interface StateMemory {
  readonly operations: number;
  readonly mockBytes: number;
  readonly sdkBytes: number;
}

/** `operations` registrations plus `operations` token issuances (code + exchange), an hour apart in batches. */
export async function measureStateMemory(operations: number): Promise<StateMemory> {
  const before = heapAfterGc();
  const mock = createMockAuthServer({ issuerUrl: ORIGIN, ...loadSettings() });
  const send = (request: Request): Promise<Response> => mock.fetch(request);
  for (let index = 0; index < operations; index++) {
    const registered = await send(
      new Request(`${ORIGIN}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: REGISTRATION_BODY,
      }),
    );
    await registered.arrayBuffer();
    const session = await issueMockTokens(send);
    void session;
    // Tokens expire as they would over a long run: an hour of mock time every thousand issuances.
    if (index % 1000 === 999) mock.control.clock.advance(3600);
  }
  const mockBytes = heapAfterGc() - before;
  const mockState = mock.control.totalRequests();

  const sdkBefore = heapAfterGc();
  const provider = new DemoInMemoryAuthProvider();
  for (let index = 0; index < operations; index++) {
    const client = await provider.clientsStore.registerClient({
      client_id: `client-${index}`,
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none',
    });
    const { challenge } = pkcePair();
    let location = '';
    const response = { redirect: (target: string) => void (location = target) } as unknown as ExpressResponse;
    await provider.authorize(
      client,
      { codeChallenge: challenge, redirectUri: CALLBACK, scopes: [] },
      response,
    );
    await provider.exchangeAuthorizationCode(client, new URL(location).searchParams.get('code') ?? '');
  }
  const sdkBytes = heapAfterGc() - sdkBefore;
  // Both are read after measuring, so neither was collected before the heap was read.
  const sdkClient = await provider.clientsStore.getClient(`client-${operations - 1}`);
  if (sdkClient === undefined || mockState < operations) throw new Error('state was not kept');
  return { operations, mockBytes, sdkBytes };
}

async function issueMockTokens(send: (request: Request) => Promise<Response>): Promise<void> {
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    client_id: BENCH_CLIENT_ID,
    response_type: 'code',
    redirect_uri: CALLBACK,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const authorized = await send(
    new Request(`${ORIGIN}/authorize?${query.toString()}`, { redirect: 'manual' }),
  );
  const code = new URL(authorized.headers.get('location') ?? CALLBACK).searchParams.get('code') ?? '';
  const token = await send(
    toRequest(ORIGIN, {
      method: 'POST',
      path: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
        client_id: BENCH_CLIENT_ID,
      }).toString(),
    }),
  );
  await token.arrayBuffer();
}

/** Heap per 1,000 live sessions in the server's own process, sessions opened over loopback HTTP. */
export async function measureSessionMemory(subject: Subject, sessions: number): Promise<number> {
  const served = await serveSubject(subject, 1);
  try {
    const template = served.requestsFor('tools/call')[0];
    if (template === undefined) throw new Error('no tools/call request to copy the token from');
    const { 'mcp-session-id': _session, ...headers } = template.headers;
    const before = await served.heapUsed();
    for (let index = 0; index < sessions; index += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, sessions - index) }, async () => {
          const response = await fetch(`${served.url}/mcp`, {
            method: 'POST',
            headers,
            body: INITIALIZE_BODY,
          });
          await response.arrayBuffer();
          if (response.headers.get('mcp-session-id') === null)
            throw new Error(`no session (${response.status})`);
        }),
      );
    }
    return ((await served.heapUsed()) - before) * (1000 / sessions);
  } finally {
    await served.stop();
  }
}

export interface SustainedMemory {
  readonly seconds: number;
  readonly flows: number;
  /** Heap after GC at each sample, bytes. */
  readonly samples: readonly number[];
  /** Last sample against the first one after warm-up, in percent. */
  readonly growthPercent: number;
}

/**
 * Whole flows (register, authorize, token, MCP session, call) against one mock for `seconds`, the mock's clock
 * moving an hour every thousand flows so tokens expire; the heap is sampled after a GC at regular intervals.
 */
export async function measureSustainedMemory(seconds: number, samples: number): Promise<SustainedMemory> {
  const mock = createMockAuthServer({ issuerUrl: ORIGIN, ...loadSettings(), mcp: { maxSessions: 1000 } });
  const send = (request: Request): Promise<Response> => mock.fetch(request);
  const heap: number[] = [];
  let flows = 0;
  const end = performance.now() + seconds * 1000;
  const interval = (seconds * 1000) / samples;
  let nextSample = performance.now() + interval;
  while (performance.now() < end) {
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const headers = await openMcpSession(send, ORIGIN);
        const call = await send(
          new Request(`${ORIGIN}/mcp`, {
            method: 'DELETE',
            headers,
          }),
        );
        await call.arrayBuffer();
      }),
    );
    flows += 10;
    if (flows % 1000 === 0) mock.control.clock.advance(3600);
    if (performance.now() >= nextSample) {
      heap.push(heapAfterGc());
      nextSample += interval;
    }
  }
  heap.push(heapAfterGc());
  const baseline = heap[Math.min(1, heap.length - 1)] as number;
  const last = heap[heap.length - 1] as number;
  return { seconds, flows, samples: heap, growthPercent: ((last - baseline) / baseline) * 100 };
}
