import test from 'ava';
import { RouteWorld } from './helpers/route-world.ts';
import { RouteMsg } from '../src/route/route-wire.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

// Two disjoint paths from a to f: a-b-c-f (preferred: b < d) and a-d-e-f.
const twoPaths = (): RouteWorld => new RouteWorld(['a', 'b', 'c', 'd', 'e', 'f'], [['a', 'b'], ['b', 'c'], ['c', 'f'], ['a', 'd'], ['d', 'e'], ['e', 'f']]);

const establish = (w: RouteWorld, from: string, to: string) => {
  w.world.clock.advanceUntil(() => [...w.nodes.values()].every((n) => n.node.neighbours().length === 2), 5000);
  const r = w.n(from).router.route(w.n(to).identity.address);
  w.world.clock.advanceUntil(() => r.state === 'established', 5000, 1);
  return r;
};

test('route setup takes one round trip and data flows both ways, end to end encrypted', (t) => {
  const w = twoPaths();
  const r = establish(w, 'a', 'f');
  t.is(r.state, 'established');
  const ev = w.events.find((e) => e.ev === 'route.established')!;
  t.is(ev.hops, 3);
  // Three 5 ms hops: the path RTT is 30 ms, and setup takes exactly that in a quiet network.
  t.true((ev.setupMs as number) <= 1.2 * 30, `setup ${ev.setupMs} ms`);
  t.true(r.conv.send(enc('hello f')));
  w.world.clock.advance(50);
  t.deepEqual(w.n('f').got.map(dec), ['hello f']);
  t.is(w.n('f').convs.length, 1);
  t.true(w.n('f').convs[0]!.send(enc('hello a')));
  w.world.clock.advance(50);
  t.deepEqual(w.n('a').got.map(dec), ['hello a']);
});

test('a relay sees only its two neighbours and ciphertext, never the endpoints or the data', (t) => {
  const w = twoPaths();
  const seen: Uint8Array[] = [];
  const b = w.n('b');
  const deliver = b.node.deliver.bind(b.node);
  b.node.deliver = (peer, bytes) => { seen.push(bytes.slice()); deliver(peer, bytes); };
  const r = establish(w, 'a', 'f');
  r.conv.send(enc('top secret payload'));
  w.world.clock.advance(50);
  t.deepEqual(w.n('f').got.map(dec), ['top secret payload']);
  const hay = Buffer.concat(seen);
  for (const needle of [enc('top secret'), w.n('a').identity.publicKey, w.n('f').identity.publicKey, w.n('f').identity.addressBytes, w.n('c').identity.addressBytes.subarray(0, 0)]) {
    if (needle.length === 0) continue;
    t.is(hay.indexOf(Buffer.from(needle)), -1);
  }
  const relay = [...b.router.table.byId.values()];
  t.is(relay.length, 1);
  t.is(relay[0]!.kind, 'relay');
  if (relay[0]!.kind === 'relay') {
    t.is(relay[0]!.prevPeer, w.n('a').identity.address);
    t.is(relay[0]!.nextPeer, w.n('c').identity.address);
  }
});

test('a packet altered by a relay is dropped at the endpoint and counted', (t) => {
  const w = twoPaths();
  const r = establish(w, 'a', 'f');
  const c = w.n('c');
  // A relay forwards data in place (sendPacket); the flip lands in the end-to-end ciphertext.
  const sendPacket = c.node.sendPacket.bind(c.node);
  c.node.sendPacket = (peer, bytes) => {
    if (bytes[0] === 2 && bytes[1] === 3 && bytes.length > 40) bytes[bytes.length - 20]! ^= 1;
    return sendPacket(peer, bytes);
  };
  r.conv.send(enc('do not touch'));
  w.world.clock.advance(50);
  t.deepEqual(w.n('f').got, []);
  t.is((w.n('f').node.drops as Record<string, number>)['e2e-bad-tag'], 1);
});

/** Route subtypes `name` hands to its links, from here on. */
const subtypesSent = (w: RouteWorld, name: string): number[] => {
  const n = w.n(name).node;
  const sent: number[] = [];
  const sendPacket = n.sendPacket.bind(n);
  n.sendPacket = (peer, bytes) => { if (bytes[0] === 2) sent.push(bytes[1]!); return sendPacket(peer, bytes); };
  return sent;
};
const dataLabel = (routeId: number, payload: string): Uint8Array => {
  const b = new Uint8Array(6 + payload.length);
  b.set([2, RouteMsg.DataDirect, routeId >>> 24, (routeId >>> 16) & 255, (routeId >>> 8) & 255, routeId & 255]);
  b.set(enc(payload), 6);
  return b;
};

test('a route of one hop sends data under its link\'s seal alone (DataDirect), both ways; a longer route seals end to end', (t) => {
  const w = twoPaths();
  const near = establish(w, 'a', 'b');
  const fromA = subtypesSent(w, 'a');
  const fromB = subtypesSent(w, 'b');
  t.true(near.conv.send(enc('next door')));
  w.world.clock.advance(50);
  t.deepEqual(w.n('b').got.map(dec), ['next door']);
  t.true(w.n('b').convs[0]!.send(enc('hello back')));
  w.world.clock.advance(50);
  t.deepEqual(w.n('a').got.map(dec), ['hello back']);
  t.deepEqual(fromA, [RouteMsg.DataDirect]);
  t.deepEqual(fromB, [RouteMsg.DataDirect]);
  t.is(near.conv.session!.packetsSent, 0, 'no end-to-end seal on one hop');
  const far = w.n('a').router.route(w.n('f').identity.address);
  w.world.clock.advanceUntil(() => far.state === 'established', 5000, 1);
  fromA.length = 0;
  t.true(far.conv.send(enc('far away')));
  w.world.clock.advance(50);
  t.deepEqual(w.n('f').got.map(dec), ['far away']);
  t.deepEqual(fromA, [RouteMsg.Data]);
});

