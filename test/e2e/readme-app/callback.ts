// callback.ts: the page at redirectUri, for popups and redirects alike.
import { completeAuthorization, webStorage } from 'mcp-authed-client';

try {
  // Checks state and iss, redeems the code (or hands it to the page that opened this popup, which then closes),
  // stores the grant and removes the code from the address bar.
  const { returnTo } = await completeAuthorization(location.href, { storage: webStorage(sessionStorage) });
  if (returnTo) location.replace(returnTo); // back to the page that started a redirect sign-in
} catch (error) {
  const output = document.querySelector('#output');
  if (output)
    output.textContent = `sign-in failed: ${error instanceof Error ? error.message : String(error)}`;
}
