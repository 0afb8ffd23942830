// Checks that no forwarding loop exists among live nodes: following route labels from any
// entry, in either direction, must end (at an endpoint or a missing entry) without coming back.
// Labels form a functional graph (each (node, ID, direction) has at most one successor), so
// one pass with memoised "ends" results is linear in the number of entries.
import type { RouteTable } from '../src/route/route-table.ts';

export interface LoopReport { node: string; id: number; cycle: string[] }

type State = `${string}#${number}#${'f' | 'b'}`;

export const findForwardingLoop = (tables: ReadonlyMap<string, RouteTable>): LoopReport | null => {
  const next = (s: State): State | null => {
    const [addr, idText, dir] = s.split('#') as [string, string, 'f' | 'b'];
    const e = tables.get(addr)?.byId.get(Number(idText));
    if (!e || e.kind !== 'relay') return null;
    const [to, id] = dir === 'f' ? [e.nextPeer, e.nextId] : [e.prevPeer, e.prevId];
    if (id === 0) return null;
    const t = tables.get(to)?.byId.get(id);
    if (!t) return null;
    // The next hop forwards in the direction away from us; a relay that does not know us drops.
    if (t.kind === 'relay') return t.prevPeer === addr ? `${to}#${id}#f` : t.nextPeer === addr ? `${to}#${id}#b` : null;
    return null;
  };
  const done = new Set<State>();
  for (const [addr, table] of tables) {
    for (const id of table.byId.keys()) {
      for (const dir of ['f', 'b'] as const) {
        const path: State[] = [];
        const onPath = new Set<State>();
        let s: State | null = `${addr}#${id}#${dir}`;
        while (s && !done.has(s)) {
          if (onPath.has(s)) return { node: addr, id, cycle: path.slice(path.indexOf(s)) };
          onPath.add(s);
          path.push(s);
          s = next(s);
        }
        for (const p of path) done.add(p);
      }
    }
  }
  return null;
};
