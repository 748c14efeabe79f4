/**
 * The harness's callback page: `completeAuthorization` with the storage named in the redirect URI's query. The
 * outcome goes to `window.callbackResult` for the test, and onto the page as text (error text from a server is
 * never HTML).
 */
import { completeAuthorization } from '../../../src/index.js';
import type { CompletedAuthorization } from '../../../src/index.js';
import { adapter, report } from './shared.js';
import type { ErrorReport, StorageSpec } from './shared.js';

declare global {
  interface Window {
    callbackResult?: { ok: true; value: CompletedAuthorization } | { ok: false; error: ErrorReport };
  }
}

const query = new URL(location.href).searchParams;
const spec = JSON.parse(query.get('storage') ?? '{"kind":"session"}') as StorageSpec;
const maxAgeMs = query.has('maxAgeMs') ? Number(query.get('maxAgeMs')) : undefined;
const status = document.getElementById('status');
try {
  const completed = await completeAuthorization(location.href, {
    storage: adapter(spec),
    ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
  });
  window.callbackResult = { ok: true, value: completed };
  if (status) status.textContent = `signed in (${completed.outcome})`;
  if (completed.returnTo) location.replace(completed.returnTo);
} catch (error) {
  window.callbackResult = { ok: false, error: report(error) };
  if (status) status.textContent = `sign-in failed: ${report(error).message}`;
}
