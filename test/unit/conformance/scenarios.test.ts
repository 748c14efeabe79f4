import { describe, expect, it } from 'vitest';
import {
  CLIENT_AUTH_SCENARIOS,
  CLIENT_WIRES,
  isInapplicable,
  parseRequirementSet,
  parseScenarioListing,
  planClientScenarios,
} from '../../conformance/scenarios.js';

// Shortened output of `conformance list` and `conformance list --requirements 2025-11-25` (0.2.0-alpha.12).
const LISTING = `Server scenarios (test against a server):
  - server-initialize [2025-06-18,2025-11-25]
  - tools-list [2025-06-18,2025-11-25,2026-07-28]

Client scenarios (test against a client):
  - initialize [2025-06-18,2025-11-25]
  - tools_call [2025-06-18,2025-11-25,2026-07-28]
  - auth/metadata-default [2025-11-25,2026-07-28]
  - auth/2025-03-26-oauth-endpoint-fallback [2025-03-26]
  - auth/dpop [extension]

Authorization server scenarios (test against an authorization server):
  - authorization-server-metadata-endpoint [2025-03-26,2025-06-18,2025-11-25,2026-07-28]
  - authorization-code-grant [2025-03-26,2025-06-18,2025-11-25,2026-07-28]
`;

const REQUIREMENTS = `Required for 2025-11-25 (48 scenarios, frozen; run at the 2025-11-25 wire):

Server scenarios (test against a server):
  - server-initialize
  - dns-rebinding-protection

Client scenarios (test against a client):
  - initialize
  - sse-retry
  - auth/metadata-default

Run and reported, but never scored:
  extension (2):
    - auth/client-credentials-jwt [client]
    - auth/dpop [client]
  added-after-release (2):
    - server-session-lifecycle [server]
    - json-schema-2020-12-preservation [client]
  pending (1):
    - server-sse-polling [server]

`;

describe('parseScenarioListing', () => {
  it('reads each section and drops the applicability tags', () => {
    expect(parseScenarioListing(LISTING)).toEqual({
      server: ['server-initialize', 'tools-list'],
      client: [
        'initialize',
        'tools_call',
        'auth/metadata-default',
        'auth/2025-03-26-oauth-endpoint-fallback',
        'auth/dpop',
      ],
      authorization: ['authorization-server-metadata-endpoint', 'authorization-code-grant'],
    });
  });

  it('reads a client-only listing (`list --client`)', () => {
    const clientOnly = LISTING.slice(
      LISTING.indexOf('Client scenarios'),
      LISTING.indexOf('Authorization server'),
    );
    expect(parseScenarioListing(clientOnly).client).toHaveLength(5);
    expect(parseScenarioListing(clientOnly).server).toEqual([]);
  });
});

describe('parseRequirementSet', () => {
  it('reads the revision, the scored client scenarios and the not-scored entries with leg and reason', () => {
    expect(parseRequirementSet(REQUIREMENTS)).toEqual({
      revision: '2025-11-25',
      client: ['initialize', 'sse-retry', 'auth/metadata-default'],
      notScored: [
        { scenario: 'auth/client-credentials-jwt', leg: 'client', reason: 'extension' },
        { scenario: 'auth/dpop', leg: 'client', reason: 'extension' },
        { scenario: 'server-session-lifecycle', leg: 'server', reason: 'added-after-release' },
        { scenario: 'json-schema-2020-12-preservation', leg: 'client', reason: 'added-after-release' },
        { scenario: 'server-sse-polling', leg: 'server', reason: 'pending' },
      ],
    });
  });

  it('refuses output that is not a requirement set', () => {
    expect(() => parseRequirementSet(LISTING)).toThrow(/Required for/);
  });
});

describe('planClientScenarios', () => {
  it('runs a scenario named by both groups once, and leaves extensions and server legs out', () => {
    const plan = planClientScenarios(
      ['auth/metadata-default', 'auth/iss-supported'],
      parseRequirementSet(REQUIREMENTS),
    );
    expect(plan).toEqual([
      { scenario: 'auth/metadata-default', groups: ['auth', 'requirements'], informational: false },
      { scenario: 'auth/iss-supported', groups: ['auth'], informational: false },
      { scenario: 'initialize', groups: ['requirements'], informational: false },
      { scenario: 'sse-retry', groups: ['requirements'], informational: false },
      { scenario: 'json-schema-2020-12-preservation', groups: ['requirements'], informational: true },
    ]);
  });

  it('runs extensions for information when asked, and scores a not-scored scenario the wire requires', () => {
    const plan = planClientScenarios([], parseRequirementSet(REQUIREMENTS), {
      extensions: 'informational',
      required: ['json-schema-2020-12-preservation'],
    });
    expect(plan.filter((p) => p.informational).map((p) => p.scenario)).toEqual([
      'auth/client-credentials-jwt',
      'auth/dpop',
    ]);
    expect(plan.find((p) => p.scenario === 'json-schema-2020-12-preservation')?.informational).toBe(false);
  });

  it('runs the 2026-07-28 requirement set at its own wire, requiring the scenarios the suite does not score: the schema one and the six auth extensions', () => {
    const stateless = CLIENT_WIRES.find((wire) => wire.revision === '2026-07-28');
    expect(stateless).toMatchObject({ auth: false, extensions: 'informational' });
    expect(stateless?.required).toEqual([
      'json-schema-2020-12-preservation',
      'auth/dpop',
      'auth/dpop-nonce',
      'auth/client-credentials-basic',
      'auth/client-credentials-jwt',
      'auth/enterprise-managed-authorization',
      'auth/wif-jwt-bearer',
    ]);
    expect(CLIENT_WIRES.map((wire) => wire.revision)).toEqual(['2025-11-25', '2026-07-28']);
  });

  it('excuses only the skipped checks a wire lists, by scenario and check name', () => {
    const wire = { inapplicable: [{ scenario: 's', name: 'N', reason: 'r' }] };
    expect(isInapplicable(wire, 's', { name: 'N', status: 'SKIPPED' })).toBe(true);
    expect(isInapplicable(wire, 's', { name: 'N', status: 'FAILURE' })).toBe(false);
    expect(isInapplicable(wire, 'other', { name: 'N', status: 'SKIPPED' })).toBe(false);
    expect(isInapplicable(wire, 's', { name: 'M', status: 'SKIPPED' })).toBe(false);
  });

  it('plans only the auth scenarios without a requirement set', () => {
    expect(planClientScenarios(CLIENT_AUTH_SCENARIOS, undefined)).toHaveLength(CLIENT_AUTH_SCENARIOS.length);
  });

  it('lists every client auth scenario of the spec once, backcompat included and extensions excluded', () => {
    expect(new Set(CLIENT_AUTH_SCENARIOS).size).toBe(27);
    expect(CLIENT_AUTH_SCENARIOS).toContain('auth/2025-03-26-oauth-endpoint-fallback');
    expect(CLIENT_AUTH_SCENARIOS.filter((s) => /dpop|client-credentials|enterprise|wif/.test(s))).toEqual([]);
  });
});
