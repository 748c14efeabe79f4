/**
 * Multi round-trip requests (2026-07-28, SEP-2322): a server may answer `tools/call`, `prompts/get` or
 * `resources/read` with `resultType: "input_required"`, asking the client for input (elicitation, sampling, roots)
 * and handing it an opaque `requestState`. The client answers every input request, then sends the original request
 * again under a new JSON-RPC id with `inputResponses` and, only if one was given, the `requestState` exactly as
 * received. Pure helpers; the transport runs the rounds.
 */
import { asJsonObject } from '../json.js';
import type { JsonObject } from '../json.js';

/** Requests a server may answer with an input-required result. */
export const INPUT_REQUIRED_METHODS: readonly string[] = ['tools/call', 'prompts/get', 'resources/read'];

/** Rounds of one request before the client gives up (a server may ask again, but not forever). */
export const MAX_INPUT_ROUNDS = 8;

/** Most input requests one round may carry (each reaches the application's handlers). */
export const MAX_INPUTS_PER_ROUND = 16;

/** One input request of the server: a key it chose, and a request for the client's own handlers. */
export interface InputRequest {
  readonly key: string;
  readonly method: string;
  readonly params: JsonObject | undefined;
}

export interface InputRequired {
  readonly inputRequests: readonly InputRequest[];
  /** Opaque: echoed byte for byte, never read. */
  readonly requestState: string | undefined;
}

/** The input-required part of a result, or undefined for a complete one (no `resultType` means complete). */
export function inputRequiredOf(result: unknown): InputRequired | undefined {
  const record = asJsonObject(result);
  if (record?.['resultType'] !== 'input_required') return undefined;
  const requests = asJsonObject(record['inputRequests']) ?? {};
  const inputRequests: InputRequest[] = [];
  for (const [key, value] of Object.entries(requests)) {
    const request = asJsonObject(value);
    const method = request?.['method'];
    inputRequests.push({
      key,
      method: typeof method === 'string' ? method : '',
      params: asJsonObject(request?.['params']),
    });
  }
  const state = record['requestState'];
  return { inputRequests, requestState: typeof state === 'string' ? state : undefined };
}

/**
 * The params of the next attempt: the original request's params (never an earlier round's answers), the answers of
 * this round, and the state of this round if the server gave one.
 */
export function retryParams(
  original: JsonObject,
  inputResponses: JsonObject,
  requestState: string | undefined,
): JsonObject {
  const { inputResponses: _responses, requestState: _state, ...params } = original;
  return {
    ...params,
    ...(Object.keys(inputResponses).length > 0 ? { inputResponses } : {}),
    ...(requestState !== undefined ? { requestState } : {}),
  };
}
