// In a test suite: the mock as a real HTTP server in the test's own process, on a free port (no CLI to spawn).
import { createAuthedMcpClient, headlessAuthorize } from 'mcp-authed-client';
import { startMockAuthServer } from 'mcp-authed-client/node';

const server = await startMockAuthServer({ clientRegistrationOptions: { enabled: true } }); // issuer: server.url
const client = await createAuthedMcpClient(`${server.url}/mcp`, {
  clientMetadata: { name: 'my test', redirectUri: 'http://127.0.0.1:3000/callback' },
  authorize: headlessAuthorize(),
});
const { tools } = await client.listTools();
console.log(tools.map((tool) => tool.name).join(', ')); // whoami, echo, elevated_echo

server.mock.control.clock.advance(3600); // the access token expires: the next call refreshes it first
await client.callTool({ name: 'whoami' });
const tokenRequests = server.mock.control.requests().filter((entry) => entry.endpoint === 'token');
console.log(tokenRequests.length); // 2: the authorization code, then the refresh

await client.close();
await server.close(); // nothing left open: the process exits
