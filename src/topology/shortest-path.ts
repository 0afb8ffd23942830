// Dijkstra from one node over the two-way-checked graph, with a binary heap: a few ms for 300+
// nodes.
//
// Ties: among all predecessors u of v that lie on some shortest path (dist[u] + w(u,v) =
// dist[v]), v's predecessor is the one whose address is smallest as a string (JS `<` on the
// base32 text). Since every weight is positive, all such u settle before v, so the rule does
// not depend on the order edges or records were seen: the same database always gives the same
// paths. A path is therefore the chain of smallest-address predecessors back from the target.
import { MinHeap } from './min-heap.ts';
import type { Graph } from './topology-graph.ts';

export interface ShortestPaths {
  readonly self: string;
  /** Path weight (costMs × (25 + loss), summed) to each reachable node. */
  readonly dist: ReadonlyMap<string, number>;
  readonly prev: ReadonlyMap<string, string>;
}

/** `avoid` holds undirected edges as "a|b" (either order) to leave out, for route repair. */
export const shortestPaths = (g: Graph, avoid?: ReadonlySet<string>): ShortestPaths => {
  const dist = new Map<string, number>([[g.self, 0]]);
  const prev = new Map<string, string>();
  const done = new Set<string>();
  const heap = new MinHeap();
  heap.push({ key: 0, addr: g.self });
  const avoiding = avoid !== undefined && avoid.size > 0;
  for (let item = heap.pop(); item; item = heap.pop()) {
    const u = item.addr;
    if (done.has(u)) continue;
    done.add(u);
    for (const e of g.adj.get(u) ?? []) {
      if (done.has(e.to)) continue;
      if (avoiding && (avoid.has(`${u}|${e.to}`) || avoid.has(`${e.to}|${u}`))) continue;
      const nd = item.key + e.weight;
      const old = dist.get(e.to);
      if (old === undefined || nd < old) {
        dist.set(e.to, nd);
        prev.set(e.to, u);
        heap.push({ key: nd, addr: e.to });
      } else if (nd === old && u < prev.get(e.to)!) {
        prev.set(e.to, u);
      }
    }
  }
  return { self: g.self, dist, prev };
};

/** Addresses from self to dest inclusive, or null when dest is unreachable. */
export const pathFrom = (sp: ShortestPaths, dest: string): string[] | null => {
  if (!sp.dist.has(dest)) return null;
  const path = [dest];
  for (let at = dest; at !== sp.self;) {
    at = sp.prev.get(at)!;
    path.push(at);
  }
  return path.reverse();
};

/** The first hop towards every reachable node: the forwarding table. */
export const nextHops = (sp: ShortestPaths): Map<string, string> => {
  const out = new Map<string, string>();
  const hopOf = (v: string): string => {
    let hop = out.get(v);
    if (hop !== undefined) return hop;
    const p = sp.prev.get(v)!;
    hop = p === sp.self ? v : hopOf(p);
    out.set(v, hop);
    return hop;
  };
  for (const v of sp.dist.keys()) if (v !== sp.self) hopOf(v);
  return out;
};
