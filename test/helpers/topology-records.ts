// Builders for topology tests: signed records for seeded identities, and hand-made graphs.
import { nodeSuite } from '../../src/identity/node-suite.ts';
import type { Identity } from '../../src/identity/identity.ts';
import type { LinkRecord, RecordLink } from '../../src/topology/link-record.ts';
import { signRecord } from '../../src/topology/record-codec.ts';
import { routeKeyPair } from '../../src/topology/route-key.ts';
import { seedIdentity } from './mem-node.ts';

export const suite = nodeSuite();

/** n identities, sorted by address so that index order is address order. */
export const sortedIds = (n: number, base = 7000): Identity[] =>
  Array.from({ length: n }, (_, i) => seedIdentity(base + i)).sort((a, b) => (a.address < b.address ? -1 : 1));

export const recordOf = (id: Identity, seq: number, links: { peer: Identity; costMs?: number; lossPct?: number }[]): LinkRecord =>
  signRecord({
    suite, identity: id, routeKey: routeKeyPair(suite, id).publicKey, seq,
    links: links.map((l): RecordLink => ({ peer: l.peer.address, costMs: l.costMs ?? 10, lossPct: l.lossPct ?? 0 })),
  });

/** Symmetric records for an undirected graph given as [i, j, costMs?] over `ids`. */
export const recordsFor = (ids: Identity[], edges: [number, number, number?][], seq = 1): LinkRecord[] =>
  ids.map((id, i) => recordOf(id, seq, edges.flatMap(([a, b, c]) =>
    a === i ? [{ peer: ids[b]!, costMs: c ?? 10 }] : b === i ? [{ peer: ids[a]!, costMs: c ?? 10 }] : [])));
