/**
 * The three clients of rows 1–4, each connecting to the same in-process mock through a counting fetch:
 * this project's `createAuthedMcpClient` with `headlessAuthorize`, and the SDK v1 and v2 `Client`s over their
 * Streamable HTTP transports with a headless `OAuthClientProvider` written here (it follows the authorization
 * redirect with fetch, as `headlessAuthorize` does, and keeps everything in memory).
 */
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import {
  createAuthedMcpClient,
  headlessAuthorize,
  memoryStorage,
  type AuthStorage,
} from '../../../src/index.js';
import { CALLBACK } from '../support/workload.js';

export type ClientName = 'this project' | 'SDK v1' | 'SDK v2';
export const CLIENT_NAMES: readonly ClientName[] = ['this project', 'SDK v1', 'SDK v2'];

/** What a row needs of a connected client. */
export interface ConnectedClient {
  listTools(): Promise<unknown>;
  callEcho(text: string): Promise<unknown>;
  close(): Promise<void>;
}

/** State a client keeps between connections (tokens, registration): what "warm" reuses. */
export interface ClientState {
  readonly name: ClientName;
  connect(fetch: typeof globalThis.fetch, mcpUrl: string): Promise<ConnectedClient>;
}

const CLIENT_METADATA: OAuthClientMetadata = {
  client_name: 'bench',
  redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

/** A headless, in-memory provider for the SDK's `auth()`; both SDK majors share the interface. */
class HeadlessProvider implements OAuthClientProvider {
  readonly redirectUrl = CALLBACK;
  readonly clientMetadata = CLIENT_METADATA;
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  /** The code the last authorization redirect carried, for `finishAuth`. */
  pendingCode: string | undefined;

  constructor(private readonly fetchFor: () => typeof globalThis.fetch) {}

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#client;
  }
  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.#client = client;
  }
  tokens(): OAuthTokens | undefined {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens;
  }
  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }
  codeVerifier(): string {
    return this.#verifier;
  }
  async redirectToAuthorization(url: URL): Promise<void> {
    const response = await this.fetchFor()(url, { redirect: 'manual' });
    await response.body?.cancel();
    const location = response.headers.get('location');
    this.pendingCode =
      location === null ? undefined : (new URL(location).searchParams.get('code') ?? undefined);
  }
}

interface SdkClientLike {
  connect(transport: never): Promise<void>;
  listTools(): Promise<unknown>;
  callTool(request: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  close(): Promise<void>;
}

interface SdkTransportLike {
  finishAuth(code: string): Promise<void>;
}

/**
 * The SDK's documented headless pattern: connect; on `UnauthorizedError` (the provider was sent to authorize),
 * `finishAuth(code)` on that transport, then connect again with a new one.
 */
function sdkState(
  name: 'SDK v1' | 'SDK v2',
  makeClient: () => SdkClientLike,
  makeTransport: (url: URL, provider: HeadlessProvider, fetch: typeof globalThis.fetch) => SdkTransportLike,
): ClientState {
  let currentFetch: typeof globalThis.fetch = fetch;
  const provider = new HeadlessProvider(() => currentFetch);
  return {
    name,
    async connect(fetchImpl, mcpUrl) {
      currentFetch = fetchImpl;
      const url = new URL(mcpUrl);
      let client = makeClient();
      const transport = makeTransport(url, provider, fetchImpl);
      try {
        await client.connect(transport as never);
      } catch (error) {
        if (provider.pendingCode === undefined) throw error;
        const code = provider.pendingCode;
        provider.pendingCode = undefined;
        await transport.finishAuth(code);
        client = makeClient();
        await client.connect(makeTransport(url, provider, fetchImpl) as never);
      }
      const connected = client;
      return {
        listTools: () => connected.listTools(),
        callEcho: (text) => connected.callTool({ name: 'echo', arguments: { message: text } }),
        close: () => connected.close(),
      };
    },
  };
}

function ourState(): ClientState {
  const storage: AuthStorage = memoryStorage();
  return {
    name: 'this project',
    async connect(fetchImpl, mcpUrl) {
      const client = await createAuthedMcpClient(mcpUrl, {
        clientMetadata: { name: 'bench', redirectUri: CALLBACK },
        authorize: headlessAuthorize({ fetch: fetchImpl }),
        fetch: fetchImpl,
        storage,
      });
      return {
        listTools: () => client.listTools(),
        callEcho: (text) => client.callTool({ name: 'echo', arguments: { message: text } }),
        close: () => client.close(),
      };
    },
  };
}

/** A fresh client state (no registration, no tokens) of each kind. */
export function newClientState(name: ClientName): ClientState {
  switch (name) {
    case 'this project':
      return ourState();
    case 'SDK v1':
      return sdkState(
        name,
        () => new ClientV1({ name: 'bench', version: '1.0.0' }) as unknown as SdkClientLike,
        (url, authProvider, fetchImpl) => new TransportV1(url, { authProvider, fetch: fetchImpl }),
      );
    case 'SDK v2':
      return sdkState(
        name,
        () => new ClientV2({ name: 'bench', version: '1.0.0' }) as unknown as SdkClientLike,
        (url, authProvider, fetchImpl) =>
          new TransportV2(url, { authProvider: authProvider as never, fetch: fetchImpl }),
      );
  }
}
