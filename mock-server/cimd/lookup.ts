/**
 * The one way routes find a client: the provider's (pre-registered or registered) clients first, then — with
 * `beyondFastMcp.clientIdMetadataDocuments` — an `https` client id resolved as a Client ID Metadata Document.
 */
import type { RouteContext } from '../routes/router.js';
import type { ClientInformation } from '../settings.js';
import { isClientIdUrl } from './resolver.js';

/**
 * The client, or why there is none: `refusal` says why a Client ID Metadata Document was not accepted (e.g.
 * `client metadata document answered 404`) and is absent for a plain unknown id. It names no secret.
 */
export type FoundClient =
  { client: ClientInformation; refusal?: undefined } | { client: undefined; refusal: string | undefined };

export async function findClient(context: RouteContext, clientId: string): Promise<FoundClient> {
  const known = await context.provider.getClient(clientId);
  if (known !== undefined) return { client: known };
  const resolver = context.clientIdMetadata;
  if (!context.settings.beyondFastMcp.clientIdMetadataDocuments || resolver === undefined) {
    return { client: undefined, refusal: undefined };
  }
  if (!isClientIdUrl(clientId)) return { client: undefined, refusal: undefined };
  const resolved = await resolver.resolve(clientId, context.settings);
  return resolved.ok ? { client: resolved.client } : { client: undefined, refusal: resolved.reason };
}

export async function lookupClient(
  context: RouteContext,
  clientId: string,
): Promise<ClientInformation | undefined> {
  return (await findClient(context, clientId)).client;
}

/** `base` (FastMCP's wording), followed by why a metadata document was refused when one was. */
export function withRefusal(base: string, refusal: string | undefined): string {
  return refusal === undefined ? base : `${base}: ${refusal}`;
}
