import test from 'ava';
import { randomBytes } from 'node:crypto';
import { identityFromSeed } from '../src/identity/identity.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { addressToString } from '../src/identity/address.ts';
import { encodeUi, parseStation, AX25 } from '../src/radio/ax25.ts';
import { SignedPeer, openHello, sealData, sealHello, type Ephemeral } from '../src/radio/signed-link.ts';
import { HELLO_BYTES, SIGNED_OVERHEAD } from '../src/radio/signed-wire.ts';
import { encodeInner } from '../src/wire/inner.ts';
import { radioWorld, runUntilUp } from './helpers/radio-sim-world.ts';

const suite = nodeSuite();
const ctx = () => ({ suite, identity: identityFromSeed(suite, randomBytes(32)) });
const eph = (): Ephemeral => {
  const secret = randomBytes(32);
  return { secret, publicKey: suite.x25519Public(secret) };
};

/** Both sides after exchanging hellos: a's view of b and b's view of a. */
const pair = () => {
  const a = ctx(); const b = ctx();
  const ea = eph(); const eb = eph();
  const ha = openHello(b, sealHello(a, 1000, true, 'N0CALL-1', ea), 'N0CALL-1');
  const hb = openHello(a, sealHello(b, 2000, false, 'N0CALL-2', eb), 'N0CALL-2');
  if (typeof ha === 'string' || typeof hb === 'string') throw new Error('hello failed');
  return { a, b, aSeesB: SignedPeer.derive(a, ea, hb)!, bSeesA: SignedPeer.derive(b, eb, ha)! };
};

test('a hello proves the key behind the address; tampering or another station fails', (t) => {
  const a = ctx();
  const b = ctx();
  const hello = sealHello(a, 1000, true, 'N0CALL-1', eph());
  t.is(hello.length, HELLO_BYTES);
  const ok = openHello(b, hello, 'N0CALL-1');
  t.true(typeof ok !== 'string' && addressToString(ok.address) === a.identity.address && ok.ask);
  t.is(openHello(b, hello, 'N0CALL-9'), 'bad-signature', 're-sent under another callsign');
  const bad = hello.slice(); bad[20]! ^= 1;
  t.is(openHello(b, bad, 'N0CALL-1'), 'bad-signature');
  const badEph = hello.slice(); badEph[50]! ^= 1;
  t.is(openHello(b, badEph, 'N0CALL-1'), 'bad-signature', 'the ephemeral key is signed too');
  t.is(openHello(b, hello.subarray(1), 'N0CALL-1'), 'malformed');
});

test('tagged frames: readable plaintext, replay, tampering and re-addressing dropped', (t) => {
  const { aSeesB, bSeesA } = pair();
  const msg = encodeInner({ kind: 'payload', bytes: new TextEncoder().encode('in the clear') });
  const f = sealData(aSeesB.txKey, 5001, msg, 'N0CALL-1', 'N0CALL-2');
  t.true(Buffer.from(f).includes(Buffer.from('in the clear')), 'FCC 97.113: nothing is obscured');
  t.deepEqual(bSeesA.open(f, 'N0CALL-1', 'N0CALL-2'), msg);
  t.is(bSeesA.open(f, 'N0CALL-1', 'N0CALL-2'), 'replay');
  const changed = sealData(aSeesB.txKey, 5002, msg, 'N0CALL-1', 'N0CALL-2'); changed[9]! ^= 1;
  t.is(bSeesA.open(changed, 'N0CALL-1', 'N0CALL-2'), 'bad-tag');
  t.is(bSeesA.open(sealData(aSeesB.txKey, 5003, msg, 'N0CALL-1', 'N0CALL-3'), 'N0CALL-1', 'N0CALL-2'), 'bad-tag', 'meant for another station');
  t.is(aSeesB.open(sealData(aSeesB.txKey, 5004, msg, 'N0CALL-1', 'N0CALL-2'), 'N0CALL-1', 'N0CALL-2'), 'bad-tag', 'reflected back to its sender');
  // A restarted sender starts at its wall clock in ms, above anything it sent before.
  t.deepEqual(bSeesA.open(sealData(aSeesB.txKey, 1_767_225_600_000, msg, 'N0CALL-1', 'N0CALL-2'), 'N0CALL-1', 'N0CALL-2'), msg);
  t.is(bSeesA.open(sealData(aSeesB.txKey, 5005, msg, 'N0CALL-1', 'N0CALL-2'), 'N0CALL-1', 'N0CALL-2'), 'replay', 'far behind the window');
});

test('bytes on air for a 160-character message in amateur mode, all link headers included', (t) => {
  const { aSeesB } = pair();
  const text = new TextEncoder().encode('x'.repeat(160));
  const info = sealData(aSeesB.txKey, 1, encodeInner({ kind: 'payload', bytes: text }), 'N0CALL-1', 'N0CALL-2');
  const frame = encodeUi({ dest: parseStation('N0CALL-2'), src: parseStation('N0CALL-1'), info });
  const onAir = frame.length + AX25.HDLC_OVERHEAD;
  t.is(info.length, SIGNED_OVERHEAD + 1 + 160);
  t.is(onAir, 16 + 8 + 1 + 160 + 16 + 4);
  // The SMS app's parcel for 160 English characters is 226 bytes (docs/PROTOCOL.md, SMS).
  const sms = 16 + 8 + 1 + 226 + 16 + 4;
  t.log(`link payload of 160 bytes: ${onAir} bytes on air (AX.25 16, header 8, inner type 1, tag 16, flags+FCS 4); an SMS parcel of 226: ${sms}`);
  t.true(sms <= 280);
});

test('amateur links carry no AEAD: only hellos and signed frames are on the channel', (t) => {
  const w = radioWorld({ nodes: 2, bitrate: 9600, loss: 0, amateur: true, seed: 2 });
  const seen: number[] = [];
  for (const n of w.nodes) n.carrier.received$.subscribe((d) => seen.push(d.bytes[1]!));
  t.true(runUntilUp(w, 60_000, 100) >= 0);
  w.nodes[0]!.node.sendTo(w.nodes[1]!.node.address, new Uint8Array([1, 2, 3]));
  w.queue.runUntil(w.queue.now + 10_000);
  t.true(seen.length > 0);
  t.deepEqual([...new Set(seen)].sort(), [0x05, 0x06].filter((x) => seen.includes(x)));
  t.true(seen.every((x) => x === 0x05 || x === 0x06));
  t.deepEqual(w.nodes[1]!.node.drops, {});
});
