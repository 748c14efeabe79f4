/**
 * Browser types as the consumer's own `lib` defines them. The public declarations name these rather than `Window`
 * or `IDBFactory`: in a project with the DOM lib (a web app) they are exactly those types, and in one without it
 * (Node: `lib: ["ES2022"]`, `types: ["node"]`) they are `never` — options no Node program sets — so the declarations
 * compile there, with `skipLibCheck: false`, instead of failing on names that do not exist. Each is read off the
 * global constructor's `prototype`, which exists exactly where the DOM lib declares the type.
 */

/** The browser's `Window` where the DOM lib is loaded; `never` in a project without it. */
export type DomWindow = typeof globalThis extends { Window: { prototype: infer Instance } }
  ? Instance
  : never;

/** The browser's `IDBFactory` (the type of `indexedDB`) where the DOM lib is loaded; `never` without it. */
export type DomIdbFactory = typeof globalThis extends { IDBFactory: { prototype: infer Instance } }
  ? Instance
  : never;
