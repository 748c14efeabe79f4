// The session: connect silently on load, sign in on the user's click, then what the application asks besides MCP calls.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  createAuthedMcpClient,
  createMcpAuthorization,
  headlessAuthorize,
  InteractionRequiredError,
  memoryStorage,
} from 'mcp-authed-client';
import { startMockAuthServer } from 'mcp-authed-client/node';

const server = await startMockAuthServer({
  clientRegistrationOptions: { enabled: true },
  revocationOptions: { enabled: true },
});
const url = `${server.url}/mcp`;
const storage = memoryStorage(); // in a page: webStorage(localStorage) or indexedDbStorage()
const options = { storage, clientMetadata: { redirectUri: 'http://127.0.0.1:3000/callback' } };

// On load: connect only if a stored grant allows it; whatever needs the user fails with InteractionRequiredError.
const silent = await createAuthedMcpClient(url, { ...options, interactive: false }).catch((error) => {
  if (error instanceof InteractionRequiredError) return undefined; // show a "Sign in" button
  throw error;
});
console.log(silent === undefined); // true: nobody signed in yet

// On the click (popupAuthorize() in a page):
const client = await createAuthedMcpClient(url, {
  ...options,
  authorize: headlessAuthorize(),
  onSessionEvent: (event) => console.log(event.type, event.source), // authorized this-client; refreshed, expiring…
});
const grant = await client.grant(); // no request: issuer, clientId, scopes, expiresAt, refreshable (never a token)
console.log(grant?.refreshable); // true

// The application's own requests to the same server: a bearer token, or a fetch that handles 401 and 403 itself.
const token = await client.getAccessToken(); // refreshed first when about to expire
const metadata = await client.fetch('/.well-known/oauth-protected-resource/mcp'); // relative to the MCP URL
console.log(token.length > 0, metadata.status); // true 200

// An SDK transport of your own, with this package's authorization (same storage: already signed in):
const authorization = createMcpAuthorization(url, options);
const own = new Client({ name: 'own transport', version: '1.0.0' });
await own.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: authorization.fetch }));
// (where only an OAuthClientProvider is accepted: { authProvider: authorization.asOAuthClientProvider() })
console.log((await own.listTools()).tools.length); // 3
await own.close();
authorization.close();

await client.signOut(); // signed-out this-client
await server.close();
