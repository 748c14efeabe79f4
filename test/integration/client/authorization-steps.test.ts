/**
 * The authorization-code flow's steps run one by one against the mock, as a page that comes back from a full-page
 * redirect runs them: begin here, the browser's trip to the authorization server, redeem later from storage alone.
 */
import { describe, expect, it } from 'vitest';
import { discover } from '../../../src/discovery/discover.js';
import { McpAuthError } from '../../../src/errors.js';
import { createEventStream } from '../../../src/events.js';
import type { FlowEvent } from '../../../src/events.js';
import {
  awaitCallback,
  beginAuthorization,
  redeemAuthorizationCode,
  redeemStoredAuthorization,
} from '../../../src/flow/authorization-code-flow.js';
import type { FlowEnvironment } from '../../../src/flow/authorization-code-flow.js';
import { headlessAuthorize, memoryStorage } from '../../../src/index.js';
import type { PreRegisteredClient } from '../../../src/index.js';
import { resolveClientIdentity } from '../../../src/identity/resolve.js';
import { AuthStateStore } from '../../../src/storage/auth-state.js';
import { createMockWorld, MCP_URL, REDIRECT_URI } from './support/mock-world.js';

async function begun(
  settings: Parameters<typeof createMockWorld>[0] = {},
  credentials?: PreRegisteredClient,
) {
  const world = createMockWorld(settings);
  const events: FlowEvent[] = [];
  const env: FlowEnvironment = {
    ctx: { fetch: world.fetch, timeoutMs: 5_000, allowInsecureHttp: false, maxResponseBytes: 1024 * 1024 },
    events: createEventStream((event) => events.push(event)),
    store: new AuthStateStore(memoryStorage()),
  };
  const discovery = await discover(env.ctx, env.events, { mcpUrl: new URL(MCP_URL) });
  const identity = await resolveClientIdentity(env.ctx, env.events, env.store, {
    issuer: discovery.issuer,
    authorizationServer: discovery.authorizationServer,
    redirectUri: REDIRECT_URI,
    clientName: 'steps test',
    preRegistered: credentials,
  });
  const { url, pending } = await beginAuthorization(env, {
    mcpUrl: MCP_URL,
    discovery,
    identity,
    scopes: [],
  });
  const callback = new URL(String(await headlessAuthorize({ fetch: world.fetch })(url)));
  return { world, env, events, discovery, identity, url, pending, callback };
}

