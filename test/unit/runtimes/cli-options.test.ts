import { describe, expect, it } from 'vitest';
import { CLI_HELP } from '../../../mock-server/runtimes/cli-help.js';
import { CliUsageError, parseCliArgs, parseScopeList } from '../../../mock-server/runtimes/cli-options.js';

describe('parseCliArgs', () => {
  it('gives an empty invocation for no arguments', () => {
    expect(parseCliArgs([])).toEqual({ help: false, version: false, verbose: false, settings: {} });
  });

  it.each([
    [['--version'], { version: true, verbose: false }],
    [['-V'], { version: true, verbose: false }],
    [['--verbose'], { version: false, verbose: true }],
    [['-v'], { version: false, verbose: true }],
  ])('reads %j', (argv, expected) => {
    expect(parseCliArgs(argv)).toMatchObject(expected);
  });

  it('maps every settings flag onto MockAuthServerSettings', () => {
    const client = { client_id: 'app', redirect_uris: ['http://localhost:3000/cb'] };
    const invocation = parseCliArgs([
      '--host=localhost',
      '--port',
      '0',
      '--config',
      'settings.json',
      '--issuer-url',
      'http://localhost:9000',
      '--resource-server-url',
      'http://localhost:9000/mcp',
      '--service-documentation-url',
      'https://docs.example/',
      '--required-scopes',
      'read,write',
      '--registration',
      '--valid-scopes',
      'read, write admin',
      '--default-scopes',
      'read',
      '--client-secret-expiry-seconds',
      '3600',
      '--revocation',
      '--consent',
      '--client',
      JSON.stringify(client),
      '--client',
      '{"client_id":"other","redirect_uris":["http://127.0.0.1/cb"]}',
      '--authorization-code-seconds',
      '60',
      '--access-token-seconds',
      '120',
      '--refresh-token-seconds',
      'never',
      '--consent-seconds',
      '30',
    ]);
    expect(invocation).toEqual({
      help: false,
      version: false,
      verbose: false,
      host: 'localhost',
      port: 0,
      configFile: 'settings.json',
      settings: {
        issuerUrl: 'http://localhost:9000',
        resourceServerUrl: 'http://localhost:9000/mcp',
        serviceDocumentationUrl: 'https://docs.example/',
        requiredScopes: ['read', 'write'],
        clientRegistrationOptions: {
          enabled: true,
          validScopes: ['read', 'write', 'admin'],
          defaultScopes: ['read'],
          clientSecretExpirySeconds: 3600,
        },
        revocationOptions: { enabled: true },
        approval: 'consent',
        clients: [client, { client_id: 'other', redirect_uris: ['http://127.0.0.1/cb'] }],
        tokenLifetimes: {
          authorizationCodeSeconds: 60,
          accessTokenSeconds: 120,
          refreshTokenSeconds: null,
          consentSeconds: 30,
        },
      },
    });
  });

  it('lets --no-* switches turn features off explicitly', () => {
    expect(parseCliArgs(['--no-registration', '--no-revocation', '--no-consent']).settings).toEqual({
      clientRegistrationOptions: { enabled: false },
      revocationOptions: { enabled: false },
      approval: 'auto',
    });
  });

  it('recognises --help and -h', () => {
    expect(parseCliArgs(['--help']).help).toBe(true);
    expect(parseCliArgs(['-h']).help).toBe(true);
    expect(CLI_HELP).toContain('--issuer-url');
    expect(CLI_HELP).toContain('--client <json>');
  });

  it.each([
    [['--bogus'], /bogus/],
    [['positional'], /positional/],
    [['--port'], /port/],
    [['--port', 'abc'], /--port must be a port number from 0 to 65535, got "abc"/],
    [['--port', '70000'], /--port must be a port number/],
    [['--port', '-1'], /port/],
    [['--host', ''], /--host needs a value/],
    [['--client-secret-expiry-seconds', '1.5'], /--client-secret-expiry-seconds must be a whole number/],
    [['--refresh-token-seconds', 'forever'], /--refresh-token-seconds must be a whole number/],
    [['--client', '{not json'], /--client #1 is not valid JSON/],
    [['--client', '["a"]'], /--client #1 must be a JSON object/],
    [['--registration', '--no-registration'], /--registration and --no-registration contradict each other/],
    [['--consent=yes'], /consent/],
    [['--control-path', '/'], /--control-path must be a path such as "\/__mock": not "\/"/],
    [['--control-path', '__mock'], /--control-path must be a path/],
    [['--control-path', '/a/../b'], /--control-path must be a path/],
    [['--control-path'], /control-path/],
  ])('rejects %j with a CliUsageError', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('--control-path', () => {
  it('is off unless given, and kept without a trailing slash', () => {
    expect(parseCliArgs([]).controlPath).toBeUndefined();
    expect(parseCliArgs(['--control-path', '/__mock']).controlPath).toBe('/__mock');
    expect(parseCliArgs(['--control-path=/dev/controls/']).controlPath).toBe('/dev/controls');
  });

  it('is in the help text', () => {
    expect(CLI_HELP).toContain('--control-path <path>');
    expect(CLI_HELP).toContain('(default: off)');
  });
});

describe('parseScopeList', () => {
  it('splits on commas and whitespace and drops empties', () => {
    expect(parseScopeList('a,b')).toEqual(['a', 'b']);
    expect(parseScopeList(' a , b  c,')).toEqual(['a', 'b', 'c']);
  });

  it('reads an empty value as an explicitly empty list', () => {
    expect(parseScopeList('')).toEqual([]);
  });
});

describe('DNS-rebinding flags', () => {
  it('leave transportSecurity to its default unless one is given', () => {
    expect(parseCliArgs([]).settings.transportSecurity).toBeUndefined();
  });

  it('map --no-dns-rebinding-protection, --allowed-hosts and --allowed-origins onto transportSecurity', () => {
    expect(parseCliArgs(['--no-dns-rebinding-protection']).settings.transportSecurity).toStrictEqual({
      enableDnsRebindingProtection: false,
    });
    expect(
      parseCliArgs([
        '--allowed-hosts',
        'mcp.example:443, 127.0.0.1:*',
        '--allowed-origins',
        'https://app.example',
      ]).settings.transportSecurity,
    ).toStrictEqual({
      allowedHosts: ['mcp.example:443', '127.0.0.1:*'],
      allowedOrigins: ['https://app.example'],
    });
    expect(CLI_HELP).toContain('--allowed-origins <a,b>');
  });
});
