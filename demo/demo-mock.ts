/**
 * The demo's mock, as the dev server (vite.config.ts) and the static build (embedded-mock.ts) both create it: the
 * demo settings, plus the demo's Client ID Metadata Document handed to the mock in place of a network fetch.
 */
import {
  createMockAuthServer,
  type ClientIdMetadataDocumentFetch,
  type MockAuthServer,
} from '../mock-server/index.js';
import {
  DEMO_CLIENT_METADATA_URL,
  defaultRedirectUri,
  demoClientMetadataDocument,
  demoMockSettings,
} from './mock-settings.js';

export function createDemoMock(origin: string, redirectUri = defaultRedirectUri(origin)): MockAuthServer {
  return createMockAuthServer(demoMockSettings(origin, redirectUri), {
    fetchClientIdMetadataDocument: demoDocumentFetch(redirectUri),
  });
}

/**
 * Answers the demo's own document URL with the demo's document (its host exists only in this demo); any other URL
 * is fetched as the mock always does, so a document of your own can be tried too.
 */
export function demoDocumentFetch(
  redirectUri: string,
  fallback: ClientIdMetadataDocumentFetch = (input, init) => fetch(input, init),
): ClientIdMetadataDocumentFetch {
  return async (input, init) =>
    input === DEMO_CLIENT_METADATA_URL
      ? Response.json(demoClientMetadataDocument(redirectUri))
      : fallback(input, init);
}
