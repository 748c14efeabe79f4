/**
 * The demo's server, the same wherever the mock runs (Vite dev server or, in the static build, the page's service
 * worker): FastMCP with every beyond-FastMCP check on, a consent page, scopes to step up to, two pre-registered
 * clients and the demo's Client ID Metadata Document. Pure data: the page reads the names and URLs from here too.
 */
import type { ClientInformation, MockAuthServerSettings } from '../mock-server/index.js';

/** Where the mock's HTTP control API is served (the page drives presets, clock and faults through it). */
export const CONTROL_PATH = '/__mock';

/** Every scope the walkthrough may ask for, step-up included: a client limited to fewer could not step up. */
const DEMO_SCOPES = 'read write admin';

/** The pre-registered clients the embedded mock knows (for the `pre-registration-only` variant). */
export const DEMO_PUBLIC_CLIENT_ID = 'demo-public-client';
export const DEMO_CONFIDENTIAL_CLIENT_ID = 'demo-confidential-client';
/** A demo value the page shows openly: it opens nothing but this page's own mock. */
export const DEMO_CONFIDENTIAL_CLIENT_SECRET = 'demo-client-secret';

/**
 * The demo's Client ID Metadata Document URL. A document URL must be https on a public host, which a local dev
 * server is not (and the mock refuses to fetch from loopback), so the demo's mock is handed this one document
 * directly instead of fetching it: see `demoDocumentFetch` in demo-mock.ts.
 */
export const DEMO_CLIENT_METADATA_URL = 'https://mcp-authed-client.example/demo/client-metadata.json';

/** The page's redirect URI when it is served at the root of `origin`. */
export const defaultRedirectUri = (origin: string): string => `${origin}/callback.html`;

export function demoMockSettings(
  origin: string,
  redirectUri = defaultRedirectUri(origin),
): MockAuthServerSettings {
  return {
    issuerUrl: origin,
    resourceServerUrl: `${origin}/mcp`,
    spec: 'latest',
    approval: 'consent',
    requiredScopes: ['read'],
    clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write', 'admin'] },
    revocationOptions: { enabled: true },
    clients: demoClients(redirectUri),
  };
}

function demoClients(redirectUri: string): ClientInformation[] {
  const common = { redirect_uris: [redirectUri], scope: DEMO_SCOPES };
  return [
    {
      ...common,
      client_id: DEMO_PUBLIC_CLIENT_ID,
      client_name: 'demo (public)',
      token_endpoint_auth_method: 'none',
    },
    {
      ...common,
      client_id: DEMO_CONFIDENTIAL_CLIENT_ID,
      client_name: 'demo (confidential)',
      client_secret: DEMO_CONFIDENTIAL_CLIENT_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ];
}

/** The demo's Client ID Metadata Document: a public client whose id is the document's own URL. */
export function demoClientMetadataDocument(redirectUri: string): Record<string, unknown> {
  return {
    client_id: DEMO_CLIENT_METADATA_URL,
    client_name: 'mcp-authed-client demo (metadata document)',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: DEMO_SCOPES,
  };
}
