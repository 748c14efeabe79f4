/** The `mcp-mock-auth-server` command's name and its `--help` text. */
import { MOCK_SERVER_PRESET_NAMES } from '../presets.js';
import { DEFAULT_TOKEN_LIFETIMES } from '../settings.js';
import { DEFAULT_STATE_LIMITS } from '../settings-limits.js';

export const CLI_NAME = 'mcp-mock-auth-server';

/** `items` joined by `, ` in lines indented by `indent` and no longer than `width`. */
function wrapList(items: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? item : `${line}, ${item}`;
    if (indent + next.length + 1 > width && line !== '') {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines.map((text) => `${' '.repeat(indent)}${text}`).join('\n');
}

const DAY = 24 * 3600;

export const CLI_HELP = `Usage: ${CLI_NAME} [options]

A mock of the Python MCP SDK's FastMCP authorization server and protected MCP endpoint.
Prints one line "${CLI_NAME} listening on <url> (issuer <issuer>)" on stdout when ready;
stops on SIGINT or SIGTERM.

Server:
  --host <host>                         interface to bind (default 127.0.0.1; env FASTMCP_HOST)
  --port <port>                         port to bind, 0 picks a free one (default 8000; env FASTMCP_PORT)
  -v, --verbose                         one line per request on stderr: time, method, path, status, duration,
                                        client_id (codes, tokens, secrets and the query never shown)

Settings (FastMCP AuthSettings):
  --issuer-url <url>                    default: http://<host>:<bound port>/
  --resource-server-url <url>           default: <issuer origin>/mcp
  --service-documentation-url <url>
  --required-scopes <a,b>               scopes every access token must carry at the MCP endpoint
  --registration / --no-registration    serve /register (dynamic client registration)
  --valid-scopes <a,b>                  scopes a client may register for
  --default-scopes <a,b>                scope of a client that registers without one
  --client-secret-expiry-seconds <n>    lifetime of registered client secrets
  --revocation / --no-revocation        serve /revoke
  --dns-rebinding-protection / --no-dns-rebinding-protection
                                        check Host (421) and Origin (403) at the MCP endpoint (default: on when the
                                        resource URL's host is 127.0.0.1, localhost or [::1], as FastMCP bound there)
  --allowed-hosts <a,b>                 Host values accepted, e.g. mcp.example:443 or 127.0.0.1:* (any port)
  --allowed-origins <a,b>               Origin values accepted, e.g. http://localhost:* (any of these three flags
                                        replaces the loopback defaults: unlisted hosts and origins are refused)

Mock settings:
  --consent / --no-consent              show an Approve / Deny page instead of approving at once
  --client <json>                       a pre-registered client (repeatable), e.g.
                                        '{"client_id":"app","redirect_uris":["http://localhost:3000/cb"]}'
  --authorization-code-seconds <n>      lifetime of authorization codes (default ${DEFAULT_TOKEN_LIFETIMES.authorizationCodeSeconds})
  --access-token-seconds <n>            lifetime of access tokens (default ${DEFAULT_TOKEN_LIFETIMES.accessTokenSeconds})
  --refresh-token-seconds <n|never>     lifetime of refresh tokens (default ${DEFAULT_TOKEN_LIFETIMES.refreshTokenSeconds / DAY} days)
  --consent-seconds <n>                 how long a consent page stays valid (default ${DEFAULT_TOKEN_LIFETIMES.consentSeconds})
  --max-clients <n>                     registered clients kept (default ${DEFAULT_STATE_LIMITS.maxClients}; --client ones not counted):
                                        one more forgets the least recently used one and revokes its tokens
  --max-tokens <n>                      access tokens kept, and refresh tokens kept (default ${DEFAULT_STATE_LIMITS.maxTokens}):
                                        one more forgets the oldest
  --max-pending-authorizations <n>      unredeemed codes kept, and consent requests kept (default ${DEFAULT_STATE_LIMITS.maxPendingAuthorizations}):
                                        one more forgets the oldest. Expired entries are forgotten as new ones
                                        come in (codes and refresh tokens a day after they expire: until then
                                        they answer "has expired")

Beyond FastMCP (off by default; --spec latest turns every one on, --no-<flag> turns one off again):
  --spec <fastmcp|latest>               fastmcp (default) or latest
  --iss / --no-iss                      RFC 9207 iss on authorization responses (+ metadata flag)
  --path-aware-metadata                 RFC 8414 path insertion, openid-configuration, endpoints under the issuer path
  --cimd                                accept Client ID Metadata Documents (https client_id URLs)
  --challenge-scope                     scope= in the MCP endpoint's WWW-Authenticate
  --audience-binding                    RFC 8707: invalid_target for other resources, tokens bound to one resource
  --code-replay-revocation              a replayed authorization code revokes its grant's tokens
  --refresh-reuse-revocation            a reused rotated refresh token revokes its family
  --advertise-none                      "none" in token_endpoint_auth_methods_supported
  --mcp-cors                            CORS on the MCP endpoint (Authorization allowed, headers exposed)
  --step-up                             403 insufficient_scope + scope= for elevated_echo without its scope
  --protocol-eras <eras>                MCP eras served: 2025-11-25 (sessions), 2026-07-28 (stateless), or both
                                        comma-separated (default: 2025-11-25; both with --spec latest)
  --restrict-redirect-schemes           redirect URIs only https, http or reverse-domain private-use schemes
                                        (com.example.app:/cb): javascript:, data:, file:, … refused (FastMCP: any)
  --client-credentials                  the client_credentials grant (client secret or private_key_jwt)
  --jwt-bearer                          the JWT bearer grant (workload JWTs, identity assertions) and the
                                        identity provider at <issuer>/idp (token exchange for ID-JAGs)
  --dpop                                DPoP (RFC 9449): proofs checked at /token and /mcp, tokens bound to keys
  --dpop-nonce <none|as|rs|both>        where a DPoP nonce is demanded (default none): as = /token, rs = /mcp
  --dpop-algs <algs>                    DPoP proof algorithms, comma-separated (default ES256,ES384,ES512,RS256,PS256;
                                        also RS384, RS512, PS384, PS512, EdDSA)
  --preset <name>                       a server variant on top of the settings, one of:
${wrapList(MOCK_SERVER_PRESET_NAMES, 40, 110)}

  --control-path <path>                 serve the HTTP control API under <path>, e.g. /__mock (default: off):
                                        GET state, GET requests?since=N, POST preset {"name":…}, reset,
                                        clock {"advanceSeconds":…}, fault {"target":…}, tokens {"action":…},
                                        approval {"mode":…}; POSTs need Content-Type: application/json
  --config <file.json>                  settings as JSON, in the MockAuthServerSettings shape
  -V, --version                         print the version and exit
  -h, --help                            show this help

Precedence: flags > --config file > FASTMCP_AUTH__* environment > defaults.
Environment: FASTMCP_AUTH__ISSUER_URL, FASTMCP_AUTH__RESOURCE_SERVER_URL, FASTMCP_AUTH__REQUIRED_SCOPES,
  FASTMCP_AUTH__SERVICE_DOCUMENTATION_URL, FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__ENABLED|VALID_SCOPES|
  DEFAULT_SCOPES|CLIENT_SECRET_EXPIRY_SECONDS, FASTMCP_AUTH__REVOCATION_OPTIONS__ENABLED.
`;