describe('the authorization-code steps', () => {
  it('redeems a callback from what begin stored, as a fresh page would, and stores the grant under the MCP URL', async () => {
    const { world, env, identity, pending, callback } = await begun();
    const stored = await env.store.takePending(callback.searchParams.get('state') ?? '');
    expect(stored).toEqual(pending);
    if (!stored) throw new Error('the pending request was not stored');
    const grant = await redeemAuthorizationCode(env, {
      pending: stored,
      callback,
      identity,
      maxAgeMs: 60_000,
    });
    expect(grant.clientId).toBe(identity.clientId);
    expect(await env.store.loadGrant(MCP_URL)).toEqual({ ...grant, renewed: false });
    const provider = world.mock.provider;
    expect((await provider.loadAccessToken(grant.tokens.accessToken))?.clientId).toBe(identity.clientId);
  });

  it('refuses a callback older than the limit before any token request, and stores nothing', async () => {
    const { world, env, identity, pending, callback } = await begun();
    world.mock.control.clearRequests();
    const late = { ...pending, createdAt: Date.now() - 61_000 };
    const error = await redeemAuthorizationCode(env, {
      pending: late,
      callback,
      identity,
      maxAgeMs: 60_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAuthError);
    expect((error as McpAuthError).code).toBe('authorization_expired');
    expect(world.requestsTo('token')).toHaveLength(0);
    expect(await env.store.loadGrant(MCP_URL)).toBeUndefined();
  });

  it('takes the pending request back from storage when the handler fails', async () => {
    const { env, url, pending } = await begun();
    await env.store.savePending(pending);
    const failing = async (): Promise<string> => {
      throw new Error('the user closed the window');
    };
    const error = await awaitCallback(env, failing, url, pending, { timeoutMs: 5_000 }).catch(
      (e: unknown) => e,
    );
    expect((error as McpAuthError).code).toBe('authorization_handler_failed');
    expect(await env.store.takePending(pending.state)).toBeUndefined();
  });
});

describe('a callback redeemed by the callback page while the opener still waited', () => {
  it('is not redeemed a second time: the opener is told, and the pending request is gone', async () => {
    const { env, url, pending, callback } = await begun();
    const elsewhere = async (): Promise<string> => {
      // The callback page (same storage) took the request and redeemed the code before answering.
      await env.store.takePending(pending.state);
      return callback.href;
    };
    const result = await awaitCallback(env, elsewhere, url, pending, { timeoutMs: 5_000 });
    expect(result.redeemedElsewhere).toBe(true);
    const normal = await begun();
    const handler = async (): Promise<string> => normal.callback.href;
    expect(
      (await awaitCallback(normal.env, handler, normal.url, normal.pending, { timeoutMs: 5_000 }))
        .redeemedElsewhere,
    ).toBe(false);
  });
});

describe('redeeming from storage alone (the callback page of a full-page redirect)', () => {
  const codeOf = (error: unknown) => (error instanceof McpAuthError ? error.code : String(error));

  it("redeems a dynamically registered client's sign-in once; the replayed callback is refused, the grant kept", async () => {
    const { env, callback, identity } = await begun();
    const { grant } = await redeemStoredAuthorization(env, callback, { maxAgeMs: 60_000 });
    expect(grant.clientId).toBe(identity.clientId);
    const replay = await redeemStoredAuthorization(env, callback, { maxAgeMs: 60_000 }).catch(
      (e: unknown) => e,
    );
    expect(codeOf(replay)).toBe('state_mismatch');
    expect(await env.store.loadGrant(MCP_URL)).toEqual({ ...grant, renewed: false });
  });

  it('refuses a callback whose state no sign-in of this storage started, storing nothing', async () => {
    const { env, callback } = await begun();
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');
    expect(
      codeOf(await redeemStoredAuthorization(env, forged, { maxAgeMs: 60_000 }).catch((e: unknown) => e)),
    ).toBe('state_mismatch');
    expect(await env.store.loadGrant(MCP_URL)).toBeUndefined();
  });

  it('needs the confidential pre-registered credentials again (their secret is never stored)', async () => {
    const credentials = {
      clientId: 'pre',
      clientSecret: 'pre secret',
      tokenEndpointAuthMethod: 'client_secret_post' as const,
    };
    const settings = {
      clients: [
        {
          client_id: 'pre',
          client_secret: 'pre secret',
          redirect_uris: [REDIRECT_URI],
          token_endpoint_auth_method: 'client_secret_post' as const,
        },
      ],
    };
    const first = await begun(settings, credentials);
    expect(first.identity.source).toBe('pre-registered');
    const refused = await redeemStoredAuthorization(first.env, first.callback, { maxAgeMs: 60_000 }).catch(
      (e: unknown) => e,
    );
    expect(codeOf(refused)).toBe('client_id_required');
    expect((refused as Error).message).not.toContain('pre secret');
    expect(await first.env.store.peekPending(first.pending.state)).toBeUndefined();
    expect(await first.env.store.loadGrant(MCP_URL)).toBeUndefined();

    const second = await begun(settings, credentials);
    const { grant } = await redeemStoredAuthorization(second.env, second.callback, {
      credentials,
      maxAgeMs: 60_000,
    });
    expect(grant.clientId).toBe('pre');
  });

  it("redeems a public pre-registered client's sign-in with nothing but the URL and storage", async () => {
    const settings = {
      clients: [
        {
          client_id: 'public-app',
          redirect_uris: [REDIRECT_URI],
          token_endpoint_auth_method: 'none' as const,
        },
      ],
    };
    const { env, callback } = await begun(settings, { clientId: 'public-app' });
    const { grant } = await redeemStoredAuthorization(env, callback, { maxAgeMs: 60_000 });
    expect(grant.clientId).toBe('public-app');
  });
});
