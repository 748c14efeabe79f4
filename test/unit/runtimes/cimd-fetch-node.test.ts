import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { DocumentFetchRefusedError } from '../../../mock-server/cimd/fetch-document.js';
import {
  checkedLookup,
  createNodeDocumentFetch,
  resolvedAddressesProblem,
  type ResolveAll,
} from '../../../mock-server/runtimes/cimd-fetch-node.js';

/** A resolver that answers from a table (no real DNS) and records what was asked. */
function fakeResolver(table: Record<string, LookupAddress[]>): { resolveAll: ResolveAll; asked: string[] } {
  const asked: string[] = [];
  const resolveAll: ResolveAll = (hostname, _options, callback) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined) {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      error.code = 'ENOTFOUND';
      queueMicrotask(() => callback(error, []));
    } else queueMicrotask(() => callback(null, addresses));
  };
  return { resolveAll, asked };
}

const PUBLIC_V4: LookupAddress = { address: '93.184.215.14', family: 4 };
const PUBLIC_V6: LookupAddress = { address: '2606:4700::1111', family: 6 };

function lookupOnce(
  resolveAll: ResolveAll,
  hostname: string,
  all: boolean,
): Promise<{ error: Error | null; address: unknown; family: unknown }> {
  return new Promise((resolve) => {
    checkedLookup(resolveAll)(hostname, { all }, (error, address, family) =>
      resolve({ error, address, family }),
    );
  });
}

describe('CIMD fetch for Node: names are resolved and private addresses refused', () => {
  it('judges every resolved address', () => {
    expect(resolvedAddressesProblem('app.example', [PUBLIC_V4, PUBLIC_V6])).toBeUndefined();
    expect(resolvedAddressesProblem('app.example', [PUBLIC_V4, { address: '10.0.0.1', family: 4 }])).toBe(
      'client_id host app.example resolves to a private address (10.0.0.1)',
    );
    expect(resolvedAddressesProblem('app.example', [{ address: '::ffff:127.0.0.1', family: 6 }])).toMatch(
      /private address/,
    );
    expect(resolvedAddressesProblem('app.example', [])).toBe(
      'client_id host app.example resolves to no address',
    );
  });

  it('hands the connection exactly the checked addresses', async () => {
    const { resolveAll } = fakeResolver({ 'app.example': [PUBLIC_V6, PUBLIC_V4] });
    expect(await lookupOnce(resolveAll, 'app.example', false)).toStrictEqual({
      error: null,
      address: PUBLIC_V6.address,
      family: 6,
    });
    expect((await lookupOnce(resolveAll, 'app.example', true)).address).toStrictEqual([PUBLIC_V6, PUBLIC_V4]);
  });

  it('fails the lookup when any address is private, and passes resolver errors on', async () => {
    const { resolveAll } = fakeResolver({
      'rebind.example': [PUBLIC_V4, { address: '127.0.0.1', family: 4 }],
    });
    const refused = await lookupOnce(resolveAll, 'rebind.example', false);
    expect(refused.error).toBeInstanceOf(DocumentFetchRefusedError);
    expect(refused.error?.message).toBe(
      'client_id host rebind.example resolves to a private address (127.0.0.1)',
    );
    const missing = await lookupOnce(resolveAll, 'missing.example', false);
    expect((missing.error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });

  it('refuses the fetch before connecting when the name resolves to a private address', async () => {
    const { resolveAll, asked } = fakeResolver({
      'evil.example': [{ address: '169.254.169.254', family: 4 }],
    });
    const fetchDocument = createNodeDocumentFetch({ resolveAll });
    const attempt = fetchDocument('https://evil.example/client.json', { signal: AbortSignal.timeout(5000) });
    await expect(attempt).rejects.toBeInstanceOf(DocumentFetchRefusedError);
    await expect(attempt).rejects.toThrow('resolves to a private address (169.254.169.254)');
    expect(asked).toStrictEqual(['evil.example']);
  });
});
