import test from 'ava';
import { canonicalLine } from '../src/env/trace.ts';
import { Proto } from '../src/overlay/link-layer.ts';
import { encodeRecordMsg } from '../src/topology/topology-wire.ts';
import { TopoWorld } from './helpers/topology-world.ts';

/** A line n0 … n5 plus the chord n0-n3; every link measures 10 ms RTT (5 ms each way). */
const lineWithChord = (): TopoWorld => {
  const w = new TopoWorld();
  for (let i = 0; i < 6; i++) w.add(`n${i}`);
  for (let i = 0; i < 5; i++) w.link(`n${i}`, `n${i + 1}`);
  w.link('n0', 'n3');
  w.start();
  return w;
};
const allKnowAll = (w: TopoWorld, n = w.nodes.size) => [...w.nodes.values()].every((x) => x.topo.records === n);
/** Drop reasons the topology layer can cause (the link layer has its own, e.g. handshake races). */
const topoDrops = (d: Partial<Record<string, number>>) =>
  Object.fromEntries(Object.entries(d).filter(([k]) => ['bad-signature', 'malformed', 'unknown-type', 'bad-version', 'rate-limited'].includes(k)));
const names = (w: TopoWorld, path: string[] | null) => path?.map((a) => w.names().find((n) => w.addr(n) === a));

test('line of 6 plus a chord: every node learns every record, and paths are the shortest', (t) => {
  const w = lineWithChord();
  t.true(w.clock.advanceUntil(() => allKnowAll(w), 10_000, 50) >= 0, 'records everywhere within 10 s');
  w.clock.advance(40_000); // RTTs measured, costs re-advertised (cost-only changes wait costMinIntervalMs)
  const n0 = w.get('n0').topo;
  t.deepEqual(names(w, n0.pathTo(w.addr('n5'))), ['n0', 'n3', 'n4', 'n5']);
  // n0 → n2: via n1 or n3, two hops each; the smaller address is n2's predecessor.
  t.deepEqual(names(w, n0.pathTo(w.addr('n2'))), ['n0', w.addr('n1') < w.addr('n3') ? 'n1' : 'n3', 'n2']);
  t.deepEqual(names(w, w.get('n5').topo.pathTo(w.addr('n1'))), ['n5', 'n4', 'n3', 'n0', 'n1']);
  // n1 → n4: via n0 or via n2 costs the same; n3's predecessor is the smaller address.
  const via = w.addr('n0') < w.addr('n2') ? 'n0' : 'n2';
  t.deepEqual(names(w, w.get('n1').topo.pathTo(w.addr('n4'))), ['n1', via, 'n3', 'n4']);
  // Costs are measured RTTs, and route keys are known for everyone.
  t.deepEqual(n0.record(w.addr('n0'))!.links.map((l) => l.costMs), [10, 10]);
  for (const n of w.names()) t.deepEqual(n0.routeKeyOf(w.addr(n)), w.get(n).topo.routeKey.publicKey);
  t.is(n0.nextHops().get(w.addr('n5')), w.addr('n3'));
  t.is(n0.pathRttMs(n0.pathTo(w.addr('n5'))!), 30);
  t.is(n0.pathRttMs([w.addr('n0'), w.addr('n5')]), undefined);
  // Traces: link counts, never the (wall-clock derived) seq.
  const orig = w.events.filter((e) => e.ev === 'topo.originate');
  t.true(orig.length > 0 && orig.every((e) => typeof e.links === 'number' && !('seq' in e)));
  for (const n of w.nodes.values()) t.deepEqual(topoDrops(n.node.drops), {}, n.name);
});

