// DPoP (RFC 9449): tokens bound to a key this client holds, proved on every request.
import { createAuthedMcpClient, headlessAuthorize } from 'mcp-authed-client';
import { startMockAuthServer } from 'mcp-authed-client/node';

// The mock with DPoP on (spec: 'latest'), demanding a nonce at its token endpoint and its MCP endpoint.
const server = await startMockAuthServer({
  spec: 'latest',
  clientRegistrationOptions: { enabled: true },
  revocationOptions: { enabled: true },
  dpop: { nonce: 'both' },
});

const client = await createAuthedMcpClient(`${server.url}/mcp`, {
  authorize: headlessAuthorize(),
  dpop: true, // or 'auto': only where the authorization server lists ES256 in dpop_signing_alg_values_supported
});
await client.callTool({ name: 'whoami', arguments: {} }); // Authorization: DPoP <token>, plus a fresh proof
console.log((await client.grant())?.tokenType); // DPoP
await client.signOut(); // revokes the tokens and forgets the key
await server.close();
