/**
 * Live MCP sessions: each one a session channel plus its `McpServer`, bound to the principal (client id and subject,
 * see `principalOf`) that created it. Bounded: beyond `maxSessions` the least recently used session is closed.
 * A session ended by DELETE is remembered (as FastMCP does) so that later requests learn it was terminated.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { SessionChannel } from './session-channel.js';

/** One live MCP session. */
export interface McpSession {
  /** The `Mcp-Session-Id` the client sends with every later request. */
  readonly id: string;
  /** Who opened the session: `principalOf` the token (its client id and subject). */
  readonly principal: string;
  /** The session's transport: the SSE streams its requests are answered on. */
  readonly transport: SessionChannel;
  /** The session's own `McpServer`, with the built-in tools and those your configurers added. */
  readonly server: McpServer;
}

/** The MCP endpoint's live sessions (`mock.mcp.sessions`); beyond `mcp.maxSessions`, the least recently used closes. */
export class McpSessionStore {
  // Map iteration order is insertion order: re-inserting on use keeps the least recently used first.
  readonly #sessions = new Map<string, McpSession>();
  /** Sessions ended by DELETE: id → principal, bounded like the live ones. */
  readonly #terminated = new Map<string, string>();
  #limit = Number.POSITIVE_INFINITY;

  /** How many sessions are open. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The session, when it exists and belongs to `principal` (marks it as used). */
  get(id: string, principal: string): McpSession | undefined {
    const session = this.#sessions.get(id);
    if (session === undefined || session.principal !== principal) return undefined;
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    return session;
  }

  /** True when `principal` ended this session with DELETE (another principal is told it does not exist). */
  wasTerminatedBy(id: string, principal: string): boolean {
    return this.#terminated.get(id) === principal;
  }

  /** Adds a session, closing the least recently used ones beyond `limit`. */
  add(session: McpSession, limit: number): void {
    this.#limit = limit;
    this.#sessions.set(session.id, session);
    while (this.#sessions.size > limit) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      void this.close(oldest);
    }
  }

  /** DELETE: closes the session and remembers that it was terminated. */
  async terminate(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    session.transport.terminate();
    this.#terminated.set(id, session.principal);
    while (this.#terminated.size > this.#limit) {
      const oldest = this.#terminated.keys().next().value;
      if (oldest === undefined) break;
      this.#terminated.delete(oldest);
    }
    await this.close(id);
  }

  /** Forgets the session and closes its server (and transport). Unknown ids are ignored. */
  async close(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    this.#sessions.delete(id);
    await session.server.close().catch(() => undefined);
  }

  /** Closes every session, e.g. when tokens are revoked wholesale or the mock is reset. */
  async closeAll(): Promise<void> {
    this.#terminated.clear();
    await Promise.all([...this.#sessions.keys()].map((id) => this.close(id)));
  }

  /** Session ids of a principal, as `principalOf(token)` names it (for tests and controls). */
  idsOf(principal: string): string[] {
    return [...this.#sessions.values()].filter((s) => s.principal === principal).map((s) => s.id);
  }
}
