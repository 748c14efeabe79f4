/**
 * A hostile server for the client: the project's mock, behind a fetch that watches every secret the client sends or
 * receives (codes, verifiers, client secrets, Basic credentials, tokens) and lets a test replace chosen answers with
 * ones that reflect those secrets, megabytes of text and control characters. Rewriting answers in the fetch is how a
 * hostile or broken server looks to the client; the mock itself stays honest.
 */
import { expect } from 'vitest';
import { McpAuthError } from '../../../../src/index.js';
import type { AuthedMcpClient, AuthedMcpClientOptions, FlowEvent } from '../../../../src/index.js';
import { MESSAGE_LIMIT, SERVER_CODE_LIMIT, SERVER_TEXT_LIMIT } from '../../../../src/server-text.js';
import { headlessAuthorize } from '../../../../src/index.js';
import { createMockWorld } from './mock-world.js';
import type { MockWorld } from './mock-world.js';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What a rule looks at: the request, its path and its form (empty when it has none). */
export interface RequestFacts {
  request: Request;
  path: string;
  form: URLSearchParams;
}

/** One replaced answer: when `matches` the request, `respond` answers (it may ask the mock first with `real`). */
interface Rule {
  matches: (facts: RequestFacts) => boolean;
  respond: (facts: RequestFacts, real: () => Promise<Response>) => Promise<Response>;
  remaining: number;
}

export interface HostileServer {
  world: MockWorld;
  /** The fetch the client is given. */
  fetch: Fetch;
  /** Every secret seen on the wire so far. */
  seen: Set<string>;
  /** Every event the clients connected through `connect` emitted. */
  events: FlowEvent[];
  /** Replaces the next `times` (default: every) answers to matching requests. */
  answer(matches: Rule['matches'], respond: Rule['respond'], times?: number): void;
  /** Connects a client through the hostile fetch, recording its events. */
  connect(options?: AuthedMcpClientOptions): Promise<AuthedMcpClient>;
  /**
   * Text reflecting `secrets` (default: every secret seen so far) as they are and percent-encoded, CRLF, escapes,
   * and about 1 MB.
   */
  reflection(secrets?: Iterable<string>): string;
}

/** A megabyte of text, a little under the client's 1 MiB cap on OAuth bodies so that the text itself is read. */
export const MEGABYTE_OF_TEXT = 'A'.repeat(1_000_000);

export function createHostileServer(world: MockWorld = createMockWorld()): HostileServer {
  const seen = new Set<string>();
  const events: FlowEvent[] = [];
  const rules: Rule[] = [];
  const remember = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= 8) seen.add(value);
  };

  const watchRequest = async (request: Request): Promise<RequestFacts> => {
    const authorization = request.headers.get('authorization') ?? '';
    const [scheme, credentials] = authorization.split(' ');
    if (scheme?.toLowerCase() === 'bearer') remember(credentials);
    if (scheme?.toLowerCase() === 'basic' && credentials) {
      remember(credentials);
      remember(decodeURIComponent(atob(credentials).split(':')[1] ?? ''));
    }
    const isForm = (request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded');
    const form = new URLSearchParams(isForm ? await request.clone().text() : '');
    for (const name of ['code', 'code_verifier', 'refresh_token', 'token', 'client_secret'])
      remember(form.get(name));
    return { request, path: new URL(request.url).pathname, form };
  };

  const watchResponse = async (response: Response): Promise<void> => {
    const location = response.headers.get('location');
    if (location && URL.canParse(location)) remember(new URL(location).searchParams.get('code'));
    if (!(response.headers.get('content-type') ?? '').includes('application/json')) return;
    const body = (await response
      .clone()
      .json()
      .catch(() => undefined)) as Record<string, unknown> | undefined;
    for (const name of ['access_token', 'refresh_token', 'client_secret', 'registration_access_token'])
      remember(body?.[name]);
  };

  const fetch: Fetch = async (input, init) => {
    const request = new Request(input, init);
    const facts = await watchRequest(request);
    const real = async (): Promise<Response> => {
      const response = await world.fetch(request.clone());
      await watchResponse(response);
      return response;
    };
    const rule = rules.find((candidate) => candidate.remaining > 0 && candidate.matches(facts));
    if (!rule) return real();
    rule.remaining -= 1;
    return rule.respond(facts, real);
  };

  return {
    world,
    fetch,
    seen,
    events,
    answer: (matches, respond, times = Infinity) => rules.push({ matches, respond, remaining: times }),
    connect: (options = {}) =>
      world.connect({
        fetch,
        authorize: headlessAuthorize({ fetch }),
        onEvent: (event) => events.push(event),
        ...options,
      }),
    reflection: (secrets = seen) =>
      [...secrets]
        .flatMap((secret) => [secret, encodeURIComponent(secret)])
        .concat(['\r\nX-Injected: yes\u001b[31m\u0000\u202e\u200b', MEGABYTE_OF_TEXT])
        .join(' '),
  };
}

