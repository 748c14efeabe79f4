// A workload (CI job, pod, function) with no secret: its platform's JWT, redeemed with the JWT bearer grant.
import { createAuthedMcpClient } from 'mcp-authed-client';
import { mintIdToken, mintWorkloadJwt } from 'mcp-authed-client/mock-server';
import { startMockAuthServer } from 'mcp-authed-client/node';

// The mock with the grant on (spec: 'latest'); it also plays the workload platform and the enterprise IdP.
const server = await startMockAuthServer({
  spec: 'latest',
  clients: [
    {
      client_id: 'build-agent',
      token_endpoint_auth_method: 'none', // the assertion is the credential
      grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
      redirect_uris: ['https://unused.example/'], // the mock's settings require one; the grant never redirects
      scope: 'read',
    },
    {
      client_id: 'hr-assistant',
      client_secret: 'another-long-random-secret',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
      redirect_uris: ['https://unused.example/'],
      scope: 'read',
    },
  ],
});

// Workload identity: in production the callback reads the platform's token (a file, a metadata endpoint).
const workload = await createAuthedMcpClient(`${server.url}/mcp`, {
  workloadIdentity: {
    clientId: 'build-agent',
    assertion: () => mintWorkloadJwt(server.mock, { subject: 'pipeline-42' }),
  },
});
const job = await workload.callTool({ name: 'whoami', arguments: {} });
console.log(JSON.parse((job.content as Array<{ text: string }>)[0]?.text ?? '{}').subject); // pipeline-42
await workload.close();

// Enterprise-managed authorization: the user's ID token from the IdP becomes an identity assertion there.
const enterprise = await createAuthedMcpClient(`${server.url}/mcp`, {
  enterpriseAuthorization: {
    idToken: () => mintIdToken(server.mock, { clientId: 'hr-assistant', subject: 'alice@corp.example' }),
    identityProvider: {
      issuer: `${server.url}/idp`,
      clientId: 'hr-assistant',
      clientSecret: 'another-long-random-secret',
    },
    client: { clientId: 'hr-assistant', clientSecret: 'another-long-random-secret' },
  },
});
const user = await enterprise.callTool({ name: 'whoami', arguments: {} });
console.log(JSON.parse((user.content as Array<{ text: string }>)[0]?.text ?? '{}').subject); // alice@corp.example
await enterprise.close();
await server.close();