test('DataDirect is taken only from the other end itself: a relay that makes one, or is sent one, drops it and counts', (t) => {
  const w = twoPaths();
  const r = establish(w, 'a', 'f');
  // c, the last relay before f, forges unsealed data on the route's label toward f.
  const c = w.n('c');
  const entry = [...c.router.table.byId.values()][0]!;
  if (entry.kind !== 'relay') return t.fail('c holds no relay entry');
  t.true(c.node.sendTo(entry.nextPeer, dataLabel(entry.nextId, 'forged by c')));
  // a sends unsealed data on its first hop's label: b must not forward it.
  t.true(w.n('a').node.sendTo(w.n('b').identity.address, dataLabel((r.conv as unknown as { out: { remoteId: number } }).out.remoteId, 'do not forward')));
  w.world.clock.advance(50);
  t.deepEqual(w.n('f').got, []);
  t.is((w.n('f').node.drops as Record<string, number>)['e2e-direct-not-from-peer'], 1);
  t.is((w.n('b').node.drops as Record<string, number>)['route-direct-at-relay'], 1);
  // The route still works, sealed end to end.
  t.true(r.conv.send(enc('still fine')));
  w.world.clock.advance(50);
  t.deepEqual(w.n('f').got.map(dec), ['still fine']);
});

test('a relay that lost its route state (a restart) answers Lost, and the source repairs at once, not after keepalive silence', (t) => {
  const w = twoPaths();
  const r = establish(w, 'a', 'f');
  let sent = 0;
  const tick = () => { r.conv.send(enc(`m${sent++}`)); };
  for (let i = 0; i < 5; i++) { tick(); w.world.clock.advance(100); }
  t.is(w.n('f').got.length, 5);
  // c forgets every route it relayed, as a restarted process does; its links stay up.
  const c = w.n('c');
  for (const id of [...c.router.table.byId.keys()]) c.router.table.remove(id);
  const lostAt = w.world.clock.now();
  w.world.clock.advanceUntil(() => { tick(); return r.repairs > 0 && r.state === 'established'; }, 20_000, 100);
  t.is(r.repairs, 1);
  const repairedAt = w.world.clock.now();
  t.true(repairedAt - lostAt < 2000, `repaired ${repairedAt - lostAt} ms after the state was lost (keepalive silence would take 35 s)`);
  t.true(w.events.some((e) => e.ev === 'route.lost'), 'the neighbour of c heard Lost');
  w.world.clock.advance(100);
  const before = w.n('f').got.length;
  for (let i = 0; i < 5; i++) { tick(); w.world.clock.advance(100); }
  t.is(w.n('f').got.length, before + 5);
  t.is(w.n('f').convs.length, 1, 'the same conversation, rebound');
});

test('a broken link on the path is reported to the source, which repairs around it', (t) => {
  const w = twoPaths();
  const r = establish(w, 'a', 'f');
  let sent = 0;
  const tick = () => { r.conv.send(enc(`m${sent++}`)); };
  for (let i = 0; i < 10; i++) { tick(); w.world.clock.advance(100); }
  t.is(w.n('f').got.length, 10);
  w.cut('c', 'f');
  // Keep sending through the break: messages are lost until the route is repaired.
  w.world.clock.advanceUntil(() => { tick(); return r.repairs > 0 && r.state === 'established'; }, 20_000, 100);
  t.is(r.state, 'established');
  t.is(r.repairs, 1);
  t.deepEqual(r.attempt!.path, ['a', 'd', 'e', 'f'].map((n) => w.n(n).identity.address));
  const repaired = w.events.filter((e) => e.ev === 'route.established').at(-1)!;
  t.true((repaired.repairMs as number) < 5000, `repair ${repaired.repairMs} ms`);
  w.world.clock.advance(100);
  const before = w.n('f').got.length;
  for (let i = 0; i < 5; i++) { tick(); w.world.clock.advance(100); }
  t.is(w.n('f').got.length, before + 5);
  // The conversation is the same one at f: it was rebound, not replaced.
  t.is(w.n('f').convs.length, 1);
});

test('the router streams every route transition from XState inspection, with its cause, in step with the trace', (t) => {
  const w = twoPaths();
  const seen: string[] = [];
  w.n('a').router.transitions$.subscribe((x) => seen.push(`${x.from}>${x.to}`));
  const causes: string[] = [];
  w.n('a').router.transitions$.subscribe((x) => causes.push(x.event));
  const r = establish(w, 'a', 'f');
  w.cut('c', 'f');
  w.world.clock.advanceUntil(() => r.repairs > 0 && r.state === 'established', 20_000, 100);
  t.deepEqual(seen.slice(0, 2), ['resolving>setting-up', 'setting-up>established']);
  t.true(seen.includes('established>repairing'), seen.join(' '));
  t.is(seen.at(-1), 'setting-up>established');
  t.true(causes.every((c) => c.length > 0));
  // The same transitions the trace records, in the same order.
  const traced = w.events.filter((e) => e.ev === 'route.state' && e.node === 'a').map((e) => `${String(e.from)}>${String(e.to)}`);
  t.deepEqual(seen, traced);
});