test('cutting the chord: once the link is declared dead the records update and paths go round', (t) => {
  const w = lineWithChord();
  w.clock.advance(30_000);
  const n0 = w.get('n0').topo;
  const changes: string[] = [];
  w.get('n5').topo.changes$.subscribe((c) => changes.push(c.origin));
  t.is(n0.pathTo(w.addr('n5'))!.length, 4);
  w.cut('n0', 'n3');
  const took = w.clock.advanceUntil(() => n0.pathTo(w.addr('n5'))?.length === 6 && w.get('n5').topo.pathTo(w.addr('n0'))?.length === 6, 60_000, 100);
  t.true(took >= 0 && took < 25_000, `rerouted after ${took} ms`);
  t.deepEqual(names(w, n0.pathTo(w.addr('n5'))), ['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
  t.true(changes.includes(w.addr('n0')) || changes.includes(w.addr('n3')), 'n5 saw the graph change');
  // A repair query can also route round an edge before the records say so.
  t.is(n0.pathTo(w.addr('n5'), new Set([`${w.addr('n5')}|${w.addr('n4')}`])), null);
});

test('a node that joins late learns the whole database at once from its neighbour (sync)', (t) => {
  const w = lineWithChord();
  w.clock.advance(30_000);
  w.add('n6');
  w.link('n5', 'n6');
  w.get('n6').node.start();
  const took = w.clock.advanceUntil(() => allKnowAll(w, 7), 30_000, 10);
  t.true(took >= 0 && took < 3_000, `everyone knows 7 records after ${took} ms`);
  t.deepEqual(names(w, w.get('n6').topo.pathTo(w.addr('n0'))), ['n6', 'n5', 'n4', 'n3', 'n0']);
});

test('restart with a clock an hour slow: the node finds its old record and jumps its seq above it', (t) => {
  const w = lineWithChord();
  w.clock.advance(30_000);
  const before = w.get('n0').topo.record(w.addr('n5'))!.seq;
  const n5 = w.restart('n5', -3_600_000);
  t.true(w.clock.advanceUntil(() => n5.topo.records === 6, 30_000, 10) >= 0, 'synced from n4');
  t.true(w.clock.advanceUntil(() => (w.get('n0').topo.record(w.addr('n5'))?.seq ?? 0) > before, 30_000, 100) >= 0);
  const mine = n5.topo.record(w.addr('n5'))!;
  t.true(mine.seq > before, 'own seq jumped past the record of the previous boot');
  t.is(w.get('n0').topo.record(w.addr('n5'))!.seq, mine.seq);
  t.deepEqual(names(w, w.get('n0').topo.pathTo(w.addr('n5'))), ['n0', 'n3', 'n4', 'n5']);
});

test('a node that stays down: its record expires everywhere after maxAgeMs; live records never do', (t) => {
  const w = new TopoWorld({ maxAgeMs: 60_000, refreshMs: 20_000 });
  for (let i = 0; i < 4; i++) w.add(`n${i}`);
  for (let i = 0; i < 3; i++) w.link(`n${i}`, `n${i + 1}`);
  w.start();
  w.clock.advance(30_000);
  const gone = w.get('n3');
  gone.topo.stop();
  gone.node.stop();
  void gone.carrier.close();
  w.nodes.delete('n3');
  const lastSent = w.events.filter((e) => e.ev === 'topo.originate' && e.node === 'n3').at(-1)!.t;
  w.clock.advance(lastSent + 55_000 - w.clock.now());
  t.true(allKnowAll(w, 4), 'still held before maxAgeMs');
  // The sweep runs every maxAgeMs / 10.
  t.true(w.clock.advanceUntil(() => allKnowAll(w, 3), 12_000, 100) >= 0, 'forgotten soon after maxAgeMs');
  t.true(w.events.some((e) => e.ev === 'topo.expire' && e.origin === gone.identity.address));
  w.clock.advance(300_000);
  t.true(allKnowAll(w, 3), 'refreshes keep the live records');
});

test('deterministic: the same world twice gives the same trace and the same paths', (t) => {
  const run = () => {
    const w = lineWithChord();
    w.clock.advance(40_000);
    return { trace: w.events.map((e) => canonicalLine(e)), paths: w.names().map((n) => w.get(n).topo.pathTo(w.addr('n5'))) };
  };
  t.deepEqual(run(), run());
});

test('bad records from a neighbour are counted drops; stop cancels every timer', (t) => {
  const w = lineWithChord();
  w.clock.advance(10_000);
  const n1 = w.get('n1');
  const good = n1.topo.record(w.addr('n4'))!.bytes;
  // A newer-looking seq (so it is worth verifying) under the old signature.
  const forged = good.slice();
  const v = new DataView(forged.buffer);
  v.setUint32(69, v.getUint32(69) + 1);
  const { node } = w.get('n0');
  node.deliver(n1.identity.address, encodeRecordMsg(forged));
  node.deliver(n1.identity.address, encodeRecordMsg(forged.subarray(0, 100)));
  node.deliver(n1.identity.address, Uint8Array.of(Proto.Topology, 0x7f));
  t.deepEqual(topoDrops(node.drops), { 'bad-signature': 1, malformed: 1, 'unknown-type': 1 });
  for (const n of w.nodes.values()) n.topo.stop(), n.node.stop();
  w.clock.advance(1_000);
  t.is(w.clock.pending, 0);
});
