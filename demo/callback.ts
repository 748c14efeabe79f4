/**
 * The demo's redirect URI: hands the popup's callback to the walkthrough (which checks and redeems it) and closes.
 */
import { completeAuthorization, webStorage } from 'mcp-authed-client';

const output = document.getElementById('output');
try {
  const { returnTo } = await completeAuthorization(location.href, { storage: webStorage(sessionStorage) });
  if (output) output.textContent = 'Signed in. You can close this window.';
  if (returnTo) location.replace(returnTo);
} catch (error) {
  if (output)
    output.textContent = `Sign-in failed: ${error instanceof Error ? error.message : String(error)}`;
}
