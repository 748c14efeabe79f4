/**
 * Client ID Metadata Document fetching for Node (the CLI uses it): the host name is resolved first, every address it
 * resolves to must be public, and the connection goes to exactly those checked addresses.
 *
 * Why that matters: checking a name and then letting `fetch` resolve it again would let a hostile DNS server answer
 * a public address to the check and `127.0.0.1` to the connection (DNS rebinding). Here one lookup serves both, so
 * that gap is closed. What remains: the check trusts the system resolver (`/etc/hosts` included); an HTTP proxy, if
 * the process used one, would resolve names itself (this fetch never uses one); and a name whose answer changes
 * later is re-checked on the next fetch only (documents are cached per `cacheSeconds`).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { DocumentFetchRefusedError, type ClientIdMetadataDocumentFetch } from '../cimd/fetch-document.js';
import { isPublicAddress } from '../cimd/ssrf.js';

/** `dns.lookup` with `{ all: true }`, callback style (inject one in tests: no real DNS). */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const defaultResolveAll: ResolveAll = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/** Why none of `addresses` may be contacted, or `undefined` when all are public. */
export function resolvedAddressesProblem(
  hostname: string,
  addresses: readonly LookupAddress[],
): string | undefined {
  if (addresses.length === 0) return `client_id host ${hostname} resolves to no address`;
  const privateOne = addresses.find((entry) => !isPublicAddress(entry.address));
  return privateOne === undefined
    ? undefined
    : `client_id host ${hostname} resolves to a private address (${privateOne.address})`;
}

/**
 * A `net` lookup function that resolves every address of the name and fails with {@link DocumentFetchRefusedError}
 * when any is private; otherwise it hands the connection exactly the checked addresses.
 */
export function checkedLookup(resolveAll: ResolveAll = defaultResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, '', 0);
        return;
      }
      const problem = resolvedAddressesProblem(hostname, addresses);
      if (problem !== undefined) {
        callback(new DocumentFetchRefusedError(problem) as NodeJS.ErrnoException, '', 0);
        return;
      }
      const first = addresses[0] as LookupAddress;
      if (options.all === true) {
        (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, addresses);
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}

/** Options of {@link createNodeDocumentFetch}. */
export interface NodeDocumentFetchOptions {
  /** Name resolution (default `dns.lookup`); tests inject one. */
  resolveAll?: ResolveAll | undefined;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A {@link ClientIdMetadataDocumentFetch} for the mock's `fetchClientIdMetadataDocument` option, built on
 * `node:https`: it resolves the host name once, refuses it when any address it resolves to is private (loopback,
 * private networks, link-local, …) and connects to exactly the checked addresses, so DNS rebinding cannot slip a
 * private address past the check. It never follows redirects (a 3xx is answered as is, and refused as not 200).
 * `startMockAuthServer` and the CLI use it; pass it to `createMockAuthServer` yourself in other Node setups.
 *
 * @example
 * const mock = createMockAuthServer(settings, { fetchClientIdMetadataDocument: createNodeDocumentFetch() });
 */
export function createNodeDocumentFetch(
  options: NodeDocumentFetchOptions = {},
): ClientIdMetadataDocumentFetch {
  const lookup = checkedLookup(options.resolveAll);
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const outgoing = httpsRequest(input, {
        method: 'GET',
        headers,
        lookup,
        ...(init.signal == null ? {} : { signal: init.signal }),
      });
      outgoing.once('error', (error) => {
        reject(
          error instanceof DocumentFetchRefusedError
            ? error
            : init.signal?.aborted
              ? init.signal.reason
              : error,
        );
      });
      outgoing.once('response', (incoming) => {
        const status = incoming.statusCode ?? 500;
        const responseHeaders = new Headers();
        for (const [key, value] of Object.entries(incoming.headers)) {
          if (typeof value === 'string') responseHeaders.set(key, value);
          else if (Array.isArray(value)) for (const item of value) responseHeaders.append(key, item);
        }
        if (NULL_BODY_STATUSES.has(status) || status < 200) {
          incoming.resume();
          resolve(new Response(null, { status: status < 200 ? 502 : status, headers: responseHeaders }));
          return;
        }
        const body = Readable.toWeb(incoming) as unknown as ReadableStream<Uint8Array>;
        resolve(new Response(body, { status, headers: responseHeaders }));
      });
      outgoing.end();
    });
}
