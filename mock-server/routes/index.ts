/** The authorization server's route table, FastMCP's plus the mock's consent page. */
import type { ResolvedMockAuthServerSettings } from '../settings.js';
import { authorizeHandler } from './authorize.js';
import { CONSENT_PATH, consentHandler } from './consent.js';
import {
  authorizationServerMetadataHandler,
  protectedResourceMetadataHandler,
  protectedResourceMetadataPath,
} from './metadata.js';
import { registerHandler } from './register.js';
import { revokeHandler } from './revoke.js';
import type { Route } from './router.js';
import { tokenHandler } from './token.js';

/** Every authorization-server route the settings switch on (no `/mcp`: that is layered on top). */
export function authServerRoutes(settings: ResolvedMockAuthServerSettings): Route[] {
  const routes: Route[] = [
    {
      path: '/.well-known/oauth-authorization-server',
      methods: ['GET', 'HEAD', 'OPTIONS'],
      corsMethods: ['GET', 'OPTIONS'],
      handler: authorizationServerMetadataHandler,
    },
    { path: '/authorize', methods: ['GET', 'HEAD', 'POST'], handler: authorizeHandler },
    { path: '/token', methods: ['POST', 'OPTIONS'], corsMethods: ['POST', 'OPTIONS'], handler: tokenHandler },
  ];
  if (settings.clientRegistrationOptions.enabled) {
    routes.push({
      path: '/register',
      methods: ['POST', 'OPTIONS'],
      corsMethods: ['POST', 'OPTIONS'],
      handler: registerHandler,
    });
  }
  if (settings.revocationOptions.enabled) {
    routes.push({
      path: '/revoke',
      methods: ['POST', 'OPTIONS'],
      corsMethods: ['POST', 'OPTIONS'],
      handler: revokeHandler,
    });
  }
  routes.push({
    path: protectedResourceMetadataPath(settings.resourceServerUrl),
    methods: ['GET', 'HEAD', 'OPTIONS'],
    corsMethods: ['GET', 'OPTIONS'],
    handler: protectedResourceMetadataHandler,
  });
  if (settings.approval === 'consent') {
    routes.push({ path: CONSENT_PATH, methods: ['GET', 'HEAD', 'POST'], handler: consentHandler });
  }
  return routes;
}
