// A machine-to-machine client: no user, no redirect; the client_credentials grant with a secret or a private key.
import { createAuthedMcpClient } from 'mcp-authed-client';
import { startMockAuthServer } from 'mcp-authed-client/node';

// The mock with the grant on (spec: 'latest'), and a client registered for it, as an administrator would.
const server = await startMockAuthServer({
  spec: 'latest',
  revocationOptions: { enabled: true },
  clients: [
    {
      client_id: 'nightly-report',
      client_secret: 'a-long-random-secret', // in production: from the environment or a secret store
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      redirect_uris: ['https://unused.example/'], // the mock's settings require one; the grant never redirects
      scope: 'read',
    },
  ],
});

const client = await createAuthedMcpClient(`${server.url}/mcp`, {
  clientCredentials: { clientId: 'nightly-report', clientSecret: 'a-long-random-secret' },
  // Or private_key_jwt: { clientId, privateKey: pkcs8Pem, algorithm: 'ES256', keyId: 'key-1' }
  scopes: ['read'],
});
const who = await client.callTool({ name: 'whoami', arguments: {} });
console.log(JSON.parse((who.content as Array<{ text: string }>)[0]?.text ?? '{}').client_id); // nightly-report
// An expired token is replaced by asking again (once, however many calls wait); signOut() revokes it.
await client.signOut();
await server.close();
