/**
 * The mock's route table: FastMCP's authorization server (under the issuer's path with `pathAwareMetadata`), the
 * protected-resource metadata, the MCP endpoint, and the mock's consent page.
 */
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import { authorizeHandler } from './authorize.js';
import { CONSENT_PATH, consentHandler } from './consent.js';
import { mcpRoutes } from './mcp.js';
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

/** Every route the settings switch on, the MCP endpoint last. */
export function authServerRoutes(settings: ResolvedMockAuthServerSettings): Route[] {
  const prefix = issuerPathPrefix(settings);
  const routes: Route[] = [
    ...authorizationServerMetadataPaths(settings).map((path): Route => ({
      path,
      methods: ['GET', 'HEAD', 'OPTIONS'],
      corsMethods: ['GET', 'OPTIONS'],
      handler: authorizationServerMetadataHandler,
    })),
    { path: `${prefix}/authorize`, methods: ['GET', 'HEAD', 'POST'], handler: authorizeHandler },
    {
      path: `${prefix}/token`,
      methods: ['POST', 'OPTIONS'],
      corsMethods: ['POST', 'OPTIONS'],
      handler: tokenHandler,
    },
  ];
  if (settings.clientRegistrationOptions.enabled) {
    routes.push({
      path: `${prefix}/register`,
      methods: ['POST', 'OPTIONS'],
      corsMethods: ['POST', 'OPTIONS'],
      handler: registerHandler,
    });
  }
  if (settings.revocationOptions.enabled) {
    routes.push({
      path: `${prefix}/revoke`,
      methods: ['POST', 'OPTIONS'],
      corsMethods: ['POST', 'OPTIONS'],
      handler: revokeHandler,
    });
  }
  if (!settings.quirks.omitResourceMetadata) {
    routes.push({
      path: protectedResourceMetadataPath(settings.resourceServerUrl),
      methods: ['GET', 'HEAD', 'OPTIONS'],
      corsMethods: ['GET', 'OPTIONS'],
      handler: protectedResourceMetadataHandler,
    });
  }
  if (settings.approval === 'consent') {
    routes.push({ path: CONSENT_PATH, methods: ['GET', 'HEAD', 'POST'], handler: consentHandler });
  }
  routes.push(...mcpRoutes(settings));
  return routes;
}
