import test from 'ava';
import { randomBytes } from 'node:crypto';
import { Subject } from 'rxjs';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import type { LinkLayer } from '../src/overlay/link-layer.ts';
import { MAX_CUSTODY_PER_NEIGHBOUR, SmsService } from '../src/sms/sms-service.ts';
import { signParcel } from '../src/sms/sms-sign.ts';
import { memorySmsStore, type SmsDisk } from '../src/sms/sms-store.ts';
import { MemClock } from './helpers/mem-clock.ts';

// Three services in a line a - b - c over a hand-driven "network": the test decides which
// frames arrive, so lost acks, duplicates and a crash of the relay are exact.
const suite = nodeSuite();
const ids = { a: identityFromSeed(suite, new Uint8Array(32).fill(1)), b: identityFromSeed(suite, new Uint8Array(32).fill(2)), c: identityFromSeed(suite, new Uint8Array(32).fill(3)) };
type N = keyof typeof ids;
const order: N[] = ['a', 'b', 'c'];

const world = () => {
  const clock = new MemClock();
  const wire: { from: N; to: N; bytes: Uint8Array }[] = [];
  const handlers = new Map<N, (peer: string, b: Uint8Array) => void>();
  const disks: Record<N, SmsDisk> = { a: { saved: null }, b: { saved: null }, c: { saved: null } };
  const nameOf = (addr: string): N => order.find((n) => ids[n].address === addr)!;
  const layer = (n: N): LinkLayer => ({
    address: ids[n].address, name: n, identity: ids[n], suite, clock, trace: { emit: () => {} }, scheduler: undefined as never,
    random: { bytes: (k) => new Uint8Array(randomBytes(k)), int: (m) => Math.floor(Math.random() * m), float: () => 0.5 },
    linkEvents$: new Subject(), neighbours: () => [],
    sendTo: (peer, bytes) => { wire.push({ from: n, to: nameOf(peer), bytes }); return true; },
    sendPacket: (peer, bytes) => { wire.push({ from: n, to: nameOf(peer), bytes: bytes.slice() }); return true; },
    register: (_p, h) => void handlers.set(n, h), countDrop: () => {},
  });
  const topology = (n: N) => ({
    changes$: new Subject(),
    record: () => undefined,
    pathTo: (dest: string): string[] | null => {
      const i = order.indexOf(n), j = order.indexOf(nameOf(dest));
      const step = j > i ? 1 : -1;
      return Array.from({ length: Math.abs(j - i) + 1 }, (_, k) => ids[order[i + k * step]!].address);
    },
  });
  const svc: Partial<Record<N, SmsService>> = {};
  const delivered: string[] = [];
  const boot = (n: N): SmsService => (svc[n] = new SmsService({ layer: layer(n), topology: topology(n), store: memorySmsStore(disks[n]), onDelivered: (e) => void delivered.push(e.id) }));
  /** Delivers every frame on the wire (after saves settle), except those `drop` rejects. */
  const pump = async (drop: (f: { from: N; to: N; bytes: Uint8Array }) => boolean = () => false): Promise<number> => {
    let n = 0;
    for (let round = 0; round < 20; round++) {
      await new Promise((r) => setImmediate(r));
      const batch = wire.splice(0);
      if (batch.length === 0) break;
      for (const f of batch) if (!drop(f)) { n++; handlers.get(f.to)!(ids[f.from].address, f.bytes); }
    }
    return n;
  };
  return { clock, boot, svc, pump, disks, delivered, wire };
};
const isAck = (b: Uint8Array): boolean => b.length === 18;

test('custody hop by hop: a lost ack makes the sender resend, the relay keeps one copy, c gets it once, the receipt comes back', async (t) => {
  const w = world();
  for (const n of order) w.boot(n);
  const m = await w.svc.a!.send(ids.c.address, 'hello');
  let lost = 0;
  await w.pump((f) => f.from === 'b' && f.to === 'a' && isAck(f.bytes) && lost++ === 0); // b's first ack to a is lost
  t.is(w.disks.a.saved!.includes('"state":"delivered"'), true);
  t.is(w.svc.b!.counters.get('custody'), 2, 'the message and the receipt, once each');
  w.clock.advance(5000); // a's retry timer: resends the message it still holds? (no: receipt removed it)
  await w.pump();
  t.deepEqual(w.delivered, [m.id]);
  t.is(Object.keys(JSON.parse(w.disks.b.saved!).outbox).length, 0);
});

test('a resend after a lost ack is acked again without a second copy', async (t) => {
  const w = world();
  for (const n of order) w.boot(n);
  await w.svc.a!.send(ids.c.address, 'hello');
  await w.pump((f) => f.to === 'c' || (f.from === 'b' && f.to === 'a')); // b holds it; c and a hear nothing
  t.is(w.svc.b!.counters.get('custody'), 1);
  w.clock.advance(5000);
  await w.pump((f) => f.to === 'c');
  t.is(w.svc.b!.counters.get('custody'), 1);
  t.true(w.svc.b!.counters.get('duplicates') >= 1);
  t.is(JSON.parse(w.disks.a.saved!).sent[Object.keys(JSON.parse(w.disks.a.saved!).sent)[0]!].state, 'forwarded');
});

