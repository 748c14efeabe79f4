/**
 * Which lifecycle a server speaks, found by asking: `server/discover` at a stateless revision (2026-07-28); a server
 * that answers it with a discovery result is stateless, anything else means the initialize handshake (2025-11-25
 * and earlier). The probe goes through the same authed fetch as every MCP request, so authorization happens the same
 * way on both paths. The verdict is remembered per server in the application's storage.
 */
import type { FetchLike } from '../http.js';
import { asJsonObject } from '../json.js';
import type { JsonObject } from '../json.js';
import type { AuthStorage } from '../storage/storage.js';

export type Era =
  | {
      readonly lifecycle: 'stateless';
      readonly version: string;
      readonly discovered?: JsonObject | undefined;
    }
  | {
      readonly lifecycle: 'initialize';
      /**
       * The answer did not say the server lacks the stateless revision (a 403, 408, 429, a page that is not
       * JSON-RPC, a refused CORS probe): the handshake is tried, and the verdict is not remembered.
       */
      readonly tentative?: true | undefined;
    };

const KEY_PREFIX = 'mcp-authed-client/v1/era/';

export interface ProbeRequest {
  readonly version: string;
  readonly clientInfo: JsonObject;
  readonly capabilities: JsonObject;
}

/** The POST that asks a server for its discovery result at `request.version`. */
export function discoverProbe(request: ProbeRequest): RequestInit {
  const body = {
    jsonrpc: '2.0',
    id: 'mcp-authed-client/discover',
    method: 'server/discover',
    params: {
      _meta: {
        'io.modelcontextprotocol/protocolVersion': request.version,
        'io.modelcontextprotocol/clientCapabilities': request.capabilities,
        'io.modelcontextprotocol/clientInfo': request.clientInfo,
      },
    },
  };
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': request.version,
    },
    body: JSON.stringify(body),
  };
}

/** The JSON-RPC message of a response body: JSON, or the first `data:` message of an event stream. */
export function messageOfBody(contentType: string, text: string): JsonObject | undefined {
  const parse = (raw: string): JsonObject | undefined => {
    try {
      return asJsonObject(JSON.parse(raw));
    } catch {
      return undefined;
    }
  };
  if (!contentType.includes('text/event-stream')) return parse(text);
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    const message = data ? parse(data) : undefined;
    if (message && ('result' in message || 'error' in message)) return message;
  }
  return undefined;
}

/** The era a probe's answer shows: stateless only for a discovery result listing a revision we speak. */
export function eraOfAnswer(status: number, message: JsonObject | undefined, ours: readonly string[]): Era {
  const result = asJsonObject(message?.['result']);
  const supported = result?.['supportedVersions'];
  const version = Array.isArray(supported) ? ours.find((v) => supported.includes(v)) : undefined;
  if (status >= 200 && status < 300 && result && version !== undefined) {
    return { lifecycle: 'stateless', version, discovered: result };
  }
  // A JSON-RPC answer, or a refusal of the method or the request's form, says the server speaks another revision.
  const definitive = message?.['jsonrpc'] === '2.0' || DEFINITIVE_REFUSALS.has(status);
  return definitive ? { lifecycle: 'initialize' } : { lifecycle: 'initialize', tentative: true };
}

/** Statuses that refuse the probe itself (its method, headers or form), not the client or the moment. */
const DEFINITIVE_REFUSALS = new Set([400, 404, 405, 406, 415, 422]);

/** A server error answering the probe: it says nothing about the era, and the connection fails with it. */
export class ProbeServerError extends Error {
  readonly status: number;

  constructor(status: number, body: string) {
    super(`HTTP ${status}: ${body}`);
    this.name = 'ProbeServerError';
    this.status = status;
  }
}

/**
 * Probes `mcpUrl`. Network and authorization failures, and server errors (5xx), are thrown: they say nothing about
 * the era.
 */
export async function probeEra(
  fetch: FetchLike,
  mcpUrl: URL,
  request: ProbeRequest,
  ours: readonly string[],
): Promise<Era> {
  const response = await fetch(mcpUrl.href, discoverProbe(request));
  const text = await response.text();
  if (response.status >= 500) throw new ProbeServerError(response.status, text);
  return eraOfAnswer(response.status, messageOfBody(response.headers.get('content-type') ?? '', text), ours);
}

/** The remembered era of `mcpUrl`, if any (without the discovery result, which may be stale). */
export async function rememberedEra(
  storage: AuthStorage,
  mcpUrl: URL,
  ours: readonly string[],
): Promise<Era | undefined> {
  const raw = await storage.get(KEY_PREFIX + mcpUrl.href);
  if (raw === undefined) return undefined;
  try {
    const stored = asJsonObject(JSON.parse(raw));
    if (stored?.['lifecycle'] === 'initialize') return { lifecycle: 'initialize' };
    // Storage is outside this package's control: only a revision this client speaks is taken from it.
    const version = stored?.['version'];
    if (stored?.['lifecycle'] === 'stateless' && typeof version === 'string' && ours.includes(version)) {
      return { lifecycle: 'stateless', version };
    }
  } catch {
    // Unreadable: probe again.
  }
  return undefined;
}

export function rememberEra(storage: AuthStorage, mcpUrl: URL, era: Era): Promise<void> {
  const stored =
    era.lifecycle === 'stateless'
      ? { lifecycle: era.lifecycle, version: era.version }
      : { lifecycle: era.lifecycle };
  return storage.set(KEY_PREFIX + mcpUrl.href, JSON.stringify(stored));
}

export function forgetEra(storage: AuthStorage, mcpUrl: URL): Promise<void> {
  return storage.delete(KEY_PREFIX + mcpUrl.href);
}