/** A rule's test for token requests of one grant type. */
export function tokenGrant(
  grantType: 'authorization_code' | 'refresh_token',
): (facts: RequestFacts) => boolean {
  return ({ path, form }) => path === '/token' && form.get('grant_type') === grantType;
}

/** A rule's test for one path. */
export function path(wanted: string): (facts: RequestFacts) => boolean {
  return (facts) => facts.path === wanted;
}

/** A JSON answer as the hostile server sends it. */
export function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

const CONTROL = /[\p{Cc}\p{Cf}]/u;

/** Every string in a value, keys included. */
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => [key, ...allStrings(item)]);
  return [];
}

function expectTextSafe(text: string, secrets: ReadonlySet<string>, where: string): void {
  expect(CONTROL.test(text), `${where} has control characters: ${JSON.stringify(text.slice(0, 120))}`).toBe(
    false,
  );
  for (const secret of secrets) {
    const at = text.indexOf(secret);
    const context =
      at === -1 ? '' : JSON.stringify(text.slice(Math.max(0, at - 60), at + secret.length + 20));
    expect(at, `${where} quotes the secret ${JSON.stringify(secret.slice(0, 12))}… in ${context}`).toBe(-1);
  }
}

/**
 * The error is a typed one whose every text — message, server error and description, `String()`, JSON, and the same
 * for every cause down the chain — quotes no secret, holds no control character and is bounded.
 */
export function expectSafeError(error: unknown, secrets: ReadonlySet<string>): asserts error is McpAuthError {
  expect(error).toBeInstanceOf(McpAuthError);
  const typed = error as McpAuthError;
  expect(typed.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  expect(typed.serverError?.length ?? 0).toBeLessThanOrEqual(SERVER_CODE_LIMIT);
  expect(typed.serverErrorDescription?.length ?? 0).toBeLessThanOrEqual(SERVER_TEXT_LIMIT);
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null; depth++) {
    expect(depth, 'cause chain too deep').toBeLessThan(10);
    const texts =
      current instanceof Error
        ? [current.message, String(current), JSON.stringify(current), ...allStrings({ ...current })]
        : allStrings(current);
    for (const text of texts) {
      expectTextSafe(text, secrets, `cause #${depth}`);
      expect(text.length, `cause #${depth} is unbounded`).toBeLessThanOrEqual(MESSAGE_LIMIT + 1_000);
    }
    current = current instanceof Error ? current.cause : undefined;
  }
}

/** No event quotes a secret or holds a control character, and none is large. */
export function expectSafeEvents(events: readonly FlowEvent[], secrets: ReadonlySet<string>): void {
  expect(events.length).toBeGreaterThan(0);
  for (const [index, event] of events.entries()) {
    expect(JSON.stringify(event).length, `event #${index} is unbounded`).toBeLessThan(20_000);
    for (const text of allStrings(event)) expectTextSafe(text, secrets, `event #${index} (${event.step})`);
  }
}

/** The rejection of `promise` (failing the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
