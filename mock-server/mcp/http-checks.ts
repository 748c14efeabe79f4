/**
 * The header and message checks of the Python SDK's Streamable HTTP transport (v1.x), as pure functions. They are
 * lenient and strict in the same places as the Python code: `Accept` entries match by prefix, the security check
 * lower-cases `Content-Type` but the transport's own check does not, and so on.
 */
import { isRecord } from '../objects.js';

/** What the Python SDK v1.x negotiates, and assumes when `MCP-Protocol-Version` is absent. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'] as const;
export const DEFAULT_NEGOTIATED_VERSION = '2025-03-26';

/** Which of JSON and SSE an `Accept` header admits (prefix match per entry; no wildcards, no q-values). */
export function acceptedTypes(accept: string | null): { json: boolean; sse: boolean } {
  const types = (accept ?? '').split(',').map((type) => type.trim());
  return {
    json: types.some((type) => type.startsWith('application/json')),
    sse: types.some((type) => type.startsWith('text/event-stream')),
  };
}

/** The transport-security check run before everything else on POST: present, and `application/json…` in any case. */
export function passesSecurityContentType(contentType: string | null): boolean {
  return (
    contentType !== null && contentType !== '' && contentType.toLowerCase().startsWith('application/json')
  );
}

/** The transport's own check: one of the comma-separated types before `;` is exactly `application/json`. */
export function isJsonContentType(contentType: string | null): boolean {
  const mediaTypes = (contentType ?? '').split(';')[0] ?? '';
  return mediaTypes.split(',').some((part) => part.trim() === 'application/json');
}

/** The problem with the `MCP-Protocol-Version` header, or `undefined` when it is supported (or absent). */
export function protocolVersionProblem(header: string | null): string | undefined {
  const version = header ?? DEFAULT_NEGOTIATED_VERSION;
  if ((SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(version)) return undefined;
  return `Bad Request: Unsupported protocol version: ${version}. Supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`;
}

/** A JSON-RPC message as the Python SDK's `JSONRPCMessage` union classifies it. */
export type JsonRpcKind =
  { kind: 'request'; id: string | number; method: string } | { kind: 'notification' } | { kind: 'response' };

const isRequestId = (id: unknown): id is string | number =>
  typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id));
const isParams = (params: unknown): boolean => params === undefined || params === null || isRecord(params);

/**
 * Classifies a parsed body the way pydantic validates the union JSONRPCRequest | JSONRPCNotification |
 * JSONRPCResponse | JSONRPCError (first match wins, extra fields allowed), or `undefined` when none matches — a batch
 * (an array) included: the v1.x transport does not take batches.
 */
export function classifyJsonRpc(body: unknown): JsonRpcKind | undefined {
  if (!isRecord(body) || body['jsonrpc'] !== '2.0') return undefined;
  const { id, method, params } = body;
  const hasMethod = typeof method === 'string' && isParams(params);
  if (hasMethod && isRequestId(id)) return { kind: 'request', id, method };
  if (hasMethod) return { kind: 'notification' };
  if (isRequestId(id) && isRecord(body['result'])) return { kind: 'response' };
  const error = body['error'];
  if (
    isRequestId(id) &&
    isRecord(error) &&
    Number.isInteger(error['code']) &&
    typeof error['message'] === 'string'
  ) {
    return { kind: 'response' };
  }
  return undefined;
}

/** The requests the Python SDK's `ClientRequest` union knows; any other method fails its validation. */
const CLIENT_REQUESTS = new Map<string, 'params required' | 'params optional'>([
  ['ping', 'params optional'],
  ['initialize', 'params required'],
  ['completion/complete', 'params required'],
  ['logging/setLevel', 'params required'],
  ['prompts/get', 'params required'],
  ['prompts/list', 'params optional'],
  ['resources/list', 'params optional'],
  ['resources/templates/list', 'params optional'],
  ['resources/read', 'params required'],
  ['resources/subscribe', 'params required'],
  ['resources/unsubscribe', 'params required'],
  ['tools/call', 'params required'],
  ['tools/list', 'params optional'],
  ['tasks/get', 'params required'],
  ['tasks/result', 'params required'],
  ['tasks/list', 'params optional'],
  ['tasks/cancel', 'params required'],
]);

/**
 * False when the Python server would refuse the request before any handler runs (an unknown method, or required
 * params missing): it answers `-32602 Invalid request parameters` there, where the TypeScript SDK says -32601.
 */
export function isKnownClientRequest(method: string, params: unknown): boolean {
  const rule = CLIENT_REQUESTS.get(method);
  if (rule === undefined) return false;
  return rule === 'params optional' || isRecord(params);
}
