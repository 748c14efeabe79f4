/**
 * Named server variants for testing clients: each one a settings patch applied on top of the mock's initial
 * settings (`mock.control.usePreset(name)` switches at run time; `presetPatch(name, settings)` gives the patch).
 *
 * | name                        | what the client meets                                                                  |
 * |-----------------------------|----------------------------------------------------------------------------------------|
 * | `fastmcp`                   | the initial settings without `spec`, beyond-FastMCP switches or quirks                 |
 * | `latest`                    | `spec: 'latest'`: every beyond-FastMCP switch on                                       |
 * | `path-issuer`               | issuer `<origin>/tenant`, RFC 8414 path-inserted metadata, endpoints under `/tenant`   |
 * | `trailing-slash-issuer`     | issuer `<origin>/tenant/` (trailing slash kept), path-inserted metadata                |
 * | `metadata-issuer-mismatch`  | metadata `issuer` is `<origin>/other-issuer`, not the issuer it was fetched for         |
 * | `iss-wrong`                 | RFC 9207 advertised, authorization responses carry a wrong `iss`                       |
 * | `iss-missing`               | RFC 9207 advertised, authorization responses carry no `iss`                            |
 * | `iss-unadvertised`          | `iss` sent (correct) but not advertised in the metadata                                |
 * | `no-s256`                   | `code_challenge_methods_supported` absent (clients must refuse to go on)               |
 * | `pre-registration-only`     | no registration endpoint, no CIMD: only pre-registered clients work                    |
 * | `cimd-only`                 | no registration endpoint; Client ID Metadata Documents accepted and advertised          |
 * | `resource-mismatch`         | protected-resource metadata names `https://elsewhere.example/mcp` as its `resource`    |
 * | `step-up`                   | `elevated_echo` without the elevated scope → 403 `insufficient_scope` with `scope=`    |
 * | `2025-03-26`                | no protected-resource metadata, no `resource_metadata=` in challenges; DCR on          |
 * | `no-refresh-token`          | token responses never carry a refresh token                                            |
 * | `short-lived-tokens`        | codes 30 s, access tokens 5 s, refresh tokens 60 s                                     |
 *
 * A resource that moves to a second authorization server needs that server: run a second mock and register
 * `resourceMovedTo(second.settings.issuerUrl)` as a preset (and pass `peers: [second]` so its tokens are accepted):
 * the protected-resource metadata then names only the second issuer and the first one's tokens are refused.
 */
import type { PresetPatch } from './controls/control-layer.js';
import type { SettingsPatch } from './controls/settings-patch.js';
import type { ResolvedMockAuthServerSettings } from './settings.js';

/** Path of the issuer in the path-issuer presets. */
const PRESET_ISSUER_PATH = '/tenant';
/** The `resource` the `resource-mismatch` preset publishes. */
export const ELSEWHERE_RESOURCE = 'https://elsewhere.example/mcp';

const origin = (settings: ResolvedMockAuthServerSettings): string => new URL(settings.issuerUrl).origin;

/** The name of a built-in preset (the table above says what each one does). */
export type MockServerPresetName =
  | 'fastmcp'
  | 'latest'
  | 'path-issuer'
  | 'trailing-slash-issuer'
  | 'metadata-issuer-mismatch'
  | 'iss-wrong'
  | 'iss-missing'
  | 'iss-unadvertised'
  | 'no-s256'
  | 'pre-registration-only'
  | 'cimd-only'
  | 'resource-mismatch'
  | 'step-up'
  | '2025-03-26'
  | 'no-refresh-token'
  | 'short-lived-tokens';

/** The built-in presets, in table order; `satisfies` keeps them and {@link MockServerPresetName} in step. */
export const MOCK_SERVER_PRESETS = {
  fastmcp: { spec: undefined, beyondFastMcp: undefined, quirks: undefined },
  latest: { spec: 'latest' },
  'path-issuer': (initial) => ({
    issuerUrl: `${origin(initial)}${PRESET_ISSUER_PATH}`,
    beyondFastMcp: { pathAwareMetadata: true },
  }),
  'trailing-slash-issuer': (initial) => ({
    issuerUrl: `${origin(initial)}${PRESET_ISSUER_PATH}/`,
    beyondFastMcp: { pathAwareMetadata: true },
  }),
  'metadata-issuer-mismatch': (initial) => ({
    quirks: { metadataIssuer: `${origin(initial)}/other-issuer` },
  }),
  'iss-wrong': { quirks: { iss: 'wrong' } },
  'iss-missing': { quirks: { iss: 'missing' } },
  'iss-unadvertised': { quirks: { iss: 'unadvertised' } },
  'no-s256': { quirks: { omitS256: true } },
  'pre-registration-only': {
    clientRegistrationOptions: { enabled: false },
    beyondFastMcp: { clientIdMetadataDocuments: false },
  },
  'cimd-only': {
    clientRegistrationOptions: { enabled: false },
    beyondFastMcp: { clientIdMetadataDocuments: true, advertisePublicClients: true },
  },
  'resource-mismatch': { quirks: { resourceMetadataResource: ELSEWHERE_RESOURCE } },
  'step-up': { beyondFastMcp: { stepUpChallenge: true, challengeScope: true } },
  '2025-03-26': { quirks: { omitResourceMetadata: true }, clientRegistrationOptions: { enabled: true } },
  'no-refresh-token': { quirks: { omitRefreshToken: true } },
  'short-lived-tokens': {
    tokenLifetimes: { authorizationCodeSeconds: 30, accessTokenSeconds: 5, refreshTokenSeconds: 60 },
  },
} as const satisfies Readonly<Record<MockServerPresetName, PresetPatch>>;

/** Every built-in preset name, in table order: what `mock.control.usePreset` accepts besides your own presets. */
export const MOCK_SERVER_PRESET_NAMES = Object.keys(MOCK_SERVER_PRESETS) as MockServerPresetName[];

/** The patch of a built-in preset for a mock whose settings are `initial`. */
export function presetPatch(
  name: MockServerPresetName,
  initial: ResolvedMockAuthServerSettings,
): SettingsPatch {
  const preset: PresetPatch = MOCK_SERVER_PRESETS[name];
  return typeof preset === 'function' ? preset(initial) : preset;
}

/** The resource now trusts only `issuerUrl` (another mock, passed as a peer): its metadata and its MCP endpoint. */
export function resourceMovedTo(issuerUrl: string): SettingsPatch {
  return { quirks: { resourceAuthorizationServers: [issuerUrl] } };
}
