/**
 * Abort signal composition: the application's signal plus a time limit, or two signals at once.
 */

/** A signal that fires when either given signal fires (undefined when neither is given). */
export function eitherSignal(
  first: AbortSignal | undefined,
  second: AbortSignal | undefined,
): AbortSignal | undefined {
  if (!first) return second;
  if (!second) return first;
  return AbortSignal.any([first, second]);
}

/** A signal that fires after `timeoutMs` milliseconds, or earlier when `signal` fires. */
export function timeoutSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return eitherSignal(signal, timeout) ?? timeout;
}
