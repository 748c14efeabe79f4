/** A mock with the behaviour table's clients, reached in process through a `fetch` replacement. */
import {
  InMemoryProvider,
  createManualClock,
  createMockAuthServer,
  type OAuthAuthorizationServerProvider,
  type MockAuthServer,
  type MockAuthServerOptions,
  type MockAuthServerSettings,
} from '../../../mock-server/index.js';
import { ALL_CLIENTS, PUBLIC_CLIENT, type CaseContext } from '../mock-server/helpers.js';

export const BASE_URL = 'http://localhost:8000';
export const START = Date.UTC(2030, 0, 1);

export interface ControlledMock {
  readonly mock: MockAuthServer;
  /** What the case helpers take: in-process fetch plus the base URL. */
  readonly t: CaseContext;
}

export function inProcess(
  settings: Partial<MockAuthServerSettings> = {},
  options: MockAuthServerOptions = {},
): ControlledMock {
  const mock = createMockAuthServer(
    { issuerUrl: BASE_URL, clients: ALL_CLIENTS, ...settings },
    { clock: createManualClock(START), ...options },
  );
  const fetchInProcess = (input: RequestInfo | URL, init?: RequestInit) =>
    mock.fetch(new Request(input, init));
  return { mock, t: { fetch: fetchInProcess as typeof fetch, baseUrl: BASE_URL } };
}

/** A promise plus its settle functions, to observe ordering without timers. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Tracks whether a promise has settled yet, without awaiting it. */
export function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly promise: Promise<T> } {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

/** FastMCP's interface only, delegating to an in-memory provider: none of the administration methods. */
export function bareProvider(): OAuthAuthorizationServerProvider {
  const inner = new InMemoryProvider({ clients: [PUBLIC_CLIENT] });
  return {
    getClient: (id) => inner.getClient(id),
    registerClient: (client) => inner.registerClient(client),
    authorize: (client, params) => inner.authorize(client, params),
    loadAuthorizationCode: (client, code) => inner.loadAuthorizationCode(client, code),
    exchangeAuthorizationCode: (client, code) => inner.exchangeAuthorizationCode(client, code),
    loadRefreshToken: (client, token) => inner.loadRefreshToken(client, token),
    exchangeRefreshToken: (client, token, scopes) => inner.exchangeRefreshToken(client, token, scopes),
    loadAccessToken: (token) => inner.loadAccessToken(token),
    revokeToken: (token) => inner.revokeToken(token),
  };
}
