// Scenario topologies as undirected edge lists. Output is deterministic and sorted by node
// index, so the same scenario and seed always link the same pairs in the same order.
import type { Topology } from './scenario-schema.ts';
import type { SeededRandom } from './sim-random.ts';

export type Edge = [string, string];

export const buildEdges = (topology: Topology, names: readonly string[], random: SeededRandom): Edge[] => {
  const n = names.length;
  const pairs: [number, number][] = [];
  switch (topology.kind) {
    case 'edges': {
      const index = new Map(names.map((name, i) => [name, i]));
      for (const [a, b] of topology.edges) pairs.push([index.get(a)!, index.get(b)!]);
      break;
    }
    case 'line':
      for (let i = 0; i + 1 < n; i++) pairs.push([i, i + 1]);
      break;
    case 'star': {
      // n0..n(h-1) are hubs (a master, relays) linked to each other; every other node is a
      // leaf on hub i mod h. A record holds at most 2048 links, so past that a fleet needs
      // more than one relay, as it would in life.
      const h = Math.min(topology.hubs, n);
      for (let a = 0; a < h; a++) for (let b = a + 1; b < h; b++) pairs.push([a, b]);
      for (let i = h; i < n; i++) pairs.push([i % h, i]);
      break;
    }
    case 'ring':
      for (let i = 0; i + 1 < n; i++) pairs.push([i, i + 1]);
      // Two nodes already share their only edge; a ring needs three.
      if (n > 2) pairs.push([0, n - 1]);
      break;
    case 'grid': {
      const w = topology.width;
      for (let i = 0; i < n; i++) {
        if ((i + 1) % w !== 0 && i + 1 < n) pairs.push([i, i + 1]);
        if (i + w < n) pairs.push([i, i + w]);
      }
      break;
    }
    case 'random':
      pairs.push(...randomRegular(n, topology.degree, random));
      break;
  }
  return sortPairs(pairs).map(([a, b]) => [names[a]!, names[b]!]);
};

const sortPairs = (pairs: [number, number][]): [number, number][] => {
  const norm = pairs.map(([a, b]): [number, number] => (a < b ? [a, b] : [b, a]));
  return norm.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
};

/**
 * A connected graph where every node has degree k, or k-1 where parity or leftovers forbid k:
 * a ring through a random permutation (connectivity), then random chords between nodes still
 * short of k.
 */
const randomRegular = (n: number, k: number, random: SeededRandom): [number, number][] => {
  if (n < 2) return [];
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const adj = Array.from({ length: n }, () => new Set<number>());
  const out: [number, number][] = [];
  const link = (a: number, b: number): void => {
    adj[a]!.add(b);
    adj[b]!.add(a);
    out.push([a, b]);
  };
  for (let i = 0; i < n; i++) {
    const a = order[i]!, b = order[(i + 1) % n]!;
    if (a !== b && !adj[a]!.has(b)) link(a, b);
  }
  // Nodes still short of k, in permutation order; each picks random partners among the others.
  const short = order.filter((i) => adj[i]!.size < k);
  for (const a of short) {
    while (adj[a]!.size < k) {
      const candidates = short.filter((b) => b !== a && adj[b]!.size < k && !adj[a]!.has(b));
      if (candidates.length === 0) break;
      link(a, candidates[random.int(candidates.length)]!);
    }
  }
  return out;
};
