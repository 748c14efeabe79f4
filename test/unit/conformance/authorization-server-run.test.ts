import { describe, expect, it } from 'vitest';
import { listeningUrlIn } from '../../conformance/authorization-server-process.js';
import type { ConformanceCheck } from '../../conformance/results.js';
import {
  authorizationServerChecks,
  failsAuthorizationServerRun,
  FASTMCP_TOLERATED_WARNINGS,
  parseAuthorizationServerArgs,
  preRegisteredClient,
  specServerArgs,
} from '../../conformance/run-authorization-server.js';

const ok = (id: string): ConformanceCheck => ({ id, name: id, description: id, status: 'SUCCESS' });
const CLEAN_EXIT = { code: 0, timedOut: false } as const;

describe('preRegisteredClient', () => {
  it('registers the suite callback as the only redirect URI', () => {
    expect(preRegisteredClient('public', 40123).redirect_uris).toEqual(['http://127.0.0.1:40123/callback']);
  });

  it('gives the confidential client a secret and client_secret_post, the public one neither', () => {
    const confidential = preRegisteredClient('confidential', 1);
    const pub = preRegisteredClient('public', 1);
    expect(confidential.token_endpoint_auth_method).toBe('client_secret_post');
    expect(confidential.client_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(pub.token_endpoint_auth_method).toBe('none');
    expect(pub.client_secret).toBeUndefined();
    expect(confidential.client_id).not.toBe(preRegisteredClient('confidential', 1).client_id);
  });
});

describe('authorizationServerChecks', () => {
  const both = new Map([
    ['authorization-server-metadata-endpoint', [ok('authorization-server-metadata')]],
    ['authorization-code-grant', [ok('authorization-code-grant')]],
  ]);

  it('passes the suite checks through', () => {
    expect(authorizationServerChecks(both, undefined, CLEAN_EXIT)).toEqual(both);
  });

  it('fails a scenario without results, saying whether the time limit stopped it', () => {
    const checks = authorizationServerChecks(new Map(), undefined, { code: null, timedOut: true });
    expect(checks.get('authorization-code-grant')?.map((c) => [c.id, c.errorMessage])).toEqual([
      ['runner:no-results', 'the suite was stopped at the time limit'],
    ]);
  });

  it('fails a skipped scenario: the grant was not exercised', () => {
    const skipped = new Map(both);
    skipped.set('authorization-code-grant', [
      { ...ok('authorization-code-grant'), status: 'SKIPPED', errorMessage: 'requires --client-id' },
    ]);
    const ids = authorizationServerChecks(skipped, undefined, CLEAN_EXIT)
      .get('authorization-code-grant')
      ?.map((c) => c.id);
    expect(ids).toEqual(['authorization-code-grant', 'runner:skipped']);
  });

  it('fails a scenario whose checks.json holds no check', () => {
    const empty = new Map(both);
    empty.set('authorization-server-metadata-endpoint', []);
    const checks = authorizationServerChecks(empty, undefined, CLEAN_EXIT);
    expect(checks.get('authorization-server-metadata-endpoint')?.map((c) => [c.id, c.status])).toEqual([
      ['runner:no-checks', 'FAILURE'],
    ]);
    expect(checks.get('authorization-code-grant')).toEqual([ok('authorization-code-grant')]);
  });

  it('honours a non-zero exit of the suite that no failing check explains', () => {
    const checks = authorizationServerChecks(both, undefined, { code: 1, timedOut: false });
    expect(checks.get('authorization-server-metadata-endpoint')).toEqual([
      ok('authorization-server-metadata'),
    ]);
    const grant = checks.get('authorization-code-grant') ?? [];
    expect(grant.map((c) => [c.id, c.status])).toEqual([
      ['authorization-code-grant', 'SUCCESS'],
      ['runner:suite-exit', 'FAILURE'],
    ]);
    expect(grant[1]?.errorMessage).toMatch(/^exit code 1 without a failing check/);
  });

  it('counts a suite killed by a signal as a non-zero exit', () => {
    const grant = authorizationServerChecks(both, undefined, { code: null, timedOut: true }).get(
      'authorization-code-grant',
    );
    expect(grant?.map((c) => c.id)).toEqual(['authorization-code-grant', 'runner:suite-exit']);
    expect(grant?.[1]?.errorMessage).toContain('stopped at the time limit');
  });

  it('adds no exit failure when a failing check explains the exit code', () => {
    const failing = new Map(both);
    failing.set('authorization-code-grant', [
      { ...ok('authorization-code-grant'), status: 'FAILURE', errorMessage: 'no Cache-Control' },
    ]);
    const checks = authorizationServerChecks(failing, undefined, { code: 1, timedOut: false });
    expect([...checks.values()].flat().map((c) => c.id)).toEqual([
      'authorization-server-metadata',
      'authorization-code-grant',
    ]);
  });

  it('reports a headless-driver problem against the grant scenario only', () => {
    const checks = authorizationServerChecks(
      new Map([['authorization-server-metadata-endpoint', [ok('authorization-server-metadata')]]]),
      'the authorization endpoint answered 200 without a redirect',
      { code: null, timedOut: false },
    );
    expect(checks.get('authorization-server-metadata-endpoint')).toEqual([
      ok('authorization-server-metadata'),
    ]);
    expect(checks.get('authorization-code-grant')?.map((c) => c.id)).toEqual([
      'runner:headless-authorization',
    ]);
  });
});

describe('listeningUrlIn', () => {
  it('finds the loopback URL a server prints', () => {
    expect(
      listeningUrlIn(
        'mcp-mock-auth-server listening on http://127.0.0.1:41234 (issuer http://127.0.0.1:41234/)',
      ),
    ).toBe('http://127.0.0.1:41234');
    expect(listeningUrlIn('Mock authorization server listening on http://127.0.0.1:39183/.')).toBe(
      'http://127.0.0.1:39183/',
    );
    expect(listeningUrlIn('starting…')).toBeUndefined();
  });
});

describe('spec modes of the authorization-server run', () => {
  it('runs both modes by default and checks --spec', () => {
    expect(parseAuthorizationServerArgs([]).specs).toStrictEqual(['fastmcp', 'latest']);
    expect(parseAuthorizationServerArgs(['--spec', 'latest']).specs).toStrictEqual(['latest']);
    expect(() => parseAuthorizationServerArgs(['--spec', 'newest'])).toThrow(/--spec/);
  });

  it('starts the server with --spec latest, keeping none unadvertised for the confidential client', () => {
    expect(specServerArgs('fastmcp', 'confidential')).toStrictEqual([]);
    expect(specServerArgs('latest', 'public')).toStrictEqual(['--spec', 'latest']);
    expect(specServerArgs('latest', 'confidential')).toStrictEqual([
      '--spec',
      'latest',
      '--no-advertise-none',
    ]);
  });
});

describe('warnings in the authorization-server run', () => {
  const METADATA = 'authorization-server-metadata-endpoint';
  const warning = (id: string): ConformanceCheck => ({ ...ok(id), status: 'WARNING' });
  const cimd = warning('authorization-server-metadata-cimd');

  it('tolerates exactly the CIMD warning of the metadata scenario, and only in FastMCP mode', () => {
    expect(FASTMCP_TOLERATED_WARNINGS).toStrictEqual([
      { scenario: METADATA, check: 'authorization-server-metadata-cimd' },
    ]);
    expect(failsAuthorizationServerRun('fastmcp', METADATA, cimd)).toBe(false);
    expect(failsAuthorizationServerRun('latest', METADATA, cimd)).toBe(true);
  });

  it('fails any other warning in FastMCP mode: another id, or the same id in another scenario', () => {
    expect(failsAuthorizationServerRun('fastmcp', METADATA, warning('authorization-server-metadata'))).toBe(
      true,
    );
    expect(failsAuthorizationServerRun('fastmcp', 'authorization-code-grant', cimd)).toBe(true);
  });

  it('fails a FAILURE of the CIMD check and passes a SUCCESS in both modes', () => {
    const failed: ConformanceCheck = { ...cimd, status: 'FAILURE' };
    expect(failsAuthorizationServerRun('fastmcp', METADATA, failed)).toBe(true);
    expect(failsAuthorizationServerRun('fastmcp', METADATA, ok('authorization-server-metadata'))).toBe(false);
    expect(failsAuthorizationServerRun('latest', METADATA, ok('authorization-server-metadata'))).toBe(false);
  });
});
