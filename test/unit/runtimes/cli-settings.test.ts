import { describe, expect, it } from 'vitest';
import { settingsFromEnv } from '../../../mock-server/runtimes/env-settings.js';
import { CliUsageError, parseCliArgs } from '../../../mock-server/runtimes/cli-options.js';
import { defaultIssuerUrl } from '../../../mock-server/runtimes/node-mock-server.js';
import {
  bindFailureLine,
  internalErrorLine,
  isBindError,
  listeningLine,
  mergeSettingsLayers,
  parseConfigFile,
  parseListeningLine,
  resolveAddress,
} from '../../../mock-server/runtimes/cli-settings.js';

/** The CLI's layering, as runCli does it: flags > config file > environment. */
function layered(argv: string[], config: object, env: Record<string, string>) {
  const invocation = parseCliArgs(argv);
  return mergeSettingsLayers(
    settingsFromEnv(env),
    parseConfigFile(JSON.stringify(config), 'config.json'),
    invocation.settings,
  );
}

describe('precedence: flags > config file > environment > defaults', () => {
  const env = {
    FASTMCP_AUTH__ISSUER_URL: 'http://localhost:1111',
    FASTMCP_AUTH__REQUIRED_SCOPES: 'env-scope',
    FASTMCP_AUTH__SERVICE_DOCUMENTATION_URL: 'https://env.example/docs',
    FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__ENABLED: 'true',
    FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__VALID_SCOPES: '["env-a","env-b"]',
    FASTMCP_AUTH__REVOCATION_OPTIONS__ENABLED: '1',
  };

  it('takes the environment when nothing else says otherwise', () => {
    expect(layered([], {}, env)).toEqual({
      issuerUrl: 'http://localhost:1111',
      requiredScopes: ['env-scope'],
      serviceDocumentationUrl: 'https://env.example/docs',
      clientRegistrationOptions: { enabled: true, validScopes: ['env-a', 'env-b'] },
      revocationOptions: { enabled: true },
    });
  });

  it('lets the config file override the environment, key by key inside nested options', () => {
    const config = {
      issuerUrl: 'http://localhost:2222',
      clientRegistrationOptions: { validScopes: ['config-scope'], defaultScopes: ['config-scope'] },
      revocationOptions: { enabled: false },
    };
    expect(layered([], config, env)).toEqual({
      issuerUrl: 'http://localhost:2222',
      requiredScopes: ['env-scope'],
      serviceDocumentationUrl: 'https://env.example/docs',
      clientRegistrationOptions: {
        enabled: true,
        validScopes: ['config-scope'],
        defaultScopes: ['config-scope'],
      },
      revocationOptions: { enabled: false },
    });
  });

  it('lets flags override both', () => {
    const config = {
      issuerUrl: 'http://localhost:2222',
      requiredScopes: ['config-scope'],
      approval: 'consent',
    };
    const merged = layered(
      ['--issuer-url', 'http://localhost:3333', '--no-registration', '--revocation', '--no-consent'],
      config,
      env,
    );
    expect(merged).toEqual({
      issuerUrl: 'http://localhost:3333',
      requiredScopes: ['config-scope'],
      serviceDocumentationUrl: 'https://env.example/docs',
      clientRegistrationOptions: { enabled: false, validScopes: ['env-a', 'env-b'] },
      revocationOptions: { enabled: true },
      approval: 'auto',
    });
  });

  it('merges clients by client_id, the later layer winning', () => {
    const config = {
      clients: [
        { client_id: 'a', redirect_uris: ['http://localhost/config-a'] },
        { client_id: 'b', redirect_uris: ['http://localhost/config-b'] },
      ],
    };
    const merged = layered(
      ['--client', '{"client_id":"a","redirect_uris":["http://localhost/flag-a"]}'],
      config,
      {},
    );
    expect(merged.clients).toEqual([
      { client_id: 'a', redirect_uris: ['http://localhost/flag-a'] },
      { client_id: 'b', redirect_uris: ['http://localhost/config-b'] },
    ]);
  });

  it('merges token lifetimes key by key', () => {
    const merged = layered(
      ['--access-token-seconds', '5'],
      { tokenLifetimes: { accessTokenSeconds: 100, refreshTokenSeconds: 200 } },
      {},
    );
    expect(merged.tokenLifetimes).toEqual({ accessTokenSeconds: 5, refreshTokenSeconds: 200 });
  });
});

