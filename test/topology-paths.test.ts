import test from 'ava';
import type { LinkRecord, RecordLink } from '../src/topology/link-record.ts';
import { edgeWeight, linksMoved, ownLinks } from '../src/topology/link-cost.ts';
import { nextHops, pathFrom, shortestPaths } from '../src/topology/shortest-path.ts';
import { buildGraph, edgeKey } from '../src/topology/topology-graph.ts';
import { recordsFor, sortedIds } from './helpers/topology-records.ts';
import { SeededRandom } from './helpers/fuzz-random.ts';

const ids = sortedIds(6, 300);
const addr = ids.map((i) => i.address);
const A = (...ix: number[]) => ix.map((i) => addr[i]!);
/** Self (0) knows its links first-hand: take them from its own record. */
const graphOf = (records: LinkRecord[], self = 0) =>
  buildGraph(addr[self]!, records, records.find((r) => r.origin === addr[self])?.links ?? []);
const path = (records: LinkRecord[], dest: number, avoid?: Set<string>) =>
  pathFrom(shortestPaths(graphOf(records), avoid), addr[dest]!);

test('a line: the only path, inclusive of both ends; self and unreachable', (t) => {
  const recs = recordsFor(ids, [[0, 1], [1, 2], [2, 3]]);
  t.deepEqual(path(recs, 3), A(0, 1, 2, 3));
  t.deepEqual(path(recs, 0), A(0));
  t.is(path(recs, 5), null);
});

test('cheapest by measured cost, not hop count; loss makes a link dearer', (t) => {
  t.deepEqual(path(recordsFor(ids, [[0, 3, 100], [0, 1], [1, 2], [2, 3]]), 3), A(0, 1, 2, 3));
  t.deepEqual(path(recordsFor(ids, [[0, 3, 25], [0, 1], [1, 2], [2, 3]]), 3), A(0, 3));
  t.is(edgeWeight({ peer: '', costMs: 10, lossPct: 25 }), 2 * edgeWeight({ peer: '', costMs: 10, lossPct: 0 }));
  t.is(edgeWeight({ peer: '', costMs: 10, lossPct: 100 }), 5 * edgeWeight({ peer: '', costMs: 10, lossPct: 0 }));
});

test('ties: the predecessor with the smallest address wins, whichever settles first', (t) => {
  // 0→2→3 and 0→1→3 both cost 20; 2 settles first (5 < 10) but 1 < 2, so the path is via 1.
  t.deepEqual(path(recordsFor(ids, [[0, 2, 5], [2, 3, 15], [0, 1, 10], [1, 3, 10]]), 3), A(0, 1, 3));
  t.deepEqual(path(recordsFor(ids, [[0, 1, 5], [1, 3, 15], [0, 2, 10], [2, 3, 10]]), 3), A(0, 1, 3));
  // Record order does not matter.
  t.deepEqual(pathFrom(shortestPaths(graphOf(recordsFor(ids, [[0, 2], [2, 3], [0, 1], [1, 3]]).reverse())), addr[3]!), A(0, 1, 3));
});

test('two-way check: a link only one end claims is not used, except our own first-hand links', (t) => {
  const recs = recordsFor(ids, [[0, 1], [1, 2], [2, 3], [0, 4], [4, 5]]);
  // 1 claims a cheap link to 3 that 3 does not list (a stale or lying record).
  const lying = recordsFor(ids, [[0, 1], [1, 2], [2, 3], [0, 4], [4, 5], [1, 3, 1]]);
  const oneSided = recs.map((r, i) => (i === 1 ? lying[1]! : r));
  t.deepEqual(path(oneSided, 3), A(0, 1, 2, 3));
  // 5 lists 4 but 4's record does not list 5 (e.g. 4's newer record dropped the link): 5 is cut off.
  const halfGone = recordsFor(ids, [[0, 1], [1, 2], [2, 3], [0, 4]]).map((r, i) => (i === 5 ? recs[5]! : r));
  t.is(path(halfGone, 5), null);
  // Our own neighbour 4 whose record does not (yet) list us is still reachable first-hand.
  const fresh = recs.map((r, i) => (i === 4 ? recordsFor(ids, [[4, 5]])[4]! : r));
  t.deepEqual(path(fresh, 4), A(0, 4));
  // ... but not beyond it through edges whose two-way check fails (5 lists 4, 4 lists 5: fine).
  t.deepEqual(path(fresh, 5), A(0, 4, 5));
  // A neighbour with no record at all: reachable directly, nothing learned beyond it.
  t.deepEqual(path(recs.filter((_, i) => i !== 4), 4), A(0, 4));
  t.is(path(recs.filter((_, i) => i !== 4), 5), null);
});

