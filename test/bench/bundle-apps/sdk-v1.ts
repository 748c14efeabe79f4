// The same app on SDK v1: Client + Streamable HTTP transport + auth (the app writes the provider and callback).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export async function connect(url: string, provider: OAuthClientProvider): Promise<unknown> {
  const client = new Client({ name: 'app', version: '1.0.0' });
  await auth(provider, { serverUrl: url });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return client.listTools();
}
