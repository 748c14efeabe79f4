/**
 * The test controls over HTTP, opt-in: a fetch handler for the paths under a base path such as `/__mock`, so a page
 * served on the mock's origin (the demo page, through the Vite plugin's `controlPath`) or any HTTP client (the CLI's
 * `--control-path`) can drive `mock.control`. Runtimes mount it in front of `mock.fetch`: its requests are not the
 * mocked server's traffic, so they never reach the request log, faults or delays.
 *
 * | request                  | body (JSON)                                                                             | does                                         |
 * |--------------------------|-----------------------------------------------------------------------------------------|----------------------------------------------|
 * | `GET {base}/state`       |                                                                                         | reads the state                              |
 * | `GET {base}/requests`    | query `since=N`: only requests numbered `N` and up                                      | reads the request log                        |
 * | `DELETE {base}/requests` |                                                                                         | `clearRequests()`                            |
 * | `POST {base}/preset`     | `{ name }`                                                                              | `usePreset(name)`                            |
 * | `POST {base}/reset`      | `{ keepProviderState? }` or none                                                        | `reset()`                                    |
 * | `POST {base}/clock`      | `{ advanceSeconds }`                                                                    | `clock.advance(s)`                           |
 * | `POST {base}/fault`      | `{ target, status?, error?, errorDescription?, redirect?, times?, methods?, delayMs? }` | `failNext` (`delayNext` with only `delayMs`) |
 * | `DELETE {base}/fault`    |                                                                                         | `clearFaults()`                              |
 * | `POST {base}/tokens`     | `{ action: 'expire' \| 'revoke', kind?: 'access' \| 'refresh' \| 'all' }`               | expire / revoke them all                     |
 * | `POST {base}/approval`   | `{ mode: 'auto' \| 'consent' }`                                                         | `reconfigure({ approval })`                  |
 *
 * Every answer is JSON with `Cache-Control: no-store`. A change answers the state after it (as `GET {base}/state`;
 * `/tokens` adds `count`). A caller's mistake is a 4xx `{ error, error_description }`: 400 for a bad body or query, an
 * unknown field or preset, or a value the control refuses (with the control's own message); 404 for an unknown path
 * under the base, 405 (with `Allow`) for a wrong method, 413 past {@link CONTROL_API_BODY_LIMIT} bytes, 415 for a
 * `POST` without `Content-Type: application/json`. Only a control the mock's provider cannot carry out is a 5xx (501).
 *
 * `POST`s must say `Content-Type: application/json`, even without a body: a page of another origin cannot send that
 * header without a CORS preflight, which this API never grants, so another site open in the same browser cannot
 * drive the mock. Pure: no Node, no Vite.
 */
import { BodyTooLargeError, readBody } from '../http/body.js';
import { parseJsonBytes } from '../http/json-body.js';
import { mediaType } from '../http/media-type.js';
import { jsonResponse, oauthError, withoutBody } from '../http/responses.js';
import { isRecord } from '../objects.js';
import type { TokenKind } from '../provider/administration.js';
import type { ApprovalMode, ResolvedMockAuthServerSettings } from '../settings.js';
import { SettingsError } from '../settings-checks.js';
import type { MockControl } from './control-layer.js';
import { checkTarget, type EndpointTarget } from './endpoints.js';
import { ControlUnsupportedError } from './errors.js';
import type { FailOptions, FaultScope, PendingFault } from './faults.js';
import type { RequestLogEntry } from './request-log.js';

/** Largest control request body read, in bytes; a larger one is answered 413. */
export const CONTROL_API_BODY_LIMIT = 16 * 1024;

/**
 * What the control API drives. Pass the `MockAuthServer` itself: its `settings` are read on every request, so a
 * reconfigured mock (a preset, another approval mode) is followed.
 */
export interface ControlApiTarget {
  /** The mock's test controls. */
  readonly control: MockControl;
  /** The settings in force; the issuer and resource URLs and the approval mode are read. */
  readonly settings: Pick<ResolvedMockAuthServerSettings, 'issuerUrl' | 'resourceServerUrl' | 'approval'>;
}

/**
 * Answers a control request, or resolves to `undefined` when the request's path is not under the base path (pass it
 * on, e.g. to `mock.fetch`). Rejects only on a bug, or as reading the body does when the request is aborted.
 */
