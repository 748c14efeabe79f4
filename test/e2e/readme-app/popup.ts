// app.ts: sign in with a popup when the user clicks "Connect".
import { createAuthedMcpClient, popupAuthorize, webLocks, webStorage } from 'mcp-authed-client';

const MCP_URL = new URL('/mcp', location.origin).href; // here: the mock that mockAuthServerPlugin() serves

document.querySelector('#connect')?.addEventListener('click', async () => {
  const output = document.querySelector('#output');
  try {
    const client = await createAuthedMcpClient(MCP_URL, {
      clientMetadata: { name: 'my app', redirectUri: new URL('/callback.html', location.origin).href },
      // Opened now, inside the click, so popup blockers let it through; a blocked popup falls back to a redirect.
      authorize: popupAuthorize({ fallback: 'redirect' }),
      storage: webStorage(sessionStorage), // survives a redirect; webStorage(localStorage) shares it between tabs
      locks: webLocks(navigator.locks), // tabs that share storage refresh one at a time
    });
    const { tools } = await client.listTools();
    if (output) output.textContent = `tools: ${tools.map((tool) => tool.name).join(', ')}`;
  } catch (error) {
    // Error text is shown as text, never as HTML.
    if (output)
      output.textContent = `could not connect: ${error instanceof Error ? error.message : String(error)}`;
  }
});