test('avoid: listed undirected edges (either order) are left out, for repair', (t) => {
  const recs = recordsFor(ids, [[0, 1], [1, 3], [0, 2], [2, 3], [3, 4]]);
  t.deepEqual(path(recs, 4), A(0, 1, 3, 4));
  t.deepEqual(path(recs, 4, new Set([edgeKey(addr[1]!, addr[3]!)])), A(0, 2, 3, 4));
  t.deepEqual(path(recs, 4, new Set([`${addr[3]}|${addr[1]}`])), A(0, 2, 3, 4));
  t.deepEqual(path(recs, 4, new Set([`${addr[0]}|${addr[1]}`, `${addr[2]}|${addr[0]}`])), null);
  t.is(edgeKey(addr[3]!, addr[1]!), `${addr[1]}|${addr[3]}`);
});

test('next-hop table agrees with the paths', (t) => {
  const recs = recordsFor(ids, [[0, 1], [1, 2], [2, 3], [0, 4], [4, 5]]);
  const sp = shortestPaths(graphOf(recs));
  const hops = nextHops(sp);
  for (let d = 1; d < 6; d++) t.is(hops.get(addr[d]!), pathFrom(sp, addr[d]!)![1], `dest ${d}`);
  t.is(hops.size, 5);
});

test('400 random nodes: matches a brute-force reference (distances and tie rule), in a few ms', (t) => {
  const rnd = new SeededRandom(99);
  const n = 400;
  const names = Array.from({ length: n }, (_, i) => `n${String(i).padStart(3, '0')}${rnd.int(10)}`);
  const links = names.map(() => new Map<string, RecordLink>());
  const link = (i: number, j: number) => {
    if (i === j) return;
    const c = 1 + rnd.int(5);
    links[i]!.set(names[j]!, { peer: names[j]!, costMs: c, lossPct: rnd.int(3) * 25 });
    links[j]!.set(names[i]!, { peer: names[i]!, costMs: 1 + rnd.int(5), lossPct: 0 });
  };
  for (let i = 1; i < n; i++) link(i, rnd.int(i));
  for (let k = 0; k < n; k++) link(rnd.int(n), rnd.int(n));
  const records = names.map((o, i) => ({ origin: o, links: [...links[i]!.values()] }) as unknown as LinkRecord);
  const g = buildGraph(names[0]!, records, records[0]!.links);
  const t0 = process.hrtime.bigint();
  const sp = shortestPaths(g);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  t.true(ms < 50, `${ms} ms`);
  t.is(sp.dist.size, n);
  // Bellman-Ford reference.
  const dist = new Map<string, number>([[names[0]!, 0]]);
  for (let changed = true; changed;) {
    changed = false;
    for (const [u, es] of g.adj) for (const e of es) {
      const du = dist.get(u);
      if (du !== undefined && du + e.weight < (dist.get(e.to) ?? Infinity)) { dist.set(e.to, du + e.weight); changed = true; }
    }
  }
  for (const v of names.slice(1)) {
    t.is(sp.dist.get(v), dist.get(v));
    const preds = [...g.adj].filter(([u, es]) => es.some((e) => e.to === v && dist.get(u)! + e.weight === dist.get(v))).map(([u]) => u).sort();
    if (sp.prev.get(v) !== preds[0]) t.fail(`predecessor of ${v}: ${sp.prev.get(v)} vs ${preds[0]}`);
  }
});

test('own links: unmeasured links advertised at the pessimistic default; learned peers only once measured', (t) => {
  const nb = (peer: string, rttMs: number | null, lossPct = 0) => ({ peer, rttMs, lossPct, payloadMtu: 1400, bitrate: undefined, carrier: 'mem' });
  const all = [nb(addr[1]!, 12.6), nb(addr[2]!, null), nb(addr[3]!, null, 3.4)];
  t.deepEqual(ownLinks(all, { unknownCostMs: 1000, staticPeers: undefined }).map((l) => [l.costMs, l.lossPct]), [[13, 0], [1000, 0], [1000, 3]]);
  t.deepEqual(ownLinks(all, { unknownCostMs: 1000, staticPeers: new Set([addr[2]!]) }).map((l) => l.peer), A(1, 2));
  const base: RecordLink[] = [{ peer: 'x', costMs: 100, lossPct: 0 }];
  t.false(linksMoved(base, [{ peer: 'x', costMs: 120, lossPct: 5 }]));
  t.false(linksMoved(base, [{ peer: 'x', costMs: 140, lossPct: 0 }]), 'weight up by less than half');
  t.true(linksMoved(base, [{ peer: 'x', costMs: 150, lossPct: 0 }]));
  t.true(linksMoved(base, [{ peer: 'x', costMs: 66, lossPct: 0 }]), 'down by a third is the same ratio');
  t.false(linksMoved(base, [{ peer: 'x', costMs: 100, lossPct: 10 }]), 'two lost pings in twenty');
  t.false(linksMoved(base, [{ peer: 'x', costMs: 100, lossPct: 15 }]), 'loss noise');
  t.true(linksMoved(base, [{ peer: 'x', costMs: 100, lossPct: 20 }]));
  t.true(linksMoved(base, [{ peer: 'y', costMs: 100, lossPct: 0 }]));
  t.true(linksMoved(base, []));
  t.false(linksMoved([{ peer: 'x', costMs: 2, lossPct: 0 }], [{ peer: 'x', costMs: 5, lossPct: 0 }]), 'under 5 ms is noise');
});
