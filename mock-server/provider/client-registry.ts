/**
 * The in-memory provider's clients. Clients from the settings stay for good; clients registered at `/register` are
 * kept least recently used first and capped: FastMCP keeps them forever, which a long run cannot afford, and the
 * client a test still uses is the one it looked up last.
 */
import type { ClientInformation } from '../settings.js';
import { AgeOrderedMap } from './age-ordered-map.js';

export class ClientRegistry {
  /** From the settings (`clients`): never forgotten, never counted against the cap. */
  readonly #configured = new Map<string, ClientInformation>();
  /** From `/register`, least recently used first. */
  readonly #registered = new AgeOrderedMap<string, ClientInformation>();

  /** Adds or replaces a client from the settings. */
  configure(client: ClientInformation): void {
    this.#registered.delete(client.client_id);
    this.#configured.set(client.client_id, client);
  }

  /**
   * Adds a registered client (replacing one from the settings with the same id in place), then forgets the least
   * recently used registered clients beyond `max`. Returns the ids it forgot.
   */
  register(client: ClientInformation, max: number): string[] {
    if (this.#configured.has(client.client_id)) {
      this.#configured.set(client.client_id, client);
      return [];
    }
    this.#registered.set(client.client_id, client);
    const forgotten: string[] = [];
    this.#registered.deleteOldestBeyond(max, (clientId) => forgotten.push(clientId));
    return forgotten;
  }

  /** The client, marked as just used. */
  get(clientId: string): ClientInformation | undefined {
    const configured = this.#configured.get(clientId);
    if (configured !== undefined) return configured;
    return this.#registered.touch(clientId);
  }

  get configuredCount(): number {
    return this.#configured.size;
  }

  get registeredCount(): number {
    return this.#registered.size;
  }

  clear(): void {
    this.#configured.clear();
    this.#registered.clear();
  }
}
