/**
 * The mock's route table: FastMCP's authorization server (under the issuer's path with `pathAwareMetadata`), the
 * protected-resource metadata, the MCP endpoint, and the mock's consent page. Each route names the endpoint it
 * serves, which is how `mock.control` and the request log tell endpoints apart.
 */
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import { authorizeHandler } from './authorize.js';
import { CONSENT_PATH, consentHandler } from './consent.js';
import { identityProviderRoutes } from './idp.js';
import { mcpRoute } from './mcp.js';
import {
  authorizationServerMetadataHandler,
  authorizationServerMetadataPaths,
  issuerPathPrefix,
  protectedResourceMetadataHandler,
  protectedResourceMetadataPath,
} from './metadata.js';
import { registerHandler } from './register.js';
import { revokeHandler } from './revoke.js';
import type { Route } from './router.js';
import { tokenHandler } from './token.js';

/** Metadata documents: GET (and HEAD) behind FastMCP's CORS. */
const DOCUMENT = { methods: ['GET', 'HEAD', 'OPTIONS'], corsMethods: ['GET', 'OPTIONS'] } as const;
/** OAuth endpoints a client POSTs to, behind FastMCP's CORS. */
const FORM_ENDPOINT = { methods: ['POST', 'OPTIONS'], corsMethods: ['POST', 'OPTIONS'] } as const;
/** Pages a browser navigates to (no CORS). */
const PAGE = { methods: ['GET', 'HEAD', 'POST'] } as const;

interface TableEntry {
  readonly route: Route;
  /** Whether the settings switch the route on. */
  readonly served: boolean;
}

/** Every route the mock has under these settings, switched on or not, in matching order (the MCP endpoint last). */
function routeTable(settings: ResolvedMockAuthServerSettings): TableEntry[] {
  const prefix = issuerPathPrefix(settings);
  const always = (route: Route): TableEntry => ({ route, served: true });
  return [
    ...authorizationServerMetadataPaths(settings).map((path) =>
      always({ path, endpoint: 'metadata', ...DOCUMENT, handler: authorizationServerMetadataHandler }),
    ),
    always({ path: `${prefix}/authorize`, endpoint: 'authorize', ...PAGE, handler: authorizeHandler }),
    always({ path: `${prefix}/token`, endpoint: 'token', ...FORM_ENDPOINT, handler: tokenHandler }),
    {
      route: { path: `${prefix}/register`, endpoint: 'register', ...FORM_ENDPOINT, handler: registerHandler },
      served: settings.clientRegistrationOptions.enabled,
    },
    {
      route: { path: `${prefix}/revoke`, endpoint: 'revoke', ...FORM_ENDPOINT, handler: revokeHandler },
      served: settings.revocationOptions.enabled,
    },
    {
      route: {
        path: protectedResourceMetadataPath(settings.resourceServerUrl),
        endpoint: 'resource-metadata',
        ...DOCUMENT,
        handler: protectedResourceMetadataHandler,
      },
      served: !settings.quirks.omitResourceMetadata,
    },
    {
      route: { path: CONSENT_PATH, endpoint: 'consent', ...PAGE, handler: consentHandler },
      served: settings.approval === 'consent',
    },
    // The identity provider of enterprise-managed authorization comes with the grant that redeems its assertions.
    ...identityProviderRoutes(settings).map((route) => ({
      route,
      served: settings.beyondFastMcp.jwtBearerGrant,
    })),
    always(mcpRoute(settings)),
  ];
}

/** Every route the settings switch on, the MCP endpoint last. */
export function authServerRoutes(settings: ResolvedMockAuthServerSettings): Route[] {
  return routeTable(settings)
    .filter((entry) => entry.served)
    .map((entry) => entry.route);
}

/**
 * Every endpoint's route under these settings, including the ones they switch off: where a client would find each
 * endpoint (so a request to a switched-off one is still recognised as aimed at it).
 */
export function endpointRoutes(settings: ResolvedMockAuthServerSettings): Route[] {
  return routeTable(settings).map((entry) => entry.route);
}
