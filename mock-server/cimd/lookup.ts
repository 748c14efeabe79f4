/**
 * The one way routes find a client: the provider's (pre-registered or registered) clients first, then — with
 * `beyondFastMcp.clientIdMetadataDocuments` — an `https` client id resolved as a Client ID Metadata Document.
 */
import type { RouteContext } from '../routes/router.js';
import type { ClientInformation } from '../settings.js';
import { isClientIdUrl } from './resolver.js';

export async function lookupClient(
  context: RouteContext,
  clientId: string,
): Promise<ClientInformation | undefined> {
  const known = await context.provider.getClient(clientId);
  if (known !== undefined) return known;
  const resolver = context.clientIdMetadata;
  if (!context.settings.beyondFastMcp.clientIdMetadataDocuments || resolver === undefined) return undefined;
  if (!isClientIdUrl(clientId)) return undefined;
  const resolved = await resolver.resolve(clientId, context.settings);
  return resolved.ok ? resolved.client : undefined;
}
