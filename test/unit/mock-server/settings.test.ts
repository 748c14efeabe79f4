import { describe, expect, it } from 'vitest';
import {
  createMockAuthServer,
  SettingsError,
  validateSettings,
  type MockAuthServerSettings,
} from '../../../mock-server/index.js';
import { settingsFromEnv } from '../../../mock-server/runtimes/env-settings.js';

function settingsError(run: () => unknown): SettingsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error('expected a SettingsError');
}

describe('validateSettings', () => {
  it('turns DNS-rebinding protection on as FastMCP does: for a loopback resource, unless told otherwise', () => {
    const off = { enableDnsRebindingProtection: false, allowedHosts: [], allowedOrigins: [] };
    expect(
      validateSettings({ issuerUrl: 'http://127.0.0.1:8000' }).transportSecurity.enableDnsRebindingProtection,
    ).toBe(true);
    const ipv6 = { issuerUrl: 'http://127.0.0.1:8000', resourceServerUrl: 'http://[::1]:8000/mcp' };
    expect(validateSettings(ipv6).transportSecurity.enableDnsRebindingProtection).toBe(true);
    expect(validateSettings({ issuerUrl: 'https://auth.example' }).transportSecurity).toStrictEqual(off);
    expect(
      validateSettings({
        issuerUrl: 'http://localhost:8000',
        transportSecurity: { enableDnsRebindingProtection: false },
      }).transportSecurity,
    ).toStrictEqual(off);
    expect(
      validateSettings({
        issuerUrl: 'https://auth.example',
        transportSecurity: { allowedHosts: ['mcp.example:*'] },
      }).transportSecurity,
    ).toStrictEqual({
      enableDnsRebindingProtection: true,
      allowedHosts: ['mcp.example:*'],
      allowedOrigins: [],
    });
    expect(
      settingsError(() =>
        validateSettings({
          issuerUrl: 'http://localhost',
          transportSecurity: { allowedHosts: 'x' } as never,
        }),
      ).message,
    ).toMatch(/transportSecurity\.allowedHosts/);
  });

  it('fills in FastMCP defaults and normalises URLs', () => {
    const resolved = validateSettings({ issuerUrl: 'http://LOCALHOST:8000' });
    expect(resolved).toStrictEqual({
      issuerUrl: 'http://localhost:8000/',
      resourceServerUrl: 'http://localhost:8000/mcp',
      serviceDocumentationUrl: undefined,
      requiredScopes: undefined,
      clientRegistrationOptions: {
        enabled: false,
        clientSecretExpirySeconds: undefined,
        validScopes: undefined,
        defaultScopes: undefined,
      },
      revocationOptions: { enabled: false },
      approval: 'auto',
      clients: [],
      tokenLifetimes: {
        authorizationCodeSeconds: 300,
        accessTokenSeconds: 3600,
        refreshTokenSeconds: 30 * 24 * 3600,
        consentSeconds: 600,
      },
      stateLimits: { maxClients: 10_000, maxTokens: 100_000, maxPendingAuthorizations: 10_000 },
      maxBodyBytes: 4 * 1024 * 1024,
      transportSecurity: {
        enableDnsRebindingProtection: true,
        allowedHosts: ['127.0.0.1:*', 'localhost:*', '[::1]:*'],
        allowedOrigins: ['http://127.0.0.1:*', 'http://localhost:*', 'http://[::1]:*'],
      },
      spec: 'fastmcp',
      beyondFastMcp: {
        authorizationResponseIss: false,
        pathAwareMetadata: false,
        clientIdMetadataDocuments: false,
        challengeScope: false,
        audienceBinding: false,
        codeReplayRevokesGrant: false,
        refreshTokenReuseRevokesFamily: false,
        advertisePublicClients: false,
        mcpCors: false,
        stepUpChallenge: false,
        restrictRedirectUriSchemes: false,
        clientCredentialsGrant: false,
        dpop: false,
        jwtBearerGrant: false,
      },
      clientIdMetadataDocumentLimits: { maxBytes: 5120, timeoutMs: 5000, cacheSeconds: 300 },
      mcp: {
        elevatedScope: 'admin',
        maxSessions: 100,
        serverName: 'mcp-authed-client-mock',
        protocolEras: ['2025-11-25'],
      },
      quirks: {},
      dpop: {
        nonce: 'none',
        algorithms: ['ES256', 'ES384', 'ES512', 'RS256', 'PS256'],
        nonceLifetimeSeconds: 300,
        boundTokensRequired: false,
      },
      trustedAssertionIssuers: [],
    });
  });

  it('defaults the resource to the issuer origin + /mcp even when the issuer has a path', () => {
    expect(validateSettings({ issuerUrl: 'https://auth.example/tenant' }).resourceServerUrl).toBe(
      'https://auth.example/mcp',
    );
  });

  it.each([
    ['http://auth.example', 'issuerUrl: must use https unless the host is localhost or 127.0.0.1'],
    ['http://127.0.0.2:8000', 'issuerUrl: must use https unless the host is localhost or 127.0.0.1'],
    ['https://auth.example/?a=1', 'issuerUrl: must not have a query string'],
    ['https://auth.example/?', 'issuerUrl: must not have a query string'],
    ['https://auth.example/#x', 'issuerUrl: must not have a fragment'],
    ['auth.example', 'issuerUrl: is not a valid URL: "auth.example"'],
    ['ftp://auth.example', 'issuerUrl: must be an http or https URL, got "ftp://auth.example"'],
    ['https://user:pw@auth.example', 'issuerUrl: must not contain credentials'],
  ])('rejects the issuer %s', (issuerUrl, message) => {
    const error = settingsError(() => validateSettings({ issuerUrl }));
    expect(error.message).toBe(message);
    expect(error.field).toBe('issuerUrl');
  });

  it('accepts http for localhost and 127.0.0.1', () => {
    expect(validateSettings({ issuerUrl: 'http://127.0.0.1:9/' }).issuerUrl).toBe('http://127.0.0.1:9/');
  });

  it('names the bad field in nested settings', () => {
    const cases: Array<[Parameters<typeof validateSettings>[0], string]> = [
      [{ issuerUrl: 'http://localhost', resourceServerUrl: 'mcp' }, 'resourceServerUrl'],
      [{ issuerUrl: 'http://localhost', requiredScopes: ['a b'] }, 'requiredScopes[0]'],
      [
        { issuerUrl: 'http://localhost', clientRegistrationOptions: { clientSecretExpirySeconds: -1 } },
        'clientRegistrationOptions.clientSecretExpirySeconds',
      ],
      [{ issuerUrl: 'http://localhost', approval: 'maybe' as 'auto' }, 'approval'],
      [
        { issuerUrl: 'http://localhost', clients: [{ client_id: '', redirect_uris: ['http://x/'] }] },
        'clients[0].client_id',
      ],
      [
        { issuerUrl: 'http://localhost', clients: [{ client_id: 'a', redirect_uris: [] }] },
        'clients[0].redirect_uris',
      ],
      [
        {
          issuerUrl: 'http://localhost',
          clients: [{ client_id: 'a', redirect_uris: ['http://x/', '/rel'] }],
        },
        'clients[0].redirect_uris[1]',
      ],
      [
        {
          issuerUrl: 'http://localhost',
          clients: [
            { client_id: 'a', redirect_uris: ['http://x/'] },
            { client_id: 'a', redirect_uris: ['http://x/'] },
          ],
        },
        'clients[1].client_id',
      ],
      [
        { issuerUrl: 'http://localhost', tokenLifetimes: { accessTokenSeconds: 1.5 } },
        'tokenLifetimes.accessTokenSeconds',
      ],
    ];
    for (const [settings, field] of cases)
      expect(settingsError(() => validateSettings(settings)).field).toBe(field);
  });

  it('fills in client defaults: grant and response types, auth method from the secret', () => {
    const { clients } = validateSettings({
      issuerUrl: 'http://localhost',
      clients: [
        { client_id: 'pub', redirect_uris: ['HTTP://Localhost:3000'] },
        { client_id: 'conf', client_secret: 's', redirect_uris: ['http://localhost:3000/cb'] },
      ],
    });
    expect(clients[0]).toStrictEqual({
      client_id: 'pub',
      redirect_uris: ['http://localhost:3000/'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    });
    expect(clients[1]?.token_endpoint_auth_method).toBe('client_secret_post');
  });
});

describe('settingsFromEnv', () => {
  it('reads every FASTMCP_AUTH__ variable', () => {
    expect(
      settingsFromEnv({
        FASTMCP_AUTH__ISSUER_URL: 'http://localhost:8000',
        FASTMCP_AUTH__RESOURCE_SERVER_URL: 'http://localhost:8000/mcp',
        FASTMCP_AUTH__SERVICE_DOCUMENTATION_URL: 'https://docs.example',
        FASTMCP_AUTH__REQUIRED_SCOPES: '["read","write"]',
        FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__ENABLED: 'true',
        FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__VALID_SCOPES: 'read, write ,admin',
        FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__DEFAULT_SCOPES: 'read',
        FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__CLIENT_SECRET_EXPIRY_SECONDS: '3600',
        FASTMCP_AUTH__REVOCATION_OPTIONS__ENABLED: '0',
        UNRELATED: 'x',
      }),
    ).toStrictEqual({
      issuerUrl: 'http://localhost:8000',
      resourceServerUrl: 'http://localhost:8000/mcp',
      serviceDocumentationUrl: 'https://docs.example',
      requiredScopes: ['read', 'write'],
      clientRegistrationOptions: {
        enabled: true,
        validScopes: ['read', 'write', 'admin'],
        defaultScopes: ['read'],
        clientSecretExpirySeconds: 3600,
      },
      revocationOptions: { enabled: false },
    });
  });

  it('leaves unset and empty variables out', () => {
    expect(
      settingsFromEnv({ FASTMCP_AUTH__ISSUER_URL: '', FASTMCP_AUTH__REQUIRED_SCOPES: undefined }),
    ).toStrictEqual({});
  });

  it.each(['TRUE', '1', 'False', '0'])('accepts the boolean %s', (value) => {
    expect(
      settingsFromEnv({ FASTMCP_AUTH__REVOCATION_OPTIONS__ENABLED: value }).revocationOptions?.enabled,
    ).toBe(value === 'TRUE' || value === '1');
  });

  it.each([
    ['FASTMCP_AUTH__REVOCATION_OPTIONS__ENABLED', 'yes please'],
    ['FASTMCP_AUTH__REQUIRED_SCOPES', '["read",'],
    ['FASTMCP_AUTH__REQUIRED_SCOPES', '[1,2]'],
    ['FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__CLIENT_SECRET_EXPIRY_SECONDS', '1h'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    const error = settingsError(() => settingsFromEnv({ [name]: value }));
    expect(error.field).toBe(name);
    expect(error.message.startsWith(`${name}: `)).toBe(true);
  });
});

describe('createMockAuthServer validates its settings once', () => {
  /** Settings whose `issuerUrl` counts how often it is read. */
  function countingSettings(): { settings: MockAuthServerSettings; reads: () => number } {
    let reads = 0;
    const settings = {} as MockAuthServerSettings;
    Object.defineProperty(settings, 'issuerUrl', {
      enumerable: true,
      get: () => {
        reads += 1;
        return 'http://localhost:8000';
      },
    });
    return { settings, reads: () => reads };
  }

  it('reads the settings as often as one validateSettings call does', () => {
    const once = countingSettings();
    validateSettings(once.settings);
    const mine = countingSettings();
    createMockAuthServer(mine.settings);
    expect(once.reads()).toBeGreaterThan(0);
    expect(mine.reads()).toBe(once.reads());
  });
});
