/** Step-up (`beyondFastMcp.stepUpChallenge`): which JSON-RPC messages need the elevated scope. */
import { ELEVATED_TOOL } from './tools.js';

/** True when `body` (one message or a batch) calls the elevated tool. */
export function callsElevatedTool(body: unknown): boolean {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  return messages.some((message) => {
    if (typeof message !== 'object' || message === null) return false;
    const { method, params } = message as { method?: unknown; params?: unknown };
    if (method !== 'tools/call' || typeof params !== 'object' || params === null) return false;
    return (params as { name?: unknown }).name === ELEVATED_TOOL;
  });
}