export type ControlApiHandler = (request: Request) => Promise<Response | undefined>;

/** The mock's clock in {@link ControlApiState}. */
export interface ControlApiClock {
  /** The mock's current time, whole seconds since the epoch (the unit of tokens' `expires_at`). */
  readonly now: number;
  /** How far the clock has been advanced (by `POST {base}/clock` or `control.clock.advance`), in seconds. */
  readonly offsetSeconds: number;
}

/** The body of `GET {base}/state`, and of every successful change. */
export interface ControlApiState {
  /** The issuer URL in force. */
  readonly issuer: string;
  /** The protected MCP endpoint's URL in force. */
  readonly resource: string;
  /** Names `POST {base}/preset` accepts: the built-in presets, then the mock's own. */
  readonly presets: readonly string[];
  /**
   * The preset in force: the last one applied (over HTTP or with `control.usePreset`); `null` when none was, or when
   * a later change (`reset`, `reconfigure`, `POST {base}/approval`) made the settings something else.
   */
  readonly preset: string | null;
  /** The mock's clock. */
  readonly clock: ControlApiClock;
  /** Whether `/authorize` approves at once (`auto`) or shows the consent page (`consent`). */
  readonly approval: ApprovalMode;
  /** How many entries the request log holds now. */
  readonly requestCount: number;
  /** Faults not used up yet, in the order they apply (fields that are `undefined` are left out). */
  readonly faults: readonly PendingFault[];
}

/** The body of a successful `POST {base}/tokens`: the state, and how many tokens were expired or revoked. */
export interface ControlApiTokensResult extends ControlApiState {
  /** How many tokens the action touched. */
  readonly count: number;
}

/** One request of the log as `GET {base}/requests` lists it: its number, then the log entry's own fields. */
export interface ControlApiLoggedRequest extends RequestLogEntry {
  /** The request's number since the mock was created (from 0); it never changes, even as older ones are dropped. */
  readonly index: number;
}

/** The body of `GET {base}/requests`. */
export interface ControlApiRequests {
  /**
   * The number of the oldest request the log still holds: `since` below it means some were dropped (by
   * `clearRequests`, `reset` or the log's limit) before they could be read.
   */
  readonly first: number;
  /** The number the next request will get: pass it as `since` to read only newer ones. */
  readonly next: number;
  /**
   * Requests numbered `since` and up, oldest first, secrets redacted; every one the log holds when `since` is past
   * `next` (the mock was restarted). Fields that are `undefined` are left out.
   */
  readonly entries: readonly ControlApiLoggedRequest[];
}

/**
 * The control API for `mock` under `basePath` (e.g. `'/__mock'`; a trailing slash is ignored). Put it in front of
 * `mock.fetch`, so its requests stay out of the request log:
 *
 * @example
 * const controls = createControlApiHandler(mock, '/__mock');
 * const handler = async (request: Request) => (await controls(request)) ?? mock.fetch(request);
 *
 * @throws TypeError when `basePath` is not a path of plain segments (letters, digits, `-`, `_`, `.`, `~`) or is `/`.
 */
export function createControlApiHandler(mock: ControlApiTarget, basePath: string): ControlApiHandler {
  const base = normalizeControlPath(basePath);
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (!isUnderControlPath(base, path)) return undefined;
    const endpoint = ENDPOINTS.get(path.slice(base.length));
    if (endpoint === undefined) {
      return problem(
        404,
        'not_found',
        `no control endpoint at ${path}; the endpoints are ${[...ENDPOINTS.keys()].map((name) => `${base}${name}`).join(', ')}`,
      );
    }
    const head = request.method === 'HEAD';
    const action = endpoint.get(head ? 'GET' : request.method);
    if (action === undefined) {
      const allowed = [...endpoint.keys()];
      return problem(
        405,
        'method_not_allowed',
        `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}`,
        { Allow: allowed.join(', ') },
      );
    }
    let response: Response;
    try {
      response = await action(request, mock);
    } catch (error) {
      response = answerForFailure(error);
    }
    return head ? withoutBody(response) : response;
  };
}

/**
 * `path` as a control base path: a leading `/`, plain segments, no trailing slash.
 *
 * @throws TypeError naming what is wrong.
 */
