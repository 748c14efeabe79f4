/**
 * A Node program using the installed package, compiled without the DOM lib, with `skipLibCheck: false` and
 * `exactOptionalPropertyTypes` (see pack.test.ts). Options given as `undefined` must type-check there and behave as
 * if left out; it prints what it saw as one JSON line.
 */
import { createAuthedMcpClient, headlessAuthorize, memoryStorage } from 'mcp-authed-client';
import { createMockAuthServer, SettingsError } from 'mcp-authed-client/mock-server';
import { createNodeDocumentFetch, listen, startMockAuthServer } from 'mcp-authed-client/node';

const server = await startMockAuthServer(
  {
    issuerUrl: undefined,
    resourceServerUrl: undefined,
    requiredScopes: undefined,
    clientRegistrationOptions: { enabled: true, validScopes: undefined, defaultScopes: undefined },
    revocationOptions: undefined,
    approval: undefined,
    clients: undefined,
    tokenLifetimes: { accessTokenSeconds: undefined },
    spec: undefined,
    beyondFastMcp: undefined,
  },
  {
    host: undefined,
    port: undefined,
    closeTimeoutMs: undefined,
    controlPath: undefined,
    provider: undefined,
    clock: undefined,
    onError: undefined,
    fetchClientIdMetadataDocument: undefined,
  },
);
const client = await createAuthedMcpClient(`${server.url}/mcp`, {
  clientMetadata: {
    name: 'node consumer',
    version: undefined,
    redirectUri: 'http://127.0.0.1:3000/callback',
  },
  authorize: headlessAuthorize({ fetch: undefined, timeoutMs: undefined, signal: undefined }),
  clientMetadataUrl: undefined,
  credentials: undefined,
  scopes: undefined,
  storage: memoryStorage(),
  locks: undefined,
  fetch: undefined,
  timeoutMs: undefined,
  authorizationTimeoutMs: undefined,
  refreshSkewMs: undefined,
  signal: undefined,
  onEvent: undefined,
  mcpClientOptions: undefined,
  beforeConnect: undefined,
});
const { tools } = await client.listTools();
await client.close();
await server.close();

// listen() serves any mock; this one's issuer is a fixed URL, which its metadata names wherever it is served.
const fixed = await listen(createMockAuthServer({ issuerUrl: 'http://127.0.0.1:8000' }), {
  onError: undefined,
});
const metadata = (await (await fetch(`${fixed.url}/.well-known/oauth-authorization-server`)).json()) as {
  issuer: string;
};
await fixed.close();

let settingsError = '';
try {
  createMockAuthServer({ issuerUrl: 'ftp://example.com' });
} catch (error) {
  if (error instanceof SettingsError) settingsError = error.name;
}

// The declarations are real types, not any: these calls must not compile (and never run).
export function wrongCalls(): void {
  // @ts-expect-error issuerUrl is a string
  createMockAuthServer({ issuerUrl: 42 });
  // @ts-expect-error port is a number
  void listen(async () => new Response('never'), { port: '8000' });
}
const documentFetch: (input: string, init: RequestInit) => Promise<Response> = createNodeDocumentFetch();

console.log(
  JSON.stringify({
    tools: tools.map((tool) => tool.name),
    fixedIssuer: metadata.issuer,
    settingsError,
    documentFetch: typeof documentFetch,
  }),
);
