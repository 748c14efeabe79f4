/**
 * Which client scenarios the harness runs, and parsers for the suite's `list` output. Pure functions only.
 */

/** The conformance suite's auth extension scenarios (DPoP, machine clients, enterprise and workload identity). */
export const AUTH_EXTENSION_SCENARIOS: readonly string[] = [
  'auth/dpop',
  'auth/dpop-nonce',
  'auth/client-credentials-basic',
  'auth/client-credentials-jwt',
  'auth/enterprise-managed-authorization',
  'auth/wif-jwt-bearer',
];

/** The wire revision of the auth scenarios and the first requirement set (with `--force` for scenarios tagged for other revisions). */
export const CLIENT_SPEC_VERSION = '2025-11-25';

/** The stateless revision, whose requirement set runs at its own wire. */
export const STATELESS_SPEC_VERSION = '2026-07-28';

/**
 * The client runs, one per wire revision: the auth scenarios and requirement set at 2025-11-25, and the requirement
 * set of 2026-07-28 at its wire. `extensions`: what becomes of the set's not-scored extension scenarios (`skip`, or
 * run and report them without scoring); `required`: not-scored scenarios this project requires anyway.
 */
export interface ClientWire {
  readonly revision: string;
  readonly auth: boolean;
  readonly extensions: 'skip' | 'informational';
  readonly required: readonly string[];
  /** SKIPPED checks this revision makes impossible to exercise: not held against the client. */
  readonly inapplicable: readonly InapplicableCheck[];
}

/** A skipped check, by scenario and check name (ids repeat within a scenario; names do not). */
export interface InapplicableCheck {
  readonly scenario: string;
  readonly name: string;
  readonly reason: string;
}

/** Whether a SKIPPED check of `scenario` is one `wire` makes impossible. */
export function isInapplicable(
  wire: Pick<ClientWire, 'inapplicable'>,
  scenario: string,
  check: { readonly name?: string | undefined; readonly status: string },
): boolean {
  return (
    check.status === 'SKIPPED' &&
    wire.inapplicable.some((entry) => entry.scenario === scenario && entry.name === check.name)
  );
}

const NO_HANDSHAKE = 'the stateless revision has no initialize handshake';

export const CLIENT_WIRES: readonly ClientWire[] = [
  // The schema scenario was added after both sets froze, so the suite does not score it; keeping a tool's schema as
  // the server wrote it is this client's promise, so it must pass here.
  {
    revision: CLIENT_SPEC_VERSION,
    auth: true,
    extensions: 'skip',
    required: ['json-schema-2020-12-preservation'],
    inapplicable: [],
  },
  {
    revision: STATELESS_SPEC_VERSION,
    auth: false,
    extensions: 'informational',
    // The set runs its auth extensions without scoring them; this client implements all six, so they must pass.
    required: ['json-schema-2020-12-preservation', ...AUTH_EXTENSION_SCENARIOS],
    // The scenario serves both revisions and lists the handshake's methods among those whose Mcp-Method it checks.
    inapplicable: [
      { scenario: 'http-standard-headers', name: 'ClientMcpMethodHeader_initialize', reason: NO_HANDSHAKE },
      {
        scenario: 'http-standard-headers',
        name: 'ClientMcpMethodHeader_notifications_initialized',
        reason: NO_HANDSHAKE,
      },
    ],
  },
];

/** The client auth scenarios this project must pass: the whole auth suite, backcompat included, extensions excluded. */
export const CLIENT_AUTH_SCENARIOS: readonly string[] = [
  'auth/metadata-default',
  'auth/metadata-var1',
  'auth/metadata-var2',
  'auth/metadata-var3',
  'auth/basic-cimd',
  'auth/scope-from-www-authenticate',
  'auth/scope-from-scopes-supported',
  'auth/scope-omitted-when-undefined',
  'auth/scope-step-up',
  'auth/scope-retry-limit',
  'auth/token-endpoint-auth-basic',
  'auth/token-endpoint-auth-post',
  'auth/token-endpoint-auth-none',
  'auth/pre-registration',
  'auth/resource-mismatch',
  'auth/offline-access-scope',
  'auth/offline-access-not-supported',
  'auth/authorization-server-migration',
  'auth/iss-supported',
  'auth/iss-not-advertised',
  'auth/iss-supported-missing',
  'auth/iss-wrong-issuer',
  'auth/iss-unexpected',
  'auth/iss-normalized',
  'auth/metadata-issuer-mismatch',
  'auth/2025-03-26-oauth-metadata-backcompat',
  'auth/2025-03-26-oauth-endpoint-fallback',
];

/** The authorization-server scenarios, run in this order (the second reuses the first one's metadata). */
export const AUTHORIZATION_SERVER_SCENARIOS: readonly string[] = [
  'authorization-server-metadata-endpoint',
  'authorization-code-grant',
];

export interface ScenarioListing {
  readonly server: readonly string[];
  readonly client: readonly string[];
  readonly authorization: readonly string[];
}

