/**
 * Built-in tools that make authorization flows observable: `whoami` (who the token belongs to — never the token),
 * `echo`, and `elevated_echo`, which needs a scope beyond the required ones (to exercise step-up).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod/v4';

const WHOAMI_TOOL = 'whoami';
const ECHO_TOOL = 'echo';
export const ELEVATED_TOOL = 'elevated_echo';

/** What `whoami` answers (as JSON text and as structured content). */
export interface WhoAmI {
  /** The client the access token was issued to. */
  client_id: string;
  /** The end user the token acts for, or `null` when the provider names none. */
  subject: string | null;
  /** The scopes the token carries. */
  scopes: string[];
  /** Seconds since the epoch, or `null` for a token that never expires. */
  expires_at: number | null;
  /** The RFC 8707 resource the token is bound to, or `null`. */
  resource: string | null;
}

/** The principal of a request, from the auth info the endpoint hands the transport. */
function whoAmI(authInfo: AuthInfo | undefined): WhoAmI | undefined {
  if (authInfo === undefined) return undefined;
  const subject = authInfo.extra?.['subject'];
  return {
    client_id: authInfo.clientId,
    subject: typeof subject === 'string' ? subject : null,
    scopes: [...authInfo.scopes],
    expires_at: authInfo.expiresAt ?? null,
    resource: authInfo.resource?.href ?? null,
  };
}

function text(value: string, isError = false): CallToolResult {
  return isError
    ? { content: [{ type: 'text', text: value }], isError }
    : { content: [{ type: 'text', text: value }] };
}

/** Registers the built-in tools. `elevatedScope` is read at call time, so a reconfigured mock is honoured. */
export function registerBuiltInTools(server: McpServer, elevatedScope: () => string): void {
  server.registerTool(
    WHOAMI_TOOL,
    {
      description: 'Who the access token belongs to: client id, subject, scopes, expiry (never the token).',
    },
    (extra) => {
      const who = whoAmI(extra.authInfo);
      if (who === undefined) return text('No authenticated principal', true);
      return { ...text(JSON.stringify(who)), structuredContent: { ...who } };
    },
  );
  server.registerTool(
    ECHO_TOOL,
    { description: 'Returns its input.', inputSchema: { message: z.string() } },
    ({ message }) => text(message),
  );
  server.registerTool(
    ELEVATED_TOOL,
    {
      description: 'Returns its input, but only to a token holding the elevated scope (default "admin").',
      inputSchema: { message: z.string() },
    },
    ({ message }, extra) => {
      const scope = elevatedScope();
      if (!(extra.authInfo?.scopes ?? []).includes(scope)) return text(`Missing scope: ${scope}`, true);
      return text(message);
    },
  );
}
