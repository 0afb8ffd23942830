import test from 'ava';
import { decodeHeader, decodeReply, decodeSetup, encodeClose, encodeHeader, encodeReply, encodeSetup, RouteMsg, SETUP_FIXED_BYTES, SLOTS_BYTES } from '../src/route/route-wire.ts';
import { buildSlots, keysAtHop, keysForHop, peelSlot, SlotFlag } from '../src/route/setup-onion.ts';
import { findForwardingLoop } from '../simulator/loop-check.ts';
import { RouteTable, type RelayEntry } from '../src/route/route-table.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { SeededRandom } from './helpers/fuzz-random.ts';

const rnd = new SeededRandom(11);

test('route messages round-trip, and truncated or foreign bytes are drops, never throws', (t) => {
  const setup = { routeId: 0, senderId: 77, pathMtu: 1421, ephemeral: rnd.bytes(32), slots: rnd.bytes(SLOTS_BYTES), sealed: rnd.bytes(214) };
  const b = encodeSetup(setup);
  t.is(b.length, 786);
  t.deepEqual(decodeSetup(b), { ok: true, value: setup });
  t.deepEqual(decodeSetup(b.subarray(0, SETUP_FIXED_BYTES + 15)), { ok: false, reason: 'malformed' });
  const reply = { type: RouteMsg.SetupAck, routeId: 5, senderId: 9, pathMtu: 64969, sealed: rnd.bytes(170) };
  t.deepEqual(decodeReply(encodeReply(reply)), { ok: true, value: reply });
  const data = Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 2);
  encodeHeader(data, RouteMsg.Data, 123);
  t.deepEqual(decodeHeader(data), { ok: true, value: { type: RouteMsg.Data, routeId: 123 } });
  t.deepEqual(decodeHeader(encodeClose(4)), { ok: true, value: { type: RouteMsg.Close, routeId: 4 } });
  t.is((decodeHeader(Uint8Array.of(2, 9, 0, 0, 0, 1)) as { reason: string }).reason, 'unknown-type');
  for (let i = 0; i < 20_000; i++) {
    const junk = rnd.bytes(rnd.int(700));
    if (junk.length > 0 && rnd.int(2) === 0) junk[0] = 2;
    t.notThrows(() => { decodeHeader(junk); decodeSetup(junk); decodeReply(junk); });
  }
});

test('each hop opens only its own slot and learns only its next hop', (t) => {
  const suite = nodeSuite();
  const secrets = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
  const eSecret = rnd.bytes(32);
  const E = suite.x25519Public(eSecret);
  const keys = secrets.map((s) => keysForHop(suite, eSecret, E, suite.x25519Public(s))!);
  const next = [rnd.bytes(16), rnd.bytes(16), new Uint8Array(16)];
  let slots = buildSlots(keys.map((k, i) => ({ key: k.hop, flag: i === 2 ? SlotFlag.Destination : SlotFlag.Relay, next: next[i]! })), E, rnd);
  for (let i = 0; i < 3; i++) {
    const k = keysAtHop(suite, secrets[i]!, E)!;
    t.deepEqual(k, keys[i]);
    // Another hop's key does not open this hop's slot.
    t.is(peelSlot(slots, keysAtHop(suite, secrets[(i + 1) % 3]!, E)!.hop, E, rnd), null);
    const p = peelSlot(slots, k.hop, E, rnd)!;
    t.is(p.flag, i === 2 ? SlotFlag.Destination : SlotFlag.Relay);
    t.deepEqual(p.next, next[i]);
    t.is(p.rest.length, SLOTS_BYTES);
    slots = p.rest;
  }
});

const relay = (myId: number, prevPeer: string, prevId: number, nextPeer: string, nextId: number): RelayEntry =>
  ({ kind: 'relay', myId, prevPeer, prevId, nextPeer, nextId, hopKey: new Uint8Array(32), forwarded: new Uint8Array(0), lastUsed: 0, dataIn: 0, dataOut: 0 });

test('the loop check finds a forwarding cycle and passes a healthy chain', (t) => {
  const tables = new Map(['a', 'b', 'c'].map((n) => [n, new RouteTable(rnd)]));
  tables.get('a')!.add(relay(1, 's', 9, 'b', 2));
  tables.get('b')!.add(relay(2, 'a', 1, 'c', 3));
  t.is(findForwardingLoop(tables), null);
  // c forwards back to a under a's label, with a expecting it from c: a -> b -> c -> a.
  tables.get('c')!.add(relay(3, 'b', 2, 'a', 1));
  tables.get('a')!.byId.delete(1);
  tables.get('a')!.add(relay(1, 'c', 3, 'b', 2));
  const loop = findForwardingLoop(tables);
  t.not(loop, null);
  t.is(loop!.cycle.length, 3);
});