export function normalizeControlPath(path: string): string {
  const problem = controlPathProblem(path);
  if (problem !== undefined) throw new TypeError(`control path ${problem}`);
  return path.replace(/\/+$/, '');
}

/** What is wrong with `path` as a control base path (`must be …`), or `undefined` when it can be one. */
export function controlPathProblem(path: unknown): string | undefined {
  const segments = typeof path === 'string' ? path.replace(/\/+$/, '').split('/').slice(1) : [];
  const valid =
    typeof path === 'string' &&
    path.startsWith('/') &&
    segments.length > 0 &&
    segments.every((segment) => /^[\w.~-]+$/.test(segment) && segment !== '.' && segment !== '..');
  return valid
    ? undefined
    : `must be a path such as "/__mock": not "/", segments of letters, digits, "-", "_", ".", "~"; got ${JSON.stringify(path)}`;
}

/** True when `pathname` is `base` or under it (`base` as {@link normalizeControlPath} returns it). */
export function isUnderControlPath(base: string, pathname: string): boolean {
  return pathname === base || pathname.startsWith(`${base}/`);
}

type Action = (request: Request, mock: ControlApiTarget) => Promise<Response>;

/** Sub-path → method → action. A `Map`, so no inherited key (`/constructor`) is ever an endpoint. */
const ENDPOINTS: ReadonlyMap<string, ReadonlyMap<string, Action>> = new Map([
  ['/state', new Map([['GET', readState]])],
  [
    '/requests',
    new Map([
      ['GET', readRequests],
      ['DELETE', clearRequests],
    ]),
  ],
  ['/preset', new Map([['POST', applyPreset]])],
  ['/reset', new Map([['POST', resetMock]])],
  ['/clock', new Map([['POST', advanceClock]])],
  [
    '/fault',
    new Map([
      ['POST', addFault],
      ['DELETE', clearFaults],
    ]),
  ],
  ['/tokens', new Map([['POST', changeTokens]])],
  ['/approval', new Map([['POST', setApproval]])],
]);

async function readState(_request: Request, mock: ControlApiTarget): Promise<Response> {
  return ok(stateOf(mock));
}

async function readRequests(request: Request, mock: ControlApiTarget): Promise<Response> {
  const sinceParameter = new URL(request.url).searchParams.get('since');
  let since = 0;
  if (sinceParameter !== null) {
    since = /^\d+$/.test(sinceParameter) ? Number(sinceParameter) : Number.NaN;
    if (!Number.isSafeInteger(since)) {
      throw new ControlRequestError(
        'invalid_request',
        `since must be a whole number ≥ 0 (a request's index), got ${JSON.stringify(sinceParameter)}`,
      );
    }
  }
  // Both read in the same turn, so the numbering matches the entries.
  const logged = mock.control.requests();
  const next = mock.control.totalRequests();
  const first = next - logged.length;
  const from = since > next ? first : Math.max(since, first);
  const entries = logged.slice(from - first).map((entry, offset) => ({ index: from + offset, ...entry }));
  const body: ControlApiRequests = { first, next, entries };
  return ok(body);
}

async function clearRequests(_request: Request, mock: ControlApiTarget): Promise<Response> {
  mock.control.clearRequests();
  return ok(stateOf(mock));
}

async function applyPreset(request: Request, mock: ControlApiTarget): Promise<Response> {
  const body = await readObject(request, ['name']);
  const name = requiredString(body, 'name', 'preset');
  try {
    mock.control.usePreset(name);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    if (error.field === 'preset') throw new ControlRequestError('unknown_preset', error.message);
    throw new ControlRequestError(
      'invalid_request',
      `preset ${JSON.stringify(name)} cannot apply: ${error.message}`,
    );
  }
  return ok(stateOf(mock));
}

async function resetMock(request: Request, mock: ControlApiTarget): Promise<Response> {
  const body = await readObject(request, ['keepProviderState']);
  const keepProviderState = optionalBoolean(body, 'keepProviderState', 'reset');
  mock.control.reset(keepProviderState === undefined ? {} : { keepProviderState });
  return ok(stateOf(mock));
}

