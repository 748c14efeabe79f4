/**
 * Things shared by every client of this realm given the same storage object, as the grants in it are: made on first
 * use, and gone with the storage object.
 */
import type { AuthStorage } from './storage.js';

/** A function giving each storage object its own `make()`, the same one every time it is asked. */
export function perStorage<T>(make: () => T): (storage: AuthStorage) => T {
  const made = new WeakMap<AuthStorage, T>();
  return (storage) => {
    let value = made.get(storage);
    if (value === undefined) {
      value = make();
      made.set(storage, value);
    }
    return value;
  };
}
