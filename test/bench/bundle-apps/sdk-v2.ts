// The same app on SDK v2 (`@modelcontextprotocol/client`): Client + Streamable HTTP transport + auth.
import {
  Client,
  StreamableHTTPClientTransport,
  auth,
  type OAuthClientProvider,
} from '@modelcontextprotocol/client';

export async function connect(url: string, provider: OAuthClientProvider): Promise<unknown> {
  const client = new Client({ name: 'app', version: '1.0.0' });
  await auth(provider, { serverUrl: url });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return client.listTools();
}