describe('parseConfigFile', () => {
  it('accepts settings in the MockAuthServerSettings shape', () => {
    const settings = {
      issuerUrl: 'http://localhost:8000',
      clients: [{ client_id: 'x', redirect_uris: ['http://localhost/cb'] }],
      tokenLifetimes: { accessTokenSeconds: 10 },
    };
    expect(parseConfigFile(JSON.stringify(settings), 'a.json')).toEqual(settings);
  });

  it.each([
    ['{', /a\.json is not valid JSON/],
    ['[]', /a\.json must contain a JSON object of settings/],
    ['"text"', /a\.json must contain a JSON object/],
    ['{"issuer_url":"http://localhost"}', /a\.json: unknown setting "issuer_url"/],
    ['{"revocationOptions":true}', /a\.json: revocationOptions must be an object/],
    ['{"clients":{"client_id":"x"}}', /a\.json: clients must be a list/],
  ])('rejects %s', (text, message) => {
    expect(() => parseConfigFile(text, 'a.json')).toThrow(CliUsageError);
    expect(() => parseConfigFile(text, 'a.json')).toThrow(message);
  });
});

describe('resolveAddress', () => {
  it('defaults to FastMCP’s 127.0.0.1:8000', () => {
    expect(resolveAddress({}, {})).toEqual({ host: '127.0.0.1', port: 8000 });
  });

  it('reads FASTMCP_HOST and FASTMCP_PORT, and flags win over them', () => {
    const env = { FASTMCP_HOST: 'localhost', FASTMCP_PORT: '9001' };
    expect(resolveAddress({}, env)).toEqual({ host: 'localhost', port: 9001 });
    expect(resolveAddress({ host: '127.0.0.1', port: 0 }, env)).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('rejects a malformed FASTMCP_PORT', () => {
    expect(() => resolveAddress({}, { FASTMCP_PORT: 'eighty' })).toThrow(
      /FASTMCP_PORT must be a port number/,
    );
  });
});

describe('defaultIssuerUrl', () => {
  it('derives the issuer from the address actually bound', () => {
    expect(defaultIssuerUrl('127.0.0.1', 41234)).toBe('http://127.0.0.1:41234');
    expect(defaultIssuerUrl('0.0.0.0', 1)).toBe('http://localhost:1');
    expect(defaultIssuerUrl('::1', 1)).toBe('http://[::1]:1');
  });
});

describe('listening line', () => {
  it('round-trips through parseListeningLine', () => {
    const line = listeningLine('http://127.0.0.1:5000', 'http://127.0.0.1:5000/');
    expect(line).toBe(
      'mcp-mock-auth-server listening on http://127.0.0.1:5000 (issuer http://127.0.0.1:5000/)',
    );
    expect(parseListeningLine(`${line}\n`)).toEqual({
      url: 'http://127.0.0.1:5000',
      issuer: 'http://127.0.0.1:5000/',
    });
    expect(parseListeningLine('something else')).toBeUndefined();
  });
});

describe('internalErrorLine', () => {
  it('names method, path and message, never the query', () => {
    const line = internalErrorLine(new TypeError('boom'), {
      method: 'POST',
      url: 'http://127.0.0.1:8000/token?code=secret-code&state=s',
    });
    expect(line).toBe('mcp-mock-auth-server: internal error answering POST /token: TypeError: boom');
    expect(line).not.toContain('secret-code');
    expect(internalErrorLine('odd', { method: 'GET', url: 'http://x/y' })).toBe(
      'mcp-mock-auth-server: internal error answering GET /y: odd',
    );
  });
});

describe('bind failure line', () => {
  /** An error shaped as `net.Server#listen` emits it. */
  function systemError(code: string, syscall: string, message: string): Error {
    return Object.assign(new Error(message), { code, syscall });
  }
  const address = { host: '127.0.0.1', port: 8000 };

  it('names the port in use and suggests --port 0', () => {
    const error = systemError(
      'EADDRINUSE',
      'listen',
      'listen EADDRINUSE: address already in use 127.0.0.1:8000',
    );
    expect(isBindError(error)).toBe(true);
    expect(bindFailureLine(address, error)).toBe(
      'mcp-mock-auth-server: port 8000 is already in use on 127.0.0.1; pass --port 0 for a free port, or --port <n> for another one',
    );
  });

  it('explains a refused privileged port and an address that is not local', () => {
    expect(bindFailureLine({ host: '127.0.0.1', port: 80 }, systemError('EACCES', 'listen', 'x'))).toMatch(
      /not allowed to listen on 127\.0\.0\.1:80 .*--port 0/,
    );
    const elsewhere = { host: 'nonexistent.invalid', port: 1 };
    expect(bindFailureLine(elsewhere, systemError('ENOTFOUND', 'getaddrinfo', 'x'))).toMatch(
      /nonexistent\.invalid is not an address of this machine; pass --host 127\.0\.0\.1/,
    );
  });

  it('keeps the system message for other failures', () => {
    expect(bindFailureLine(address, systemError('EMFILE', 'listen', 'too many open files'))).toBe(
      'mcp-mock-auth-server: cannot listen on 127.0.0.1:8000: too many open files',
    );
  });

  it('tells bind errors from bugs', () => {
    expect(isBindError(new TypeError('boom'))).toBe(false);
    expect(isBindError(systemError('ENOENT', 'open', 'no file'))).toBe(false);
    expect(isBindError('EADDRINUSE')).toBe(false);
  });
});
