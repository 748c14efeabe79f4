import { createMockAuthServer } from 'mcp-authed-client/mock-server';

const mock = createMockAuthServer({
  issuerUrl: 'http://localhost:8000',
  clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write'], defaultScopes: ['read'] },
  revocationOptions: { enabled: true },
  clients: [
    {
      client_id: 'app',
      redirect_uris: ['http://localhost:3000/callback'],
      token_endpoint_auth_method: 'none',
    },
  ],
});

// In-process: mock.fetch is a fetch replacement.
const metadata = await mock.fetch(
  new Request('http://localhost:8000/.well-known/oauth-authorization-server'),
);
console.log(await metadata.json());
