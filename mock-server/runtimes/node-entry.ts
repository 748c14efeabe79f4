/**
 * `mcp-authed-client/node`: the mock as a real HTTP server inside a Node process (test suites, scripts), and the
 * Node-only Client ID Metadata Document fetch that resolves names before it connects. This file is the public
 * contract of the subpath; it needs Node (`node:http`, `node:dns`), never a browser.
 *
 * @example
 * const server = await startMockAuthServer({ clientRegistrationOptions: { enabled: true } }); // a free port
 * // … point the client at `${server.url}/mcp`, drive `server.mock.control` …
 * await server.close();
 *
 * @packageDocumentation
 */
export {
  startMockAuthServer,
  type NodeMockAuthServerSettings,
  type StartMockAuthServerOptions,
  type RunningMockAuthServer,
} from './node-mock-server.js';
export {
  listen,
  type Servable,
  type FetchHandler,
  type ListenOptions,
  type RunningServer,
  type ErrorReporter,
} from './node.js';
export {
  createNodeDocumentFetch,
  type NodeDocumentFetchOptions,
  type ResolveAll,
} from './cimd-fetch-node.js';

// The mock's types, so every type these functions refer to is nameable from `./node` too.
export type * from './mock-types.js';
