// The graph that paths are computed on, built from the database. A record is one node's claim;
// an edge counts only when both ends claim it (two-way check), so a stale record, or a node
// that lies about being linked to us, cannot pull routes onto a link that is not there. Our
// own links are the exception: we know them first-hand.
import { edgeWeight } from './link-cost.ts';
import type { LinkRecord, RecordLink } from './link-record.ts';

export interface Edge { to: string; weight: number }

export interface Graph {
  readonly self: string;
  /** Directed adjacency with weights from the tail's own measurement. */
  readonly adj: ReadonlyMap<string, readonly Edge[]>;
}

export const buildGraph = (self: string, records: Iterable<LinkRecord>, selfLinks: readonly RecordLink[]): Graph => {
  const claims = new Map<string, ReadonlySet<string>>();
  const all: LinkRecord[] = [];
  for (const r of records) {
    if (r.origin === self) continue;
    all.push(r);
    claims.set(r.origin, new Set(r.links.map((l) => l.peer)));
  }
  const adj = new Map<string, Edge[]>();
  adj.set(self, selfLinks.map((l) => ({ to: l.peer, weight: edgeWeight(l) })));
  for (const r of all) {
    const edges: Edge[] = [];
    for (const l of r.links) {
      // Edges back into self are useless for paths from self; others need the far end's word.
      if (l.peer !== self && claims.get(l.peer)?.has(r.origin)) edges.push({ to: l.peer, weight: edgeWeight(l) });
    }
    adj.set(r.origin, edges);
  }
  return { self, adj };
};

/** The key of an undirected edge, as `avoid` sets hold them: the two addresses, sorted, "|"-joined. */
export const edgeKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);
