/**
 * Resolves `client_id` URLs to clients (Client ID Metadata Documents): SSRF rules, fetch within limits, validation,
 * and a bounded cache of successes and failures (so a hostile URL cannot make the mock fetch on every request).
 * Concurrent lookups of one URL share a fetch.
 */
import { nowSeconds, type Clock } from '../provider/clock.js';
import type { ClientInformation, ResolvedMockAuthServerSettings } from '../settings.js';
import { fetchClientIdMetadataDocument, type ClientIdMetadataDocumentFetch } from './fetch-document.js';
import { documentUrlProblem } from './ssrf.js';
import { validateClientIdMetadataDocument } from './validate-document.js';

/** The client a `client_id` URL stands for, or why it was refused (e.g. `client metadata document answered 404`). */
export type ResolvedClientId = { ok: true; client: ClientInformation } | { ok: false; reason: string };

interface CacheEntry {
  readonly result: ResolvedClientId;
  readonly expiresAt: number;
}

const CACHE_ENTRIES = 1000;

/** Options of `new ClientIdMetadataResolver(…)`. */
export interface ClientIdMetadataResolverOptions {
  /** How documents are fetched. Default: the global `fetch`. Tests inject one; it must not follow redirects. */
  fetch?: ClientIdMetadataDocumentFetch | undefined;
  /** Decides when cached documents (and failures) expire. */
  clock: Clock;
}

/**
 * Turns `https` client ids into clients by fetching their Client ID Metadata Documents (the routes use it when
 * `beyondFastMcp.clientIdMetadataDocuments` is on). Successes and failures are cached for `cacheSeconds`.
 */
export class ClientIdMetadataResolver {
  readonly #fetch: ClientIdMetadataDocumentFetch;
  readonly #clock: Clock;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<ResolvedClientId>>();

  constructor(options: ClientIdMetadataResolverOptions) {
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#clock = options.clock;
  }

  /**
   * The client the document at `url` describes, fetched within `settings.clientIdMetadataDocumentLimits` and the
   * SSRF rules, or the reason it cannot be used. Never rejects for a bad document or URL.
   */
  async resolve(url: string, settings: ResolvedMockAuthServerSettings): Promise<ResolvedClientId> {
    const now = nowSeconds(this.#clock);
    const cached = this.#cache.get(url);
    if (cached !== undefined && cached.expiresAt > now) return structuredClone(cached.result);
    const running = this.#inFlight.get(url);
    if (running !== undefined) return structuredClone(await running);
    const work = this.#load(url, settings).finally(() => this.#inFlight.delete(url));
    this.#inFlight.set(url, work);
    const result = await work;
    this.#cache.delete(url);
    this.#cache.set(url, { result, expiresAt: now + settings.clientIdMetadataDocumentLimits.cacheSeconds });
    if (this.#cache.size > CACHE_ENTRIES) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return structuredClone(result);
  }

  /** Forgets every cached document. */
  clear(): void {
    this.#cache.clear();
  }

  async #load(url: string, settings: ResolvedMockAuthServerSettings): Promise<ResolvedClientId> {
    const problem = documentUrlProblem(url);
    if (problem !== undefined) return { ok: false, reason: `client_id URL ${problem}` };
    const fetched = await fetchClientIdMetadataDocument(
      url,
      settings.clientIdMetadataDocumentLimits,
      this.#fetch,
    );
    if (!fetched.ok) return { ok: false, reason: `client metadata document ${fetched.reason}` };
    const validated = validateClientIdMetadataDocument(url, fetched.document);
    return validated.ok ? validated : { ok: false, reason: `client metadata document ${validated.reason}` };
  }
}

/** True when `clientId` is meant as a Client ID Metadata Document URL (an `https` URL). */
export function isClientIdUrl(clientId: string): boolean {
  return clientId.startsWith('https://') && URL.canParse(clientId);
}