async function advanceClock(request: Request, mock: ControlApiTarget): Promise<Response> {
  const body = await readObject(request, ['advanceSeconds']);
  const seconds = optionalNumber(body, 'advanceSeconds', 'clock');
  if (seconds === undefined)
    throw new ControlRequestError('invalid_request', 'clock: advanceSeconds is required');
  refusedAsBadRequest(() => mock.control.clock.advance(seconds));
  return ok(stateOf(mock));
}

const FAULT_FIELDS = [
  'target',
  'status',
  'error',
  'errorDescription',
  'redirect',
  'times',
  'methods',
  'delayMs',
] as const;

/** Fields that make a fault an error answer; without any of them, a fault with `delayMs` only delays. */
const ERROR_FIELDS = ['status', 'error', 'errorDescription', 'redirect'] as const;

async function addFault(request: Request, mock: ControlApiTarget): Promise<Response> {
  const body = await readObject(request, FAULT_FIELDS);
  const target = faultTarget(body['target']);
  const scope: FaultScope = {};
  const times = optionalNumber(body, 'times', 'fault');
  if (times !== undefined) scope.times = times;
  const methods = optionalStringList(body, 'methods', 'fault');
  if (methods !== undefined) scope.methods = methods;
  const delayMs = optionalNumber(body, 'delayMs', 'fault');
  if (
    delayMs !== undefined &&
    ERROR_FIELDS.every((field) => body[field] === undefined || body[field] === null)
  ) {
    refusedAsBadRequest(() => mock.control.delayNext(target, delayMs, scope));
    return ok(stateOf(mock));
  }
  const options: FailOptions = { ...scope };
  if (delayMs !== undefined) options.delayMs = delayMs;
  const status = optionalNumber(body, 'status', 'fault');
  if (status !== undefined) options.status = status;
  const error = optionalString(body, 'error', 'fault');
  if (error !== undefined) options.error = error;
  const errorDescription = optionalString(body, 'errorDescription', 'fault');
  if (errorDescription !== undefined) options.errorDescription = errorDescription;
  const redirect = optionalBoolean(body, 'redirect', 'fault');
  if (redirect !== undefined) options.redirect = redirect;
  refusedAsBadRequest(() => mock.control.failNext(target, options));
  return ok(stateOf(mock));
}

/** The fault's target, checked as `failNext` and `delayNext` check it (their `TypeError` message, as a 400). */
function faultTarget(value: unknown): EndpointTarget {
  refusedAsBadRequest(() => checkTarget(value));
  return value as EndpointTarget;
}

async function clearFaults(_request: Request, mock: ControlApiTarget): Promise<Response> {
  mock.control.clearFaults();
  return ok(stateOf(mock));
}

const TOKEN_KINDS: readonly TokenKind[] = ['access', 'refresh', 'all'];