const SECTION_HEADINGS: readonly [RegExp, keyof ScenarioListing][] = [
  [/^Server scenarios\b/, 'server'],
  [/^Client scenarios\b/, 'client'],
  [/^Authorization server scenarios\b/, 'authorization'],
];

/** `  - name [versions]` → `name` */
function listItem(line: string): string | undefined {
  const match = /^\s+-\s+(\S+)/.exec(line);
  return match?.[1];
}

/** Parses the output of `conformance list` (scenario names per section, applicability tags dropped). */
export function parseScenarioListing(output: string): ScenarioListing {
  const sections: Record<keyof ScenarioListing, string[]> = { server: [], client: [], authorization: [] };
  let current: keyof ScenarioListing | undefined;
  for (const line of output.split(/\r?\n/)) {
    const heading = SECTION_HEADINGS.find(([pattern]) => pattern.test(line));
    if (heading) {
      current = heading[1];
      continue;
    }
    const item = listItem(line);
    if (item !== undefined && current !== undefined) sections[current].push(item);
  }
  return sections;
}

export interface NotScoredEntry {
  readonly scenario: string;
  readonly leg: string;
  readonly reason: string;
}

export interface RequirementSet {
  readonly revision: string;
  /** Client scenarios the revision requires (scored). */
  readonly client: readonly string[];
  /** Scenarios run and reported but never scored. */
  readonly notScored: readonly NotScoredEntry[];
}

/** Parses the output of `conformance list --requirements <revision>`. */
export function parseRequirementSet(output: string): RequirementSet {
  const lines = output.split(/\r?\n/);
  const revision = /^Required for (\S+)/.exec(
    lines.find((line) => line.startsWith('Required for ')) ?? '',
  )?.[1];
  if (revision === undefined)
    throw new Error('unexpected `conformance list --requirements` output: no "Required for" line');

  const client: string[] = [];
  const notScored: NotScoredEntry[] = [];
  let section: 'server' | 'client' | 'not-scored' | undefined;
  let reason = '';
  for (const line of lines) {
    if (/^Server scenarios\b/.test(line)) section = 'server';
    else if (/^Client scenarios\b/.test(line)) section = 'client';
    else if (/^Run and reported, but never scored/.test(line)) section = 'not-scored';
    else if (section === 'not-scored' && /^\s{2}\S.*\(\d+\):\s*$/.test(line)) {
      reason = line.trim().replace(/\s*\(\d+\):$/, '');
    } else if (section === 'not-scored') {
      const match = /^\s+-\s+(\S+)\s+\[([^\]]+)\]/.exec(line);
      if (match?.[1] !== undefined && match[2] !== undefined) {
        notScored.push({ scenario: match[1], leg: match[2], reason });
      }
    } else if (section === 'client') {
      const item = listItem(line);
      if (item !== undefined) client.push(item);
    }
  }
  return { revision, client, notScored };
}

export type ScenarioGroup = 'auth' | 'requirements';

export interface PlannedScenario {
  readonly scenario: string;
  readonly groups: readonly ScenarioGroup[];
  /** Run for information only: its problems never fail the run. */
  readonly informational: boolean;
}

export interface PlanOptions {
  /** Not-scored extension scenarios: left out (default) or run for information. */
  readonly extensions?: 'skip' | 'informational';
  /** Not-scored scenarios that are scored here all the same. */
  readonly required?: readonly string[];
}

/**
 * The client scenarios of one wire revision. The auth run (`--spec-version 2025-11-25 --force`) and the requirement
 * set's run (`--requirements 2025-11-25`, which pins the same wire and forces) are the same invocation per scenario,
 * so a scenario in both groups runs once. Extensions are left out unless `options.extensions` says otherwise; other
 * not-scored scenarios of the requirement set run for information, except those `options.required` names.
 */
export function planClientScenarios(
  auth: readonly string[],
  requirements: RequirementSet | undefined,
  options: PlanOptions = {},
): PlannedScenario[] {
  const planned = new Map<string, { groups: ScenarioGroup[]; informational: boolean }>();
  const add = (scenario: string, group: ScenarioGroup, informational: boolean): void => {
    const entry = planned.get(scenario);
    if (entry) {
      if (!entry.groups.includes(group)) entry.groups.push(group);
      entry.informational &&= informational;
    } else {
      planned.set(scenario, { groups: [group], informational });
    }
  };
  for (const scenario of auth) add(scenario, 'auth', false);
  if (requirements) {
    for (const scenario of requirements.client) add(scenario, 'requirements', false);
    for (const entry of requirements.notScored) {
      if (entry.leg !== 'client') continue;
      if (entry.reason === 'extension' && options.extensions !== 'informational') continue;
      add(entry.scenario, 'requirements', !(options.required ?? []).includes(entry.scenario));
    }
  }
  return [...planned].map(([scenario, { groups, informational }]) => ({ scenario, groups, informational }));
}
