/**
 * A mock served over HTTP by the Node runtime on 127.0.0.1 (a free port). The mock's issuer must be the server's
 * URL, which is known only once it listens: `build` gets that URL.
 */
import type { MockAuthServer } from '../../../mock-server/index.js';
import { listen, type ListenOptions, type RunningServer } from '../../../mock-server/runtimes/node.js';

export async function serveMock(
  build: (url: string) => MockAuthServer,
  options: ListenOptions = {},
): Promise<{ server: RunningServer; mock: MockAuthServer }> {
  const holder: { mock?: MockAuthServer } = {};
  const server = await listen(
    (request) => holder.mock?.fetch(request) ?? Promise.reject(new Error('the mock is not built yet')),
    options,
  );
  holder.mock = build(server.url);
  return { server, mock: holder.mock };
}
