// Incremental maps for heartbeats: the node sends only entries that changed since its last
// heartbeat and the keys that disappeared; the master applies them in place. Nothing is rebuilt
// per change, so the master's cost per heartbeat is the size of the change, not of the fleet.
export interface Delta<T> { set: Record<string, T>; removed: string[] }

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export const diff = <T>(prev: ReadonlyMap<string, T>, next: ReadonlyMap<string, T>): Delta<T> => {
  const set: Record<string, T> = {};
  for (const [k, v] of next) if (!prev.has(k) || !same(prev.get(k), v)) set[k] = v;
  const removed = [...prev.keys()].filter((k) => !next.has(k));
  return { set, removed };
};

export const isEmpty = <T>(d: Delta<T>): boolean => d.removed.length === 0 && Object.keys(d.set).length === 0;

/** Applies a delta in place; returns how many entries changed, and how many new keys were
 *  dropped because the table already held `max` (what a node reports cannot grow the master's
 *  registry without end). Untrusted input: never throws. */
export const apply = <T>(target: Record<string, T>, d: unknown, valid: (v: unknown) => v is T, max = Infinity): { changed: number; dropped: number } => {
  let changed = 0;
  let dropped = 0;
  if (typeof d !== 'object' || d === null) return { changed, dropped };
  const { set, removed } = d as { set?: unknown; removed?: unknown };
  // Removals first, so a delta that replaces entries at the bound is not refused.
  if (Array.isArray(removed)) for (const k of removed) if (typeof k === 'string' && Object.hasOwn(target, k)) { delete target[k]; changed++; }
  if (typeof set === 'object' && set !== null) {
    let size = Object.keys(target).length;
    for (const [k, v] of Object.entries(set)) {
      if (!valid(v) || k === '__proto__') continue;
      if (!Object.hasOwn(target, k)) {
        if (size >= max) { dropped++; continue; }
        size++;
      }
      target[k] = v;
      changed++;
    }
  }
  return { changed, dropped };
};
