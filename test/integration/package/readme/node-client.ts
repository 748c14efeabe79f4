import { createAuthedMcpClient, headlessAuthorize } from 'mcp-authed-client';

// Against the mock started with `npm run mock-server -- --registration --revocation` (it approves at once).
const client = await createAuthedMcpClient('http://127.0.0.1:8000/mcp', {
  clientMetadata: { name: 'my app', redirectUri: 'http://127.0.0.1:3000/callback' },
  // Follows the authorization redirect without a browser (only against servers that approve without a page).
  authorize: headlessAuthorize(),
  onEvent: (event) => console.log(event.step, event.status, event.message), // secrets redacted
});

const { tools } = await client.listTools(); // the SDK Client API
console.log(tools.map((tool) => tool.name)); // [ 'whoami', 'echo', 'elevated_echo' ]
// Ends the work so the process can exit: signOut() revokes the tokens, forgets them and closes the client;
// close() alone closes it and keeps the grant for next time.
await client.signOut();
