/**
 * What the mock may answer, endpoint by endpoint (../shared/spec/fastmcp-auth-server.md): the documented statuses
 * and the shape of each answer — OAuth errors as `{error, error_description?}` (plus `state` at /authorize), the MCP
 * endpoint's challenges with `WWW-Authenticate` and its JSON-RPC errors, text answers from the router. Returns the
 * problems found, so a fuzz run can report every one of them for the request that caused them.
 */
import type { EndpointName } from '../../../mock-server/index.js';

/** Which endpoint a path reaches, `undefined` for a path the mock does not serve. */
export type EndpointOf = (path: string) => EndpointName | undefined;

/**
 * Statuses each endpoint may answer (any input): success, redirects, the documented client errors, and the CORS
 * preflight's 200 and 400 where FastMCP puts CORS.
 */
const DOCUMENTED_STATUSES: Readonly<Record<EndpointName | 'unknown', readonly number[]>> = {
  metadata: [200, 400, 405],
  'resource-metadata': [200, 400, 405],
  authorize: [302, 400, 405, 413],
  consent: [200, 302, 400, 403, 405, 413],
  token: [200, 400, 401, 405, 413],
  register: [200, 201, 400, 405, 413],
  revoke: [200, 400, 401, 405, 413],
  mcp: [200, 202, 204, 400, 401, 403, 404, 405, 406, 409, 413, 415, 421],
  // The identity provider of enterprise-managed authorization (`beyondFastMcp.jwtBearerGrant`).
  'idp-metadata': [200, 400, 405],
  'idp-jwks': [200, 400, 405],
  'idp-authorize': [400, 405],
  'idp-token': [200, 400, 401, 405, 413],
  unknown: [307, 404],
};

/** What the MCP endpoint answers as FastMCP's transport does before JSON-RPC: bare text, no content type. */
const TRANSPORT_REFUSALS: ReadonlyMap<number, readonly string[]> = new Map([
  [400, ['Invalid Content-Type header']],
  [403, ['Invalid Origin header']],
  [413, ['Request body too large']],
  [421, ['Invalid Host header']],
]);

/** Every OAuth `error` the mock's authorization server may send (RFC 6749, 7591, 8707, 7009); never `server_error`. */
const OAUTH_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'invalid_scope',
  'invalid_client_metadata',
  'invalid_redirect_uri',
  'invalid_target',
  'access_denied',
  'unsupported_token_type',
]);

/** Tags the consent page is made of: anything else in it would be markup the input smuggled in. */
const CONSENT_PAGE_TAGS = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'h1',
  'span',
  'p',
  'code',
  'ul',
  'li',
  'form',
  'input',
  'button',
]);

export interface JudgedResponse {
  readonly problems: string[];
  readonly status: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `{error, error_description?}` (and `state` where allowed), nothing else, all strings, a known error code. */
function oauthErrorProblems(body: unknown, allowState: boolean): string[] {
  if (!isObject(body)) return ['error body is not a JSON object'];
  const problems: string[] = [];
  const allowed = allowState ? ['error', 'error_description', 'state'] : ['error', 'error_description'];
  for (const key of Object.keys(body))
    if (!allowed.includes(key)) problems.push(`unexpected field "${key}" in error body`);
  if (typeof body['error'] !== 'string' || !OAUTH_ERRORS.has(body['error']))
    problems.push(`unknown error ${JSON.stringify(body['error'])}`);
  for (const key of ['error_description', 'state'])
    if (key in body && typeof body[key] !== 'string') problems.push(`${key} is not a string`);
  return problems;
}

function jsonRpcErrorProblems(body: unknown): string[] {
  if (!isObject(body) || body['jsonrpc'] !== '2.0' || !isObject(body['error']))
    return ['not a JSON-RPC error'];
  const error = body['error'];
  return typeof error['code'] === 'number' && typeof error['message'] === 'string'
    ? []
    : ['malformed JSON-RPC error'];
}

function tokenSuccessProblems(body: unknown): string[] {
  if (!isObject(body)) return ['token answer is not a JSON object'];
  const problems: string[] = [];
  if (typeof body['access_token'] !== 'string' || body['access_token'] === '')
    problems.push('no access_token');
  if (body['token_type'] !== 'Bearer') problems.push('token_type is not Bearer');
  if ('expires_in' in body && !Number.isSafeInteger(body['expires_in']))
    problems.push('expires_in is not an integer');
  for (const key of ['scope', 'refresh_token'])
    if (key in body && typeof body[key] !== 'string') problems.push(`${key} is not a string`);
  return problems;
}

/**
 * A redirect's Location: a URL; from /authorize and /consent only to a registered redirect URI or the consent page
 * (never an open redirect), with a known `error` when it carries one.
 */
function redirectProblems(
  location: string | null,
  origin: string,
  allowedTargets: ReadonlySet<string> | undefined,
): string[] {
  if (location === null) return ['redirect without Location'];
  if (!URL.canParse(location, origin)) return [`Location is not a URL: ${location}`];
  const target = new URL(location, origin);
  const problems: string[] = [];
  if (allowedTargets !== undefined && !allowedTargets.has(`${target.origin}${target.pathname}`)) {
    problems.push(`redirect to an unregistered target: ${location.slice(0, 200)}`);
  }
  const error = target.searchParams.get('error');
  if (error !== null && !OAUTH_ERRORS.has(error)) problems.push(`redirect with unknown error ${error}`);
  return problems;
}

/** The tags of a consent page that the page is not built from: markup its input smuggled in. */
export function foreignConsentPageTags(html: string): string[] {
  const tags = [...html.matchAll(/<\s*\/?\s*([a-zA-Z][^\s/>]*)/g)].map((match) =>
    (match[1] ?? '').toLowerCase(),
  );
  return tags.filter((tag) => !CONSENT_PAGE_TAGS.has(tag));
}

function consentPageProblems(html: string): string[] {
  const foreign = foreignConsentPageTags(html);
  return foreign.length === 0 ? [] : [`consent page has foreign markup: ${[...new Set(foreign)].join(', ')}`];
}

/**
 * Judges one answer. `redirectTargets` are where /authorize and /consent may send the browser (origin and path of
 * every registered redirect URI, and the consent page). Reads the body (except event streams, which may stay open:
 * their body is cancelled).
 */
export async function judgeResponse(
  request: Request,
  response: Response,
  endpointOf: EndpointOf,
  redirectTargets: ReadonlySet<string>,
): Promise<JudgedResponse> {
  const url = new URL(request.url);
  const endpoint = endpointOf(url.pathname) ?? 'unknown';
  const { status } = response;
  const problems: string[] = [];
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'text/event-stream') {
    await response.body?.cancel();
    if (endpoint !== 'mcp' || status !== 200) problems.push(`event stream from ${endpoint} with ${status}`);
    return { problems, status };
  }
  const text = await response.text();

