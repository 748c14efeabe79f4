// redirect.ts: sign in by full-page redirect (the page leaves, and the callback page brings the user back).
import { createAuthedMcpClient, redirectAuthorize, webStorage } from 'mcp-authed-client';

const MCP_URL = new URL('/mcp', location.origin).href;

// The first visit navigates to the sign-in page; after the callback page returns here, the stored grant is used
// and no authorization request is made.
const client = await createAuthedMcpClient(MCP_URL, {
  clientMetadata: { name: 'my app', redirectUri: new URL('/callback.html', location.origin).href },
  authorize: redirectAuthorize(),
  storage: webStorage(sessionStorage),
});
const output = document.querySelector('#output');
if (output)
  output.textContent = `tools: ${(await client.listTools()).tools.map((tool) => tool.name).join(', ')}`;
