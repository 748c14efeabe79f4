/**
 * A map that also knows the age order of its entries, so the oldest one is found in amortized O(1) however many were
 * deleted before it. A plain `Map` iterates in insertion order, but V8 leaves a hole for every deleted entry until
 * the table is rebuilt, and an iterator started at the front walks over all of them: a queue that deletes from its
 * front through `Map` iteration costs O(size) per step. Here a side queue holds (key, stamp) in age order; a queue
 * item whose stamp no longer matches its entry (deleted, or moved to the newest end by `touch`) is stale and skipped
 * once, and the queue is rebuilt when stale items outnumber live ones.
 */
export class AgeOrderedMap<K, V> {
  readonly #entries = new Map<K, { value: V; stamp: number }>();
  #queueKeys: K[] = [];
  #queueStamps: number[] = [];
  /** Index of the oldest queue item not yet known to be stale. */
  #head = 0;
  #nextStamp = 0;

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Adds or replaces the entry; either way it becomes the newest. */
  set(key: K, value: V): void {
    const stamp = this.#nextStamp++;
    this.#entries.set(key, { value, stamp });
    this.#queueKeys.push(key);
    this.#queueStamps.push(stamp);
    this.#compactIfMostlyStale();
  }

  /** Makes an existing entry the newest (least recently used order) and returns it. */
  touch(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.set(key, entry.value);
    return entry.value;
  }

  delete(key: K): boolean {
    const deleted = this.#entries.delete(key);
    if (deleted) this.#compactIfMostlyStale();
    return deleted;
  }

  /**
   * Deletes entries from the oldest end while `isDue(value)` holds, and stops at the first that is not due; calls
   * `onDelete` for each. Returns how many it deleted.
   */
  deleteOldestWhile(isDue: (value: V) => boolean, onDelete?: (key: K, value: V) => void): number {
    let deleted = 0;
    for (let oldest = this.#oldest(); oldest !== undefined && isDue(oldest[1]); oldest = this.#oldest()) {
      this.#entries.delete(oldest[0]);
      this.#head++;
      onDelete?.(oldest[0], oldest[1]);
      deleted++;
    }
    // The queue items passed over still hold their keys (token values): let them go once they are the majority.
    if (deleted > 0) this.#compactIfMostlyStale();
    return deleted;
  }

  /** Deletes the oldest entries until at most `max` remain, calling `onDelete` for each. Returns how many. */
  deleteOldestBeyond(max: number, onDelete?: (key: K, value: V) => void): number {
    return this.deleteOldestWhile(() => this.#entries.size > max, onDelete);
  }

  /** Every entry, in no promised order (for the rare passes over everything: revoke a grant, expire all). */
  entries(): IterableIterator<[K, V]> {
    return mapEntries(this.#entries);
  }

  clear(): void {
    this.#entries.clear();
    this.#queueKeys = [];
    this.#queueStamps = [];
    this.#head = 0;
  }

  /** The oldest live entry, skipping (for good) the stale queue items in front of it. */
  #oldest(): [K, V] | undefined {
    while (this.#head < this.#queueKeys.length) {
      const key = this.#queueKeys[this.#head] as K;
      const entry = this.#entries.get(key);
      if (entry !== undefined && entry.stamp === this.#queueStamps[this.#head]) return [key, entry.value];
      this.#head++;
    }
    return undefined;
  }

  /** Rebuilds the queue from the live items once stale ones (front or middle) are the majority: amortized O(1). */
  #compactIfMostlyStale(): void {
    const queued = this.#queueKeys.length;
    if (queued < 64 || queued <= 2 * this.#entries.size) return;
    const keys: K[] = [];
    const stamps: number[] = [];
    for (let index = this.#head; index < queued; index++) {
      const key = this.#queueKeys[index] as K;
      const stamp = this.#queueStamps[index] as number;
      if (this.#entries.get(key)?.stamp === stamp) {
        keys.push(key);
        stamps.push(stamp);
      }
    }
    this.#queueKeys = keys;
    this.#queueStamps = stamps;
    this.#head = 0;
  }
}

function* mapEntries<K, V>(entries: Map<K, { value: V }>): IterableIterator<[K, V]> {
  for (const [key, entry] of entries) yield [key, entry.value];
}