test('the relay crashes holding a message; restarted from its saved state it delivers it exactly once', async (t) => {
  const w = world();
  for (const n of order) w.boot(n);
  const m = await w.svc.a!.send(ids.c.address, 'survive');
  await w.pump((f) => f.to === 'c'); // c unreachable for now: b holds it
  t.is(Object.keys(JSON.parse(w.disks.b.saved!).outbox).length, 1, 'saved before the ack');
  w.svc.b!.stop();
  w.boot('b'); // "restart": a new service from the disk
  w.clock.advance(1);
  await w.pump();
  // The first copy's late duplicate from a would not matter either: c dedupes by id.
  w.svc.c!.receive(ids.b.address, new Uint8Array(Buffer.from(JSON.parse(w.disks.b.saved ?? '{"outbox":{}}').outbox[`msg:${m.id}`]?.frame ?? '', 'base64')));
  await w.pump();
  t.deepEqual(w.delivered, [m.id]);
  t.is(JSON.parse(w.disks.a.saved!).sent[m.id].state, 'delivered');
});

test('custody is bounded: 10,000 signed parcels from one neighbour under made-up keys stop at its share, unacked (the sender keeps them), and another neighbour\'s parcel is still taken', async (t) => {
  const w = world();
  const b = w.boot('b');
  const liar = Array.from({ length: 100 }, (_, i) => identityFromSeed(suite, new Uint8Array(32).fill(50 + i)));
  let sent = 0;
  for (let i = 0; i < 10_000; i++) {
    const id = new Uint8Array(randomBytes(8));
    b.receive(ids.a.address, signParcel(suite, liar[i % liar.length]!, { kind: 'msg', id, to: ids.c.addressBytes, time: Math.floor(w.clock.wallMs() / 1000), coding: 'utf8', body: new TextEncoder().encode('x') }));
    sent++;
  }
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); // saves settle; nothing delivered
  t.is(sent, 10_000);
  t.is(Object.keys((b as unknown as { d: { store: { data: { outbox: object } } } }).d.store.data.outbox).length, MAX_CUSTODY_PER_NEIGHBOUR);
  t.is(b.counters.get('sms-custody-full-neighbour'), 10_000 - MAX_CUSTODY_PER_NEIGHBOUR);
  const acks = w.wire.filter((f) => f.from === 'b' && f.to === 'a' && isAck(f.bytes)).length;
  t.true(acks <= MAX_CUSTODY_PER_NEIGHBOUR, 'nothing refused was acked');
  b.receive(ids.c.address, signParcel(suite, ids.c, { kind: 'msg', id: new Uint8Array(randomBytes(8)), to: ids.a.addressBytes, time: Math.floor(w.clock.wallMs() / 1000), coding: 'utf8', body: new TextEncoder().encode('help') }));
  t.is(b.counters.get('custody'), MAX_CUSTODY_PER_NEIGHBOUR + 1, 'a legitimate parcel from another neighbour is taken');
  b.stop();
});

test('one hop: the receipt ends the sender\'s custody, no custody ack goes before it; a resend is acked as a duplicate', async (t) => {
  const w = world();
  for (const n of order) w.boot(n);
  const m = await w.svc.b!.send(ids.c.address, 'next door');
  const frames: { from: N; to: N; bytes: Uint8Array }[] = [];
  await w.pump((f) => { frames.push(f); return false; });
  const fromC = frames.filter((f) => f.from === 'c');
  t.true(fromC.length >= 1);
  t.false(isAck(fromC[0]!.bytes), 'c answers with the receipt, not an ack first');
  t.is(fromC.filter((f) => isAck(f.bytes) && f.to === 'b').length, 0, 'no custody ack for the message at all');
  t.deepEqual(w.delivered, [m.id]);
  t.is(JSON.parse(w.disks.b.saved!).sent[m.id].state, 'delivered');
  t.is(Object.keys(JSON.parse(w.disks.b.saved!).outbox).length, 0, 'b holds nothing: the receipt ended its custody');
  // The same message again (a resend after a lost receipt): acked, not delivered twice.
  w.svc.c!.receive(ids.b.address, new Uint8Array(frames.find((f) => f.from === 'b' && f.to === 'c')!.bytes));
  const again: { from: N; to: N; bytes: Uint8Array }[] = [];
  await w.pump((f) => { again.push(f); return false; });
  t.true(again.some((f) => f.from === 'c' && isAck(f.bytes)), 'the duplicate gets its custody ack');
  t.deepEqual(w.delivered, [m.id]);
});
