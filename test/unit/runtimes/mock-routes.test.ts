import { describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../../../mock-server/index.js';
import { mockOrigins, mockRoutePaths } from '../../../mock-server/mock-routes.js';

describe('mockRoutePaths', () => {
  it('lists FastMCP’s default routes, the MCP endpoint and their trailing-slash twins', () => {
    const mock = createMockAuthServer({ issuerUrl: 'http://localhost:8000' });
    expect([...mockRoutePaths(mock)].sort()).toEqual(
      [
        '/.well-known/oauth-authorization-server',
        '/.well-known/oauth-authorization-server/',
        '/.well-known/oauth-protected-resource/mcp',
        '/.well-known/oauth-protected-resource/mcp/',
        '/authorize',
        '/authorize/',
        '/mcp',
        '/mcp/',
        '/token',
        '/token/',
      ].sort(),
    );
  });

  it('follows the settings that switch routes on', () => {
    const mock = createMockAuthServer({
      issuerUrl: 'http://localhost:8000',
      resourceServerUrl: 'http://localhost:8000/api/v1/mcp',
      clientRegistrationOptions: { enabled: true },
      revocationOptions: { enabled: true },
      approval: 'consent',
    });
    const paths = mockRoutePaths(mock);
    for (const path of [
      '/register',
      '/revoke',
      '/consent',
      '/api/v1/mcp',
      '/.well-known/oauth-protected-resource/api/v1/mcp',
    ]) {
      expect(paths.has(path), path).toBe(true);
    }
    expect(paths.has('/mcp')).toBe(false);
    expect(paths.has('/')).toBe(false);
  });

  it('includes routes added with extraRoutes', () => {
    const mock = createMockAuthServer(
      { issuerUrl: 'http://localhost:8000' },
      {
        extraRoutes: [
          { path: '/custom', methods: ['GET'], handler: () => Promise.resolve(new Response('ok')) },
        ],
      },
    );
    expect(mockRoutePaths(mock).has('/custom')).toBe(true);
  });
});

describe('mockOrigins', () => {
  it('holds the issuer and resource origins', () => {
    const mock = createMockAuthServer({
      issuerUrl: 'https://auth.example/tenant',
      resourceServerUrl: 'https://api.example:8443/mcp',
    });
    expect([...mockOrigins(mock)]).toEqual(['https://auth.example', 'https://api.example:8443']);
  });
});
