/**
 * One complete authorization, done with raw protocol requests against the mock's fetch handler (in process or over
 * HTTP): discovery → dynamic registration → /authorize (through the consent page when the mock shows one) → code
 * exchange → MCP initialize → `whoami`. Every step checks its answer and throws an `Error` naming the step and the
 * status, so many flows can run at once and be judged together. The fuzz suites run one after each fuzz run; the
 * concurrency suite runs a thousand at once.
 */

/** Anything that answers a `Request`: `mock.fetch`, or the global `fetch` aimed at a listening mock. */
export type FetchHandler = (request: Request) => Promise<Response>;

export type AuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic';

export interface FlowOptions {
  /** How the registered client authenticates at /token. Default `none`. */
  authMethod?: AuthMethod;
  /** Scopes to register and request (space-free strings). Default: none named. */
  scopes?: readonly string[];
  /** Default `http://127.0.0.1:7777/callback`. */
  redirectUri?: string;
  clientName?: string;
}

/** What `whoami` says about the token that called it. */
export interface WhoAmI {
  client_id: string;
  subject: string | null;
  scopes: string[];
  expires_at: number | null;
  resource: string | null;
}

export interface FlowResult {
  clientId: string;
  clientSecret: string | undefined;
  accessToken: string;
  refreshToken: string | undefined;
  /** The scope the token endpoint granted, split. */
  grantedScopes: string[];
  whoami: WhoAmI;
}

const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:7777/callback';

export const MCP_ACCEPT = 'application/json, text/event-stream';

/** A failed step: which one, and what the server answered (never the tokens: they are not in these bodies). */
export class FlowStepError extends Error {
  override readonly name = 'FlowStepError';
}

async function expectStatus(step: string, response: Response, ...expected: number[]): Promise<Response> {
  if (expected.includes(response.status)) return response;
  const text = await response.text().catch(() => '<unreadable>');
  throw new FlowStepError(
    `${step}: expected ${expected.join('/')}, got ${response.status}: ${text.slice(0, 300)}`,
  );
}

async function jsonObject(step: string, response: Response): Promise<Record<string, unknown>> {
  const value: unknown = await response.json();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FlowStepError(`${step}: answer is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function stringField(step: string, body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new FlowStepError(`${step}: no "${field}" string`);
  return value;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A fresh RFC 7636 verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

/** The hidden fields of the consent page's form (request id and anti-forgery value). */
export function consentFormFields(page: string): Record<string, string> {
  const form = /<form id="consent"[^>]*>([\s\S]*?)<\/form>/.exec(page)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1] ?? ''] = unescapeHtml(match[2] ?? '');
  }
  return fields;
}

/** Undoes the mock's five-character HTML escaping. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Follows an /authorize answer to the callback: directly (auto-approval) or through the consent page (approve).
 * Returns the callback URL.
 */
export async function followToCallback(
  fetchHandler: FetchHandler,
  response: Response,
  redirectUri: string,
): Promise<URL> {
  await expectStatus('authorize', response, 302);
  let target = new URL(response.headers.get('location') ?? '');
  if (!target.href.startsWith(redirectUri)) {
    const page = await expectStatus('consent page', await fetchHandler(new Request(target.href)), 200);
    const fields = consentFormFields(await page.text());
    const approved = await fetchHandler(
      new Request(new URL('/consent', target).href, {
        method: 'POST',
        body: new URLSearchParams({ ...fields, decision: 'approve' }),
        redirect: 'manual',
      }),
    );
    await expectStatus('consent approval', approved, 302);
    target = new URL(approved.headers.get('location') ?? '');
  }
  return target;
}

/** The client authentication a token or revocation request carries, as form fields and headers. */
export function clientAuthentication(
  clientId: string,
  clientSecret: string | undefined,
  method: AuthMethod,
): { fields: Record<string, string>; headers: Record<string, string> } {
  if (method === 'client_secret_basic' && clientSecret !== undefined) {
    const credentials = btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`);
    return { fields: { client_id: clientId }, headers: { authorization: `Basic ${credentials}` } };
  }
  if (method === 'client_secret_post' && clientSecret !== undefined) {
    return { fields: { client_id: clientId, client_secret: clientSecret }, headers: {} };
  }
  return { fields: { client_id: clientId }, headers: {} };
}

