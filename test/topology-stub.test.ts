import test from 'ava';
import { parseScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import { TopoWorld } from './helpers/topology-world.ts';
import { seedIdentity } from './helpers/mem-node.ts';

// A hub h with stubs s1..s4 and a full node f behind it (f - g beyond).
const star = (): TopoWorld => {
  const w = new TopoWorld();
  w.add('h');
  for (const [i, s] of ['s1', 's2', 's3', 's4'].entries()) w.add(s, seedIdentity(2100 + i), w.clock, { stub: true });
  w.add('f');
  w.add('g');
  for (const s of ['s1', 's2', 's3', 's4', 'f']) w.link('h', s);
  w.link('f', 'g');
  w.start();
  return w;
};

test('a stub holds only its neighbour\'s record and its own; everyone else still learns the stub', (t) => {
  const w = star();
  w.clock.advance(5_000);
  const s1 = w.get('s1').topo;
  t.is(s1.records, 2, 'own and the hub\'s');
  t.truthy(s1.record(w.addr('h')));
  // The hub and full nodes hold everything, stubs included: they can route to a stub.
  for (const n of ['h', 'f', 'g']) t.is(w.get(n).topo.records, 7, n);
  t.deepEqual(w.get('g').topo.pathTo(w.addr('s1'))?.map((a) => [...w.nodes.values()].find((x) => x.identity.address === a)!.name), ['g', 'f', 'h', 's1']);
  // Refreshes and other nodes' changes are not flooded to stubs.
  w.clock.advance(6 * 60_000);
  t.is(s1.records, 2);
});

test('a stub asks for the records on a path when it needs one, and gets exactly those', (t) => {
  const w = star();
  w.clock.advance(5_000);
  const s1 = w.get('s1').topo;
  t.is(s1.pathTo(w.addr('g')), null);
  s1.request(w.addr('g'));
  w.clock.advance(1_000);
  const names = (p: string[] | null) => p?.map((a) => [...w.nodes.values()].find((x) => x.identity.address === a)!.name);
  t.deepEqual(names(s1.pathTo(w.addr('g'))), ['s1', 'h', 'f', 'g']);
  t.is(s1.records, 4, 'own, h, f and g: nothing else');
  t.truthy(s1.routeKeyOf(w.addr('g')));
  // Asking again at once is rate-limited.
  const sent = w.get('s1').carrier.sent;
  s1.request(w.addr('g'));
  w.clock.advance(100);
  t.is(w.get('s1').carrier.sent, sent);
});

test('sim: stubs dial each other and nodes beyond the hub; streams arrive intact', async (t) => {
  const s = parseScenario(`
name: stubs
seed: 3
duration: 90s
nodes: 10
topology: { kind: edges, edges: [[n0, n1], [n0, n2], [n0, n3], [n0, n4], [n0, n5], [n0, n6], [n0, n7], [n0, n8], [n8, n9]] }
link: { latency: 10ms, jitter: 2ms, loss: 0.01 }
stubs: [n1..n7]
streams:
  - { at: 10s, from: n1, to: n7, bytes: 200000 }
  - { at: 12s, from: n2, to: n9, bytes: 200000 }
  - { at: 14s, from: n9, to: n3, bytes: 200000 }
`, 'stubs.yaml');
  const a = await runScenario(s);
  t.true(a.summary.streams.every((x) => x.intact), JSON.stringify(a.summary.streams));
  t.is(a.summary.routes.loops.length, 0);
  t.true(a.summary.routes.established >= 3, `routes ${a.summary.routes.established}`);
  t.is(a.summary.routes.failed, 0);
  t.is((await runScenario(s)).summary.traceHash, a.summary.traceHash);
});

test('a full node that lost a flood asks for the path instead of waiting for the next refresh', (t) => {
  const w = new TopoWorld();
  for (const n of ['a', 'b', 'c']) w.add(n);
  w.link('a', 'b');
  w.link('b', 'c');
  // Everything b sends a from 0.2 s to 5 s is lost, c's record among it (as a lost fragment of a
  // big record would lose it); the link itself survives, it is only 5 s.
  let lose = true;
  w.mem.net.taps.push((from, to) => !(lose && from === 'b' && to === 'a' && w.clock.now() > 200));
  w.start();
  w.clock.advance(5_000);
  lose = false;
  const a = w.get('a').topo;
  t.is(a.pathTo(w.addr('c')), null, 'the flood of c\'s record never reached a');
  a.request(w.addr('c'));
  w.clock.advance(500);
  t.is(a.pathTo(w.addr('c'))?.length, 3);
});
