/** Step-up (`beyondFastMcp.stepUpChallenge`): which JSON-RPC messages need the elevated scope. */
import { isRecord } from '../objects.js';
import { ELEVATED_TOOL } from './tools.js';

/** True when `body` (one message or a batch) calls the elevated tool. */
export function callsElevatedTool(body: unknown): boolean {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  return messages.some((message) => {
    if (!isRecord(message)) return false;
    const { method, params } = message;
    return method === 'tools/call' && isRecord(params) && params['name'] === ELEVATED_TOOL;
  });
}
