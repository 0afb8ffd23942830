// Solo frames (src/radio/signed-wire.ts): in amateur mode an SMS parcel or custody ack goes to a
// neighbour whose hello we do not have yet in one self-checking frame (sender's key and an
// Ed25519 signature inside), so the first message over a cold hop does not wait for the hellos.
// Only SMS traffic is taken that way; tampering, another station, replays are dropped.
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { identityFromSeed } from '../src/identity/identity.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { addressToString } from '../src/identity/address.ts';
import { SoloWindow, openSolo, sealSolo } from '../src/radio/signed-link.ts';
import { SOLO_OVERHEAD } from '../src/radio/signed-wire.ts';
import { dispatchSigned } from '../src/radio/signed-dispatch.ts';
import { encodeInner } from '../src/wire/inner.ts';
import { Proto } from '../src/overlay/link-layer.ts';
import { radioWorld } from './helpers/radio-sim-world.ts';

const suite = nodeSuite();
const ctx = () => ({ suite, identity: identityFromSeed(suite, randomBytes(32)) });
const sms = (n: number): Uint8Array => { const b = new Uint8Array(n).fill(0x41); b[0] = Proto.Sms; return b; };

test('a solo frame proves its sender from cold; tampering, another station or destination fail', (t) => {
  const a = ctx();
  const b = ctx();
  const inner = encodeInner({ kind: 'payload', bytes: sms(40) });
  const f = sealSolo(a, 5000, inner, 'N0CALL-1', 'N0CALL-2');
  t.is(f.length, SOLO_OVERHEAD + inner.length);
  const ok = openSolo(b, f, 'N0CALL-1', 'N0CALL-2');
  t.true(typeof ok !== 'string' && addressToString(ok.address) === a.identity.address && ok.counter === 5000);
  t.deepEqual(typeof ok === 'string' ? null : [...ok.inner], [...inner]);
  t.is(openSolo(b, f, 'N0CALL-9', 'N0CALL-2'), 'bad-signature', 're-sent under another callsign');
  t.is(openSolo(b, f, 'N0CALL-1', 'N0CALL-3'), 'bad-signature', 'replayed to another station');
  for (const at of [3, 10, 45, f.length - 1]) {
    const bad = f.slice(); bad[at]! ^= 1;
    t.is(openSolo(b, bad, 'N0CALL-1', 'N0CALL-2'), 'bad-signature', `byte ${at} flipped`);
  }
  t.is(openSolo(b, f.subarray(0, SOLO_OVERHEAD), 'N0CALL-1', 'N0CALL-2'), 'malformed');
  const w = new SoloWindow();
  t.true(w.accept(5000));
  t.false(w.accept(5000), 'a replay');
  t.true(w.accept(5002));
  t.true(w.accept(5001), 'late but within the window');
  t.false(w.accept(1000), 'far older than the first seen');
});

test('an SMS goes to a cold neighbour at once as a solo frame and arrives; nothing else does', (t) => {
  const w = radioWorld({ nodes: 2, bitrate: 1200, loss: 0, amateur: true, seed: 3 });
  const [a, b] = w.nodes as [typeof w.nodes[0], typeof w.nodes[0]];
  const got: Uint8Array[] = [];
  b.node.register(Proto.Sms, (_peer, bytes) => got.push(bytes.slice()));
  // Before any hello has crossed the channel: no link is up.
  t.not(a.node.links.get(b.node.address)!.state, 'up');
  t.false(a.node.sendTo(b.node.address, new Uint8Array([0x01, 2, 3])), 'no solo frame for other traffic');
  t.true(a.node.sendTo(b.node.address, sms(120)), 'an SMS goes solo');
  w.queue.runUntil(10_000);
  t.is(got.length, 1);
  t.deepEqual([...got[0]!], [...sms(120)]);
  t.is(a.node.links.get(b.node.address)!.stats.soloOut, 1);
  t.is(b.node.links.get(a.node.address)!.stats.soloIn, 1);
});

test('a solo frame with other traffic, from a stranger, or replayed is dropped and counted', (t) => {
  const w = radioWorld({ nodes: 2, bitrate: 1200, loss: 0, amateur: true, seed: 4 });
  const [a, b] = w.nodes as [typeof w.nodes[0], typeof w.nodes[0]];
  const from = a.carrier.local;
  const dest = b.carrier.local;
  const aCtx = { suite, identity: a.node.identity };
  const got: Uint8Array[] = [];
  b.node.register(Proto.Sms, (_p, bytes) => got.push(bytes));
  const drops = (): Record<string, number> => ({ ...(b.node.drops as Record<string, number>) });
  const other = sealSolo(aCtx, 7000, encodeInner({ kind: 'payload', bytes: new Uint8Array([0x01, 9]) }), from, dest);
  dispatchSigned(b.node, b.carrier, { from, bytes: other });
  t.is(drops()['solo-not-sms'], 1);
  const stranger = sealSolo(ctx(), 7001, encodeInner({ kind: 'payload', bytes: sms(20) }), from, dest);
  dispatchSigned(b.node, b.carrier, { from, bytes: stranger });
  t.is(drops()['unknown-peer'], 1, 'a key nobody configured (no acceptUnknown)');
  const good = sealSolo(aCtx, 7002, encodeInner({ kind: 'payload', bytes: sms(20) }), from, dest);
  dispatchSigned(b.node, b.carrier, { from, bytes: good });
  dispatchSigned(b.node, b.carrier, { from, bytes: good });
  t.is(got.length, 1);
  t.is(drops().replay, 1);
});
