/**
 * The consent page (`approval: 'consent'`): plain HTML with Approve / Deny. The form carries the pending request id
 * and a per-request anti-forgery value; the POST must present both. Everything shown is HTML-escaped.
 *
 * Driving it headlessly: GET the page, read the hidden inputs of `<form id="consent">`, POST them back form-encoded
 * with `decision=approve` or `decision=deny`, and follow the 302.
 */
import { formString, readForm } from '../http/body.js';
import { timingSafeEqual } from '../http/crypto.js';
import { escapeHtml } from '../http/html.js';
import { htmlResponse, redirectResponse, textResponse } from '../http/responses.js';
import { isConsentCapable, type PendingConsent } from '../provider/types.js';
import { withIssParameter } from './iss.js';
import type { RouteContext } from './router.js';

export const CONSENT_PATH = '/consent';

const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

export async function consentHandler(request: Request, context: RouteContext): Promise<Response> {
  const { provider } = context;
  if (!isConsentCapable(provider)) return textResponse('Not Found', 404);
  if (request.method !== 'POST') {
    const requestId = new URL(request.url).searchParams.get('request') ?? '';
    const pending = requestId === '' ? undefined : await provider.loadPendingAuthorization(requestId);
    if (pending === undefined)
      return textResponse('Unknown or expired authorization request', 400, PAGE_HEADERS);
    return htmlResponse(renderConsentPage(pending), 200, PAGE_HEADERS);
  }

  const form = await readForm(request, context.settings.maxBodyBytes);
  const requestId = formString(form, 'request_id') ?? '';
  const pending = requestId === '' ? undefined : await provider.loadPendingAuthorization(requestId);
  if (pending === undefined)
    return textResponse('Unknown or expired authorization request', 400, PAGE_HEADERS);
  const presented = formString(form, 'anti_forgery_token') ?? '';
  if (!timingSafeEqual(presented, pending.antiForgeryToken)) {
    return textResponse('Invalid anti-forgery token', 403, PAGE_HEADERS);
  }
  const decision = formString(form, 'decision');
  if (decision !== 'approve' && decision !== 'deny') {
    return textResponse("decision must be 'approve' or 'deny'", 400, PAGE_HEADERS);
  }
  const location = await provider.completePendingAuthorization(requestId, decision);
  if (location === undefined)
    return textResponse('Unknown or expired authorization request', 400, PAGE_HEADERS);
  return redirectResponse(withIssParameter(location, pending.params.redirectUri, context.settings), {
    'Cache-Control': 'no-store',
  });
}

function renderConsentPage(pending: PendingConsent): string {
  const client = pending.client;
  const name = escapeHtml(client.client_name ?? client.client_id);
  const scopes = pending.params.scopes ?? [];
  const scopeList =
    scopes.length === 0
      ? '<p>No specific scopes requested.</p>'
      : `<ul id="scopes">${scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')}</ul>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Authorize ${name}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{margin-right:.5rem}</style>
</head>
<body>
<h1>Authorize <span id="client-name">${name}</span>?</h1>
<p>Client ID: <code id="client-id">${escapeHtml(client.client_id)}</code></p>
<p>Redirects to: <code id="redirect-uri">${escapeHtml(pending.params.redirectUri)}</code></p>
<p>Requested scopes:</p>
${scopeList}
<form id="consent" method="post" action="${CONSENT_PATH}">
<input type="hidden" name="request_id" value="${escapeHtml(pending.requestId)}">
<input type="hidden" name="anti_forgery_token" value="${escapeHtml(pending.antiForgeryToken)}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body>
</html>
`;
}
