import test from 'ava';
import { MemWorld, stateOf } from './helpers/mem-node.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

// A round trip longer than the handshake retry: a peer (or we) too loaded to answer within
// handshakeRetryMs, or a slow path. Each retry used to forget the init before it, so every
// answer arrived for a handshake already abandoned and the link never came up.
const slowWorld = () => {
  const w = new MemWorld(700); // 1.4 s round trip
  const config = { handshakeRetryMs: 1000, handshakeAttempts: 5, backoffBaseMs: 1000, backoffMaxMs: 2000 };
  const a = w.node('a', undefined, config);
  const b = w.node('b', undefined, config);
  a.node.addPeer(b.identity.address, a.carrier, b.endpoint); // a dials
  b.node.addPeer(a.identity.address, b.carrier, undefined); // b only answers
  a.node.start();
  b.node.start();
  return { w, a, b };
};

test('a handshake whose answer comes after the retry still completes, and both ends agree on the session', (t) => {
  const { w, a, b } = slowWorld();
  const at = w.clock.advanceUntil(() => stateOf(a, b) === 'up' && stateOf(b, a) === 'up', 10_000, 5);
  t.true(at >= 0 && at < 3000, `up after ${at} ms of virtual time`);
  const got: string[] = [];
  b.node.payload$.subscribe((p) => got.push(new TextDecoder().decode(p.bytes)));
  const back: string[] = [];
  a.node.payload$.subscribe((p) => back.push(new TextDecoder().decode(p.bytes)));
  t.true(a.node.sendTo(b.identity.address, enc('over the slow path')));
  w.clock.advance(1000);
  t.deepEqual(got, ['over the slow path']);
  t.true(b.node.sendTo(a.identity.address, enc('and back')));
  w.clock.advance(1000);
  t.deepEqual(back, ['and back']);
  // One session each way, no index left behind for the abandoned handshake.
  t.is(a.node.links.get(b.identity.address)!.stats.handshakes, 1);
  t.is(b.node.links.get(a.identity.address)!.stats.handshakes, 1);
  t.is(b.node.indexes.size, 1);
  t.is(a.node.indexes.size, 1);
});
