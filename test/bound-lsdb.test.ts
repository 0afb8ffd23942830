// Bounded state, topology: a neighbour gone bad floods 10,000 validly signed records for
// made-up nodes. The database of every node stays under its caps (records, links summed,
// links per record), records of non-members are dropped before storing or flooding, a new
// neighbour still gets in when the database is full, and legitimate paths keep working.
import test from 'ava';
import { TopoWorld, type TopoNode } from './helpers/topology-world.ts';
import { recordOf, suite } from './helpers/topology-records.ts';
import { signRecord } from '../src/topology/record-codec.ts';
import { seedIdentity } from './helpers/mem-node.ts';
import { heapMb } from './helpers/heap.ts';
import { identityFromSeed, type Identity } from '../src/identity/identity.ts';
import { encodeRecordMsg } from '../src/topology/topology-wire.ts';
import { Lsdb } from '../src/topology/lsdb.ts';

const ATTEMPTS = 10_000;
const LINKS_PER_FAKE = 30;
const caps = { maxRecords: 500, maxTotalLinks: 30_000, maxRecordLinks: 50 };

const fakeId = (i: number): Identity => {
  const s = new Uint8Array(32);
  new DataView(s.buffer).setUint32(0, i);
  s[31] = 0x3c;
  return identityFromSeed(suite, s);
};

// Made-up peers for the fake records' links: the same few for all (they need not exist).
const fakePeers = Array.from({ length: 100 }, (_, i) => seedIdentity(900_000 + i));

// One route key for every fake (an attacker need not make more): signing is the cost.
const fakeRouteKey = new Uint8Array(32).fill(9);

/** x (up link to a) sends fake record i to a, as a flood would. */
const sendFake = (x: TopoNode, a: TopoNode, i: number, links = LINKS_PER_FAKE): void => {
  const rec = signRecord({ suite, identity: fakeId(i), routeKey: fakeRouteKey, seq: 1, links: fakePeers.slice(0, links).map((p) => ({ peer: p.address, costMs: 10, lossPct: 0 })) });
  x.node.sendTo(a.identity.address, encodeRecordMsg(rec.bytes));
};

/** x - a - b - c, and d (joins later) - a; every node with the same options. */
const world = (options: ConstructorParameters<typeof TopoWorld>[0]) => {
  const w = new TopoWorld(options);
  for (const n of ['a', 'b', 'c', 'x']) w.add(n);
  w.link('x', 'a');
  w.link('a', 'b');
  w.link('b', 'c');
  w.start();
  const all = () => ['a', 'b', 'c', 'x'].map((n) => w.get(n));
  const converged = () => all().every((n) => n.topo.records === 4) && w.get('x').topo.pathTo(w.addr('c'))?.length === 4;
  if (w.clock.advanceUntil(converged, 20_000, 50) < 0) throw new Error('topology did not converge');
  return w;
};

const drops = (n: TopoNode): Record<string, number> => n.node.drops as Record<string, number>;

test('10,000 fake origins from a bad neighbour: every database stays under its caps, paths keep working, a new neighbour still gets in', (t) => {
  const w = world(caps);
  const [a, b, x] = [w.get('a'), w.get('b'), w.get('x')];
  const before = heapMb();
  let atFull = 0;
  let maxRecords = 0;
  let maxLinks = 0;
  for (let i = 0; i < ATTEMPTS; i++) {
    sendFake(x, a, i);
    if (i % 50 === 49) {
      w.clock.advance(20);
      for (const n of [a, b]) {
        maxRecords = Math.max(maxRecords, n.topo.records);
        maxLinks = Math.max(maxLinks, n.topo.lsdb.totalLinks);
      }
      if (i === 999) atFull = heapMb(); // both databases are full by now (500 records)
      if (i % 1000 === 999) t.deepEqual(a.topo.pathTo(w.addr('c')), ['a', 'b', 'c'].map((n) => w.addr(n)), 'legitimate path during the flood');
    }
  }
  w.clock.advance(1000);
  const flat = heapMb() - atFull;
  t.log(`heap: +${(atFull - before).toFixed(1)} MB filling the databases (a, b, c x 500 records of 30 links), then +${flat.toFixed(1)} MB over the other 9,000 attempts`);
  t.true(flat < 8, `heap grew ${flat.toFixed(1)} MB once full`);
  t.true(maxRecords <= caps.maxRecords, `records at most ${maxRecords}`);
  t.true(maxLinks <= caps.maxTotalLinks, `links at most ${maxLinks}`);
  t.true(drops(a)['topology-full']! > 0);
  t.log(`a: records ${a.topo.records}, links ${a.topo.lsdb.totalLinks}, drops`, drops(a), `b: records ${b.topo.records}`);

  // A record over the per-record cap is refused even with room.
  const over = drops(b)['topology-too-many-links'] ?? 0;
  sendFake(w.get('c'), b, ATTEMPTS + 1, caps.maxRecordLinks + 1);
  w.clock.advance(50);
  t.is(drops(b)['topology-too-many-links'], over + 1);

  // A new neighbour of a, with a full database: its record displaces a non-neighbour's.
  const d = w.add('d');
  w.link('d', 'a');
  d.node.start();
  t.not(w.clock.advanceUntil(() => a.topo.record(w.addr('d')) !== undefined && d.topo.record(w.addr('c')) !== undefined, 20_000, 50), -1, 'd is known to a, and d learnt c');
  t.true(drops(a)['topology-evicted']! > 0);
  t.true(a.topo.records <= caps.maxRecords);
  t.deepEqual(d.topo.pathTo(w.addr('c')), ['d', 'a', 'b', 'c'].map((n) => w.addr(n)));
  const grown = heapMb() - before;
  t.true(grown < 100, `heap grew ${grown.toFixed(1)} MB in all (uncapped, 10,000 records a node would be 20 times the fill)`);
});

