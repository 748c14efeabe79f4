/** The heap in use after a full collection: what a structure really keeps. */
export function heapAfterGc(): number {
  if (globalThis.gc === undefined)
    throw new Error('run the bench with node --expose-gc (npm run bench does)');
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}