/** The JSON-RPC result with `id` in a Streamable HTTP answer (JSON, or server-sent events). */
export async function jsonRpcResult(step: string, response: Response, id: number): Promise<unknown> {
  const text = await response.text();
  const messages = (response.headers.get('content-type') ?? '').startsWith('text/event-stream')
    ? text
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => JSON.parse(line.slice('data:'.length)) as unknown)
    : [JSON.parse(text) as unknown];
  const answer = messages.find(
    (message): message is { id: unknown; result?: unknown; error?: unknown } =>
      typeof message === 'object' && message !== null && (message as { id?: unknown }).id === id,
  );
  if (answer === undefined) throw new FlowStepError(`${step}: no answer with id ${id}`);
  if (answer.error !== undefined)
    throw new FlowStepError(`${step}: JSON-RPC error ${JSON.stringify(answer.error)}`);
  return answer.result;
}

function mcpHeaders(accessToken: string, sessionId?: string): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${accessToken}`,
    'content-type': 'application/json',
    accept: MCP_ACCEPT,
  };
  if (sessionId !== undefined) headers['mcp-session-id'] = sessionId;
  return headers;
}

function mcpPost(
  fetchHandler: FetchHandler,
  mcpUrl: string,
  accessToken: string,
  body: unknown,
  sessionId?: string,
): Promise<Response> {
  return fetchHandler(
    new Request(mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(accessToken, sessionId),
      body: JSON.stringify(body),
    }),
  );
}

/** Opens an MCP session with `accessToken` (initialize, then the initialized notification); returns its id. */
export async function openSession(
  fetchHandler: FetchHandler,
  mcpUrl: string,
  accessToken: string,
): Promise<string> {
  const initialize = await expectStatus(
    'mcp initialize',
    await mcpPost(fetchHandler, mcpUrl, accessToken, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'flow', version: '1.0.0' },
      },
    }),
    200,
  );
  const sessionId = initialize.headers.get('mcp-session-id');
  await jsonRpcResult('mcp initialize', initialize, 1);
  if (sessionId === null) throw new FlowStepError('mcp initialize: no Mcp-Session-Id');
  const initialized = await mcpPost(
    fetchHandler,
    mcpUrl,
    accessToken,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    sessionId,
  );
  await (await expectStatus('mcp initialized', initialized, 202)).body?.cancel();
  return sessionId;
}

/** Calls `whoami` in a new MCP session opened with `accessToken`, then closes the session. */
export async function whoamiWith(
  fetchHandler: FetchHandler,
  mcpUrl: string,
  accessToken: string,
): Promise<WhoAmI> {
  const sessionId = await openSession(fetchHandler, mcpUrl, accessToken);
  const call = await expectStatus(
    'mcp whoami',
    await mcpPost(
      fetchHandler,
      mcpUrl,
      accessToken,
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
      sessionId,
    ),
    200,
  );
  const result = (await jsonRpcResult('mcp whoami', call, 2)) as {
    structuredContent?: WhoAmI;
    isError?: boolean;
  };
  if (result.isError === true || result.structuredContent === undefined) {
    throw new FlowStepError(`mcp whoami: tool failed: ${JSON.stringify(result)}`);
  }
  const closed = await fetchHandler(
    new Request(mcpUrl, { method: 'DELETE', headers: mcpHeaders(accessToken, sessionId) }),
  );
  await (await expectStatus('mcp close', closed, 200)).body?.cancel();
  return result.structuredContent;
}

/**
 * Runs the whole flow for a new client against the MCP server at `mcpUrl` and returns what it got, `whoami`
 * included. Discovery is real: the endpoints come from the two metadata documents.
 */
export async function runFullFlow(
  fetchHandler: FetchHandler,
  mcpUrl: string,
  options: FlowOptions = {},
): Promise<FlowResult> {
  const redirectUri = options.redirectUri ?? DEFAULT_REDIRECT_URI;
  const authMethod = options.authMethod ?? 'none';
  const scope =
    options.scopes === undefined || options.scopes.length === 0 ? undefined : options.scopes.join(' ');

  const resourceMetadataUrl = new URL(
    `/.well-known/oauth-protected-resource${new URL(mcpUrl).pathname}`,
    mcpUrl,
  );
  const resource = await jsonObject(
    'resource metadata',
    await expectStatus('resource metadata', await fetchHandler(new Request(resourceMetadataUrl)), 200),
  );
  const servers = resource['authorization_servers'];
  const issuer = Array.isArray(servers) && typeof servers[0] === 'string' ? servers[0] : undefined;
  if (issuer === undefined) throw new FlowStepError('resource metadata: no authorization server');
  const metadataUrl = new URL('/.well-known/oauth-authorization-server', issuer);
  const metadata = await jsonObject(
    'metadata',
    await expectStatus('metadata', await fetchHandler(new Request(metadataUrl)), 200),
  );

  const registration = await jsonObject(
    'register',
    await expectStatus(
      'register',
      await fetchHandler(
        new Request(stringField('metadata', metadata, 'registration_endpoint'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            redirect_uris: [redirectUri],
            token_endpoint_auth_method: authMethod,
            client_name: options.clientName ?? 'full flow',
            ...(scope === undefined ? {} : { scope }),
          }),
        }),
      ),
      201,
    ),
  );
  const clientId = stringField('register', registration, 'client_id');
  const clientSecret =
    typeof registration['client_secret'] === 'string' ? registration['client_secret'] : undefined;

  const { verifier, challenge } = await pkcePair();
  const state = base64url(crypto.getRandomValues(new Uint8Array(12)));
  const authorizationUrl = new URL(stringField('metadata', metadata, 'authorization_endpoint'));
  const query: Record<string, string> = {
    client_id: clientId,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    redirect_uri: redirectUri,
    state,
    resource: mcpUrl,
  };
  if (scope !== undefined) query['scope'] = scope;
  authorizationUrl.search = new URLSearchParams(query).toString();
  const callback = await followToCallback(
    fetchHandler,
    await fetchHandler(new Request(authorizationUrl, { redirect: 'manual' })),
    redirectUri,
  );
  if (callback.searchParams.get('state') !== state) throw new FlowStepError('callback: state does not match');
  const code = callback.searchParams.get('code');
  if (code === null) throw new FlowStepError(`callback: no code (${callback.searchParams.get('error')})`);

  const auth = clientAuthentication(clientId, clientSecret, authMethod);
  const tokens = await jsonObject(
    'token',
    await expectStatus(
      'token',
      await fetchHandler(
        new Request(stringField('metadata', metadata, 'token_endpoint'), {
          method: 'POST',
          headers: auth.headers,
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            code_verifier: verifier,
            redirect_uri: redirectUri,
            resource: mcpUrl,
            ...auth.fields,
          }),
        }),
      ),
      200,
    ),
  );
  const accessToken = stringField('token', tokens, 'access_token');
  const grantedScope = typeof tokens['scope'] === 'string' ? tokens['scope'] : '';
  return {
    clientId,
    clientSecret,
    accessToken,
    refreshToken: typeof tokens['refresh_token'] === 'string' ? tokens['refresh_token'] : undefined,
    grantedScopes: grantedScope === '' ? [] : grantedScope.split(' '),
    whoami: await whoamiWith(fetchHandler, mcpUrl, accessToken),
  };
}