  if (status >= 500) problems.push(`server error ${status}: ${text.slice(0, 200)}`);
  if (!DOCUMENTED_STATUSES[endpoint].includes(status))
    problems.push(`undocumented status ${status} at ${endpoint}`);
  if (request.method === 'HEAD' && text !== '') problems.push('HEAD answered with a body');
  if (status === 405 && !(response.headers.get('allow') ?? '').split(', ').filter(Boolean).length)
    problems.push('405 without Allow');
  if (status === 405 && (response.headers.get('allow') ?? '').split(', ').includes(request.method))
    problems.push('405 for an allowed method');
  if (status === 302 || status === 307) {
    const allowed = endpoint === 'authorize' || endpoint === 'consent' ? redirectTargets : undefined;
    problems.push(...redirectProblems(response.headers.get('location'), url.origin, allowed));
  }
  if (request.method === 'HEAD') return { problems, status };
  if (status === 413 && endpoint !== 'mcp' && text !== 'Request body too large')
    problems.push(`413 body ${JSON.stringify(text)}`);

  const json = type === 'application/json' ? parseJson(text) : undefined;
  // FastMCP's 202 (notification accepted) and DELETE 200 carry the JSON content type and no body.
  const emptyMcpAnswer = endpoint === 'mcp' && text === '' && (status === 202 || status === 200);
  if (type === 'application/json' && json === undefined && !emptyMcpAnswer)
    problems.push('application/json body is not JSON');
  if (type === 'text/html' && endpoint === 'consent') problems.push(...consentPageProblems(text));
  if (type === 'text/plain' && text === '') problems.push('empty text answer');

  switch (endpoint) {
    case 'authorize':
    case 'token':
    case 'register':
    case 'revoke':
      if (status >= 400 && type === 'application/json')
        problems.push(...oauthErrorProblems(json, endpoint === 'authorize'));
      if (endpoint === 'token' && status === 200) problems.push(...tokenSuccessProblems(json));
      if (
        endpoint === 'token' &&
        status === 401 &&
        (json as { error?: unknown } | undefined)?.error !== 'unauthorized_client'
      )
        problems.push('401 at /token is not unauthorized_client');
      if (
        endpoint === 'register' &&
        status === 201 &&
        typeof (json as { client_id?: unknown } | undefined)?.client_id !== 'string'
      )
        problems.push('registration without client_id');
      if (endpoint === 'register' && status === 200 && request.method !== 'OPTIONS') {
        problems.push('200 at /register outside a preflight');
      }
      if (endpoint === 'revoke' && status === 200 && text !== '')
        problems.push('revocation answered with a body');
      break;
    case 'metadata':
    case 'resource-metadata':
    case 'idp-metadata':
    case 'idp-jwks':
      if (status === 200 && request.method === 'GET' && !isObject(json))
        problems.push('metadata is not a JSON object');
      break;
    case 'idp-authorize':
    case 'idp-token':
      if (status >= 400 && type === 'application/json') problems.push(...oauthErrorProblems(json, false));
      break;
    case 'mcp':
      // FastMCP's transport-security refusals: Starlette's bare Response, plain text without a content type.
      if (type === '' && TRANSPORT_REFUSALS.get(status)?.includes(text)) break;
      if (status === 401 || status === 403) {
        const challenge = response.headers.get('www-authenticate') ?? '';
        const error = status === 401 ? 'invalid_token' : 'insufficient_scope';
        if (!challenge.startsWith(`Bearer error="${error}"`))
          problems.push(`${status} challenge ${JSON.stringify(challenge)}`);
        if (!isObject(json) || json['error'] !== error || typeof json['error_description'] !== 'string')
          problems.push(`${status} body ${text.slice(0, 100)}`);
      } else if (status >= 400 && type === 'application/json') {
        problems.push(...jsonRpcErrorProblems(json));
      } else if (status >= 400 && type !== 'text/plain') {
        problems.push(`${status} from the MCP endpoint as ${JSON.stringify(type)}`);
      }
      break;
    default:
      break;
  }
  return { problems, status };
}
