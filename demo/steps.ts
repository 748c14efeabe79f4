/**
 * The walkthrough's steps: what each one shows, what the specification requires there, and where it says so.
 * Pure data.
 */

/** One panel of the walkthrough, in flow order. */
export type StepId =
  | 'probe'
  | 'resource-metadata'
  | 'as-metadata'
  | 'identity'
  | 'auth-request'
  | 'consent'
  | 'callback'
  | 'token'
  | 'session'
  | 'tool'
  | 'step-up'
  | 'refresh'
  | 'sign-out';

export interface StepInfo {
  readonly id: StepId;
  readonly title: string;
  /** What the specification requires at this step, in a sentence or two. */
  readonly requirement: string;
  readonly links: ReadonlyArray<{ readonly label: string; readonly href: string }>;
}

const MCP_AUTH = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization';
const rfc = (n: number, section?: string) =>
  `https://datatracker.ietf.org/doc/html/rfc${n}${section ? `#section-${section}` : ''}`;
const OAUTH21 = 'https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1-13';

export const STEPS: readonly StepInfo[] = [
  {
    id: 'probe',
    title: 'Unauthenticated request',
    requirement:
      'A protected MCP server answers a request without a token with 401 and a WWW-Authenticate: Bearer challenge that points to its protected-resource metadata (resource_metadata=…).',
    links: [
      { label: 'MCP authorization', href: MCP_AUTH },
      { label: 'RFC 9728 §5.1', href: rfc(9728, '5.1') },
    ],
  },
  {
    id: 'resource-metadata',
    title: 'Protected-resource metadata',
    requirement:
      'The client reads the document from the challenge or the well-known URL (path first, then root). Its resource must be this server, and it names the authorization server to use.',
    links: [
      { label: 'RFC 9728 §3', href: rfc(9728, '3') },
      { label: 'RFC 9728 §3.3', href: rfc(9728, '3.3') },
    ],
  },
  {
    id: 'as-metadata',
    title: 'Authorization-server metadata',
    requirement:
      'The client fetches RFC 8414 (or OpenID) metadata for the issuer; its issuer must equal the issuer string exactly, and it must advertise PKCE S256 (code_challenge_methods_supported).',
    links: [
      { label: 'RFC 8414 §3', href: rfc(8414, '3') },
      { label: 'RFC 8414 §3.3', href: rfc(8414, '3.3') },
    ],
  },
  {
    id: 'identity',
    title: 'Client identity',
    requirement:
      'Pre-registered credentials first, then a Client ID Metadata Document, then dynamic client registration — a registration belongs to one authorization server.',
    links: [
      { label: 'MCP authorization', href: MCP_AUTH },
      { label: 'RFC 7591 §3', href: rfc(7591, '3') },
    ],
  },
  {
    id: 'auth-request',
    title: 'Authorization request',
    requirement:
      'PKCE with S256, an unguessable state, the resource indicator of the MCP server, and the scope the server asked for.',
    links: [
      { label: 'RFC 7636 §4', href: rfc(7636, '4') },
      { label: 'RFC 8707 §2', href: rfc(8707, '2') },
      { label: 'OAuth 2.1', href: OAUTH21 },
    ],
  },
  {
    id: 'consent',
    title: 'Consent',
    requirement:
      'The user signs in and approves at the authorization server, in a popup opened from the click (or by a full-page redirect).',
    links: [{ label: 'OAuth 2.1 §4.1.1', href: `${OAUTH21}#section-4.1.1` }],
  },
  {
    id: 'callback',
    title: 'Callback checks',
    requirement:
      'The response must carry the request’s state; when the server advertises RFC 9207, iss must equal the issuer exactly — else the response is refused (mix-up attack).',
    links: [
      { label: 'RFC 9207 §2.4', href: rfc(9207, '2.4') },
      { label: 'OAuth 2.1 §4.1.2', href: `${OAUTH21}#section-4.1.2` },
    ],
  },
  {
    id: 'token',
    title: 'Token exchange',
    requirement:
      'The code is redeemed once, with the PKCE verifier and the same resource; the answer is a bearer access token (and usually a refresh token).',
    links: [
      { label: 'OAuth 2.1 §4.1.3', href: `${OAUTH21}#section-4.1.3` },
      { label: 'RFC 8707 §2.2', href: rfc(8707, '2.2') },
    ],
  },
  {
    id: 'session',
    title: 'MCP session',
    requirement:
      'Every MCP request carries Authorization: Bearer, then the MCP handshake (initialize) runs; a Streamable HTTP server may give the session an Mcp-Session-Id.',
    links: [{ label: 'MCP authorization', href: MCP_AUTH }],
  },
  {
    id: 'tool',
    title: 'Tool call',
    requirement:
      'A tool call with the token; the embedded mock’s whoami tool reports who the token speaks for (client, subject, scopes, expiry — never the token).',
    links: [{ label: 'MCP authorization', href: MCP_AUTH }],
  },
  {
    id: 'step-up',
    title: 'Step-up',
    requirement:
      'A tool that needs more scope answers 403 insufficient_scope with the scope it needs; the client authorizes again for the union of held and needed scopes, a bounded number of times.',
    links: [
      { label: 'RFC 6750 §3.1', href: rfc(6750, '3.1') },
      { label: 'MCP authorization', href: MCP_AUTH },
    ],
  },
  {
    id: 'refresh',
    title: 'Refresh',
    requirement:
      'An expired access token is replaced using the refresh token; a rotated refresh token replaces the old one (OAuth 2.1 asks public clients’ refresh tokens to be rotated or sender-constrained).',
    links: [{ label: 'OAuth 2.1 §4.3', href: `${OAUTH21}#section-4.3` }],
  },
  {
    id: 'sign-out',
    title: 'Revocation and sign-out',
    requirement:
      'Revocation (RFC 7009) ends a token at the authorization server; this client revokes the refresh token first (that ends the grant), then the access token, then forgets both.',
    links: [{ label: 'RFC 7009 §2', href: rfc(7009, '2') }],
  },
];

/** Which panel a failure belongs to, by the client's error code (else by the step the error names). */
export function stepOfError(
  code: string | undefined,
  step: string | undefined,
  running: StepId | undefined,
): StepId | undefined {
  switch (code) {
    case 'resource_mismatch':
    case 'no_authorization_server':
      return 'resource-metadata';
    case 'issuer_mismatch':
    case 'authorization_server_metadata_not_found':
    case 'pkce_not_supported':
      return 'as-metadata';
    case 'client_id_required':
    case 'registration_failed':
      return 'identity';
    case 'popup_blocked':
    case 'popup_closed':
      return 'consent';
    case 'timeout':
      if (step === 'authorization') return 'consent';
      break;
    case 'state_mismatch':
    case 'iss_missing':
    case 'iss_mismatch':
    case 'authorization_error':
    case 'missing_code':
    case 'authorization_expired':
      return 'callback';
    case 'insufficient_scope':
      return 'step-up';
    default:
      break;
  }
  // A network failure, a timeout, a CORS refusal: wherever the flow was.
  if (running !== undefined) return running;
  switch (step) {
    case 'discovery':
      return 'resource-metadata';
    case 'registration':
      return 'identity';
    case 'authorization':
      return 'auth-request';
    case 'token':
      return 'token';
    case 'refresh':
      return 'refresh';
    case 'step-up':
      return 'step-up';
    case 'revocation':
      return 'sign-out';
    case 'connection':
      return 'probe';
    default:
      return undefined;
  }
}
