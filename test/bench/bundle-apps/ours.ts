// The minimal app of the bundle row: connect with auth (popup sign-in), list the tools.
import { createAuthedMcpClient, popupAuthorize } from '../../../src/index.js';

export async function connect(url: string): Promise<unknown> {
  const client = await createAuthedMcpClient(url, {
    clientMetadata: { name: 'app', redirectUri: `${location.origin}/callback` },
    authorize: popupAuthorize(),
  });
  return client.listTools();
}