async function changeTokens(request: Request, mock: ControlApiTarget): Promise<Response> {
  const body = await readObject(request, ['action', 'kind']);
  const action = requiredString(body, 'action', 'tokens');
  if (action !== 'expire' && action !== 'revoke') {
    throw new ControlRequestError(
      'invalid_request',
      `tokens: action must be "expire" or "revoke", got ${JSON.stringify(action)}`,
    );
  }
  const kind = optionalString(body, 'kind', 'tokens') ?? 'all';
  if (!(TOKEN_KINDS as readonly string[]).includes(kind)) {
    throw new ControlRequestError(
      'invalid_request',
      `tokens: kind must be one of ${TOKEN_KINDS.map((name) => `"${name}"`).join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  const tokenKind = kind as TokenKind;
  const count =
    action === 'expire' ? mock.control.expireAllTokens(tokenKind) : mock.control.revokeAllTokens(tokenKind);
  const result: ControlApiTokensResult = { count, ...stateOf(mock) };
  return ok(result);
}

async function setApproval(request: Request, mock: ControlApiTarget): Promise<Response> {
  const body = await readObject(request, ['mode']);
  const mode = requiredString(body, 'mode', 'approval');
  if (mode !== 'auto' && mode !== 'consent') {
    throw new ControlRequestError(
      'invalid_request',
      `approval: mode must be "auto" or "consent", got ${JSON.stringify(mode)}`,
    );
  }
  try {
    mock.control.reconfigure({ approval: mode });
  } catch (error) {
    if (error instanceof SettingsError) throw new ControlRequestError('invalid_request', error.message);
    throw error;
  }
  return ok(stateOf(mock));
}

function stateOf(mock: ControlApiTarget): ControlApiState {
  const { control, settings } = mock;
  return {
    issuer: settings.issuerUrl,
    resource: settings.resourceServerUrl,
    presets: [...control.presetNames()],
    preset: control.preset ?? null,
    clock: {
      now: Math.floor(control.clock.now() / 1000),
      offsetSeconds: control.clock.offsetSeconds(),
    },
    approval: settings.approval,
    requestCount: control.requests().length,
    faults: control.pendingFaults(),
  };
}

/** A caller's mistake, answered with `status` (400 unless said) and an `{ error, error_description }` body. */
class ControlRequestError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

function answerForFailure(error: unknown): Response {
  if (error instanceof ControlRequestError) return problem(error.status, error.error, error.description);
  if (error instanceof BodyTooLargeError) {
    return problem(413, 'request_too_large', `control request bodies are limited to ${error.limit} bytes`);
  }
  // Not the caller's doing: the mock was given a provider that cannot do this.
  if (error instanceof ControlUnsupportedError) return problem(501, 'unsupported', error.message);
  throw error;
}

/** Runs a control whose argument checks throw `TypeError` or `RangeError`, answering those as 400. */
function refusedAsBadRequest(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new ControlRequestError('invalid_request', error.message);
    }
    throw error;
  }
}

/** The JSON object body, `{}` when empty; refuses other media types, non-objects and fields not in `fields`. */
async function readObject(request: Request, fields: readonly string[]): Promise<Record<string, unknown>> {
  if (mediaType(request.headers) !== 'application/json') {
    throw new ControlRequestError(
      'unsupported_media_type',
      'send Content-Type: application/json (with a JSON object, or no body): it keeps pages of other origins from driving the mock',
      415,
    );
  }
  const bytes = await readBody(request, CONTROL_API_BODY_LIMIT);
  if (bytes.byteLength === 0) return {};
  const parsed = parseJsonBytes(bytes);
  if (!parsed.ok) throw new ControlRequestError('invalid_request', parsed.description);
  if (!isRecord(parsed.value)) {
    throw new ControlRequestError('invalid_request', 'the body must be a JSON object');
  }
  const unknown = Object.keys(parsed.value).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    throw new ControlRequestError(
      'invalid_request',
      `unknown field ${unknown.map((key) => JSON.stringify(key)).join(', ')}; accepted: ${fields.length > 0 ? fields.join(', ') : 'none'}`,
    );
  }
  return parsed.value;
}

function requiredString(body: Record<string, unknown>, field: string, control: string): string {
  const value = optionalString(body, field, control);
  if (value === undefined)
    throw new ControlRequestError('invalid_request', `${control}: ${field} is required`);
  return value;
}

function optionalString(body: Record<string, unknown>, field: string, control: string): string | undefined {
  return optionalOfType(body, field, control, 'a string', (value) => typeof value === 'string') as
    string | undefined;
}

function optionalNumber(body: Record<string, unknown>, field: string, control: string): number | undefined {
  return optionalOfType(body, field, control, 'a number', (value) => typeof value === 'number') as
    number | undefined;
}

function optionalBoolean(body: Record<string, unknown>, field: string, control: string): boolean | undefined {
  return optionalOfType(body, field, control, 'true or false', (value) => typeof value === 'boolean') as
    boolean | undefined;
}

function optionalStringList(
  body: Record<string, unknown>,
  field: string,
  control: string,
): string[] | undefined {
  const list = optionalOfType(
    body,
    field,
    control,
    'a list of strings',
    (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
  );
  return list === undefined ? undefined : [...(list as string[])];
}

/** The field's value when present and `accepts` it; `undefined` when absent or `null`; a 400 otherwise. */
function optionalOfType(
  body: Record<string, unknown>,
  field: string,
  control: string,
  expected: string,
  accepts: (value: unknown) => boolean,
): unknown {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!accepts(value)) {
    throw new ControlRequestError(
      'invalid_request',
      `${control}: ${field} must be ${expected}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function ok(body: unknown): Response {
  return jsonResponse(body, 200, { 'Cache-Control': 'no-store' });
}

function problem(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(oauthError(error, description), status, { 'Cache-Control': 'no-store', ...headers });
}
