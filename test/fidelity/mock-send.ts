/** Sends corpus requests to a mock in process, the way the recorder sends them to FastMCP over HTTP. */
import { createMockAuthServer, type MockAuthServer } from '../../mock-server/index.js';
import { PROFILE } from './corpus.js';
import type { WireSend } from './wire.js';

export const MOCK_ORIGIN = 'http://127.0.0.1:8000';

/** The mock with the settings of record/fastmcp_server.py (the same as the CLI's `--registration --revocation …`). */
export function createProfileMock(): MockAuthServer {
  return createMockAuthServer({
    issuerUrl: MOCK_ORIGIN,
    resourceServerUrl: `${MOCK_ORIGIN}/mcp`,
    requiredScopes: [...PROFILE.requiredScopes],
    clientRegistrationOptions: {
      enabled: true,
      validScopes: [...PROFILE.validScopes],
      defaultScopes: [...PROFILE.defaultScopes],
    },
    revocationOptions: { enabled: true },
  });
}

export function mockSend(mock: MockAuthServer): WireSend {
  return async (wire) => {
    const headers = new Headers();
    // An HTTP client always sends Host; the mock's HTTP runtimes pass it on.
    headers.set('host', new URL(MOCK_ORIGIN).host);
    for (const [name, value] of wire.headers) headers.set(name, value);
    const hasBody = wire.body !== undefined && wire.method !== 'GET' && wire.method !== 'HEAD';
    const response = await mock.fetch(
      new Request(`${MOCK_ORIGIN}${wire.path}`, {
        method: wire.method,
        headers,
        ...(hasBody && wire.body !== undefined ? { body: Uint8Array.from(wire.body) } : {}),
      }),
    );
    const responseHeaders = [...response.headers].map(
      ([name, value]) => [name.toLowerCase(), value] as const,
    );
    if (wire.stream && response.status === 200) {
      await response.body?.cancel();
      return { status: response.status, headers: responseHeaders, body: '' };
    }
    return { status: response.status, headers: responseHeaders, body: await response.text() };
  };
}
