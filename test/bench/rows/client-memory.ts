/**
 * Row 8, per client: heap (after a full GC) that one more connected client keeps, for this project's client and the
 * SDK clients. Each kind connects once (registration, tokens), then `instances` more clients connect warm from that
 * state to the same in-process mock and stay open while the heap is read.
 */
import { createMockAuthServer } from '../../../mock-server/index.js';
import { CLIENT_NAMES, newClientState, type ClientName, type ConnectedClient } from '../subjects/clients.js';
import { loadSettings } from '../subjects/mock-workloads.js';
import { heapAfterGc } from '../support/heap.js';

const ORIGIN = 'http://127.0.0.1:8000';

export interface ClientMemory {
  readonly instances: number;
  /** Heap bytes per connected client, by client. */
  readonly bytesPerClient: Readonly<Record<ClientName, number>>;
}

async function bytesPerClient(name: ClientName, instances: number): Promise<number> {
  const mock = createMockAuthServer({ issuerUrl: ORIGIN, ...loadSettings() });
  const fetchImpl: typeof globalThis.fetch = async (input, init) =>
    mock.fetch(input instanceof Request && init === undefined ? input : new Request(input, init));
  const state = newClientState(name);
  const first = await state.connect(fetchImpl, `${ORIGIN}/mcp`);
  await first.listTools();
  const before = heapAfterGc();
  const clients: ConnectedClient[] = [];
  for (let index = 0; index < instances; index++)
    clients.push(await state.connect(fetchImpl, `${ORIGIN}/mcp`));
  const after = heapAfterGc();
  await Promise.all([first, ...clients].map((client) => client.close()));
  await mock.mcp.sessions.closeAll();
  return (after - before) / instances;
}

export async function measureClientMemory(instances: number): Promise<ClientMemory> {
  const bytes = {} as Record<ClientName, number>;
  for (const name of CLIENT_NAMES) bytes[name] = await bytesPerClient(name, instances);
  return { instances, bytesPerClient: bytes };
}