test('admitOrigin: records of non-members are dropped before they are stored or flooded', (t) => {
  const members = new Set<string>();
  const w = world({ admitOrigin: (origin) => members.size === 0 || members.has(origin) });
  for (const n of ['a', 'b', 'c', 'x']) members.add(w.addr(n));
  const [a, b, x] = [w.get('a'), w.get('b'), w.get('x')];
  const flooded = a.topo.flooder.stats.sent;
  for (let i = 0; i < ATTEMPTS; i++) {
    sendFake(x, a, i, 2);
    if (i % 100 === 99) w.clock.advance(10);
  }
  w.clock.advance(1000);
  t.is(drops(a)['topology-not-member'], ATTEMPTS);
  t.is(a.topo.records, 4);
  t.is(b.topo.records, 4);
  t.is(drops(b)['topology-not-member'] ?? 0, 0, 'b never saw one');
  t.true(a.topo.flooder.stats.sent - flooded < 20, 'a flooded none of them (only refreshes)');
  t.deepEqual(a.topo.pathTo(w.addr('c')), ['a', 'b', 'c'].map((n) => w.addr(n)));
  // A member's record passes.
  const m = fakeId(424242);
  members.add(m.address);
  x.node.sendTo(a.identity.address, encodeRecordMsg(recordOf(m, 1, []).bytes));
  w.clock.advance(100);
  t.truthy(a.topo.record(m.address));
  t.truthy(b.topo.record(m.address), 'and is flooded on');
});

test('Lsdb caps: full refuses new origins, a neighbour\'s record evicts the oldest-received non-neighbour, our own is never evicted', (t) => {
  const ids = Array.from({ length: 6 }, (_, i) => seedIdentity(5000 + i));
  const [me, n1, n2, n3, nb, n4] = ids as [Identity, Identity, Identity, Identity, Identity, Identity];
  const db = new Lsdb(me.address, 60_000, { maxRecords: 4, maxTotalLinks: 100, maxRecordLinks: 10 });
  const isNb = (o: string): boolean => o === nb.address;
  db.setOwn(recordOf(me, 1, [{ peer: nb }]), 0);
  t.is(db.offer(recordOf(n1, 1, []), 10, isNb), 'new');
  t.is(db.offer(recordOf(n2, 1, []), 5, isNb), 'new');
  t.is(db.offer(recordOf(n3, 1, []), 20, isNb), 'new');
  t.is(db.offer(recordOf(n4, 1, []), 30, isNb), 'full');
  t.is(db.offer(recordOf(n1, 2, [{ peer: n2 }]), 40, isNb), 'new', 'a held origin may still refresh');
  t.is(db.offer(recordOf(nb, 1, [{ peer: me }]), 50, isNb), 'new', 'a neighbour gets in');
  t.is(db.evicted, 1);
  t.is(db.get(n2.address), undefined, 'n2 was received longest ago');
  t.truthy(db.get(me.address));
  t.is(db.size, 4);
  t.is(db.totalLinks, 3);
  t.is(db.offer(recordOf(n4, 1, Array.from({ length: 11 }, (_, i) => ({ peer: seedIdentity(6000 + i) }))), 60, isNb), 'too-many-links');
  // Links summed: a record that would pass maxTotalLinks is refused like a new origin.
  const small = new Lsdb(me.address, 60_000, { maxRecords: 100, maxTotalLinks: 12, maxRecordLinks: 10 });
  const tenLinks = Array.from({ length: 10 }, (_, i) => ({ peer: seedIdentity(6000 + i) }));
  t.is(small.offer(recordOf(n1, 1, tenLinks), 0), 'new');
  t.is(small.offer(recordOf(n2, 1, tenLinks.slice(0, 3)), 0), 'full');
  t.is(small.offer(recordOf(n2, 1, tenLinks.slice(0, 2)), 0), 'new');
  t.is(small.totalLinks, 12);
  t.is(small.offer(recordOf(n1, 2, tenLinks.slice(0, 9)), 1), 'new', 'shrinking is always fine');
  t.is(small.totalLinks, 11);
});
