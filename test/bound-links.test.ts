// Bounded state, links: a master (acceptUnknown) under 10,000 fresh identities that handshake
// and go silent. Link actors for strangers stay under the bound and are gone soon after the
// attack, the master never sends a handshake to an endpoint that only ever called it, and its
// configured and fleet links keep carrying payloads throughout.
import test from 'ava';
import { MemWorld, seedIdentity, type MemNode } from './helpers/mem-node.ts';
import { SeededRandom } from './helpers/fuzz-random.ts';
import { heapMb } from './helpers/heap.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { consumeResp, createInit, type InitiatorState } from '../src/link/handshake.ts';
import { Session } from '../src/link/session.ts';
import { encodeInner } from '../src/wire/inner.ts';
import { MsgType } from '../src/wire/constants.ts';
import type { HandshakeCtx } from '../src/link/handshake.ts';

const ATTEMPTS = 10_000;
const CAP = 500;
// Not a rate-limit test (link-security covers that): the attacker is let through at 200/s.
const open = { underLoadPerSec: 1e9, perSourcePerSec: 1e9, perSourceBurst: 1e9, globalPerSec: 1e9, maxUnknownPeers: CAP };

const seedOf = (i: number): Uint8Array => {
  const s = new Uint8Array(32);
  new DataView(s.buffer).setUint32(0, i);
  s[31] = 0xa7;
  return s;
};

const isUp = (n: MemNode, peer: MemNode): boolean => ['up', 'rekeying'].includes(n.node.links.get(peer.identity.address)?.state ?? '');

test('10,000 fresh identities handshaking with the master and going silent: link actors stay under the bound, no handshakes go to them, fleet links keep working', (t) => {
  const w = new MemWorld(5);
  const m = w.node('m', seedIdentity(1), { acceptUnknown: true, guard: open });
  const c = w.node('c', seedIdentity(2)); // configured on both sides
  const l = w.node('l', seedIdentity(3)); // a fleet node: configured at l only, unknown to m
  w.peer(m, c);
  l.node.addPeer(m.identity.address, l.carrier, m.endpoint);
  for (const n of [m, c, l]) n.node.start();
  t.not(w.clock.advanceUntil(() => isUp(m, c) && isUp(m, l) && isUp(l, m), 10_000), -1);

  // What m sends to the attacker's endpoint, by message type.
  const toX = new Map<number, number>();
  w.net.taps.push((from, to, b) => {
    if (from === 'm' && to === 'x') toX.set(b[1]!, (toX.get(b[1]!) ?? 0) + 1);
    return true;
  });
  let got = 0;
  m.node.payload$.subscribe(() => got++);

  // The attacker: one endpoint, a fresh identity per attempt. Even attempts confirm the
  // session (the link goes up, then silent); odd ones never answer the response.
  const x = w.net.carrier('x');
  const suite = nodeSuite();
  const rnd = new SeededRandom(99);
  const pending = new Map<number, { hs: HandshakeCtx; st: InitiatorState }>();
  x.received$.subscribe((d) => {
    if (d.bytes[1] !== MsgType.HandshakeResp) return;
    const index = new DataView(d.bytes.buffer, d.bytes.byteOffset).getUint32(6);
    const p = pending.get(index);
    if (!p) return;
    pending.delete(index);
    const keys = consumeResp(p.hs, p.st, d.bytes);
    if (!keys.ok || index % 2 === 1) return;
    x.send('m', new Session(keys.value, w.clock.now()).seal(encodeInner({ kind: 'keepalive' }))!);
  });

  const before = heapMb();
  let sent = 0;
  let maxLinks = 0;
  let maxIndexes = 0;
  let lastPayload = w.clock.now();
  let expected = 0;
  while (sent < ATTEMPTS) {
    for (let k = 0; k < 2 && sent < ATTEMPTS; k++, sent++) {
      const hs = { suite, identity: identityFromSeed(suite, seedOf(sent)) };
      const st = createInit(hs, { responder: m.identity.addressBytes, senderIndex: sent + 1, ephemeralSecret: rnd.bytes(32), timestamp: w.clock.wallMs() });
      pending.set(sent + 1, { hs, st });
      x.send('m', st.bytes);
    }
    w.clock.advance(10);
    maxLinks = Math.max(maxLinks, m.node.links.size);
    maxIndexes = Math.max(maxIndexes, m.node.indexes.size);
    if (w.clock.now() - lastPayload >= 1000) {
      lastPayload = w.clock.now();
      t.true(c.node.sendTo(m.identity.address, Uint8Array.of(0xfe, 1)), 'configured peer sends');
      t.true(l.node.sendTo(m.identity.address, Uint8Array.of(0xfe, 2)), 'fleet node sends');
      expected += 2;
    }
  }
  w.clock.advance(100);
  t.is(got, expected, 'every payload of the legitimate links arrived during the attack');
  t.true(isUp(m, c) && isUp(m, l), 'legitimate links stayed up');
  t.true(maxLinks <= CAP + 1, `links at most ${maxLinks} (bound ${CAP} strangers + 1 configured)`);
  const drops = m.node.drops as Record<string, number>;
  t.true((drops['unknown-peer-evicted'] ?? 0) > 0, 'the bound was reached and evicted idle ones');
  t.log(`m: max links ${maxLinks}, max indexes ${maxIndexes}; evicted ${drops['unknown-peer-evicted'] ?? 0}, refused ${drops['unknown-peer-full'] ?? 0}; status`, m.node.status().unknownPeers);

  // The attacker has stopped: its links die and go, and m never dials any of them.
  const stoppedAt = w.clock.now();
  t.not(w.clock.advanceUntil(() => m.node.links.size === 2, 60_000, 100), -1, 'only the two legitimate links remain');
  t.log(`stranger links gone ${w.clock.now() - stoppedAt} ms after the attack stopped`);
  const sendsAfter = x.sent;
  const toXafter = [...toX.values()].reduce((a, b) => a + b, 0);
  w.clock.advance(60_000);
  t.is([...toX.values()].reduce((a, b) => a + b, 0), toXafter, 'nothing more to the dead endpoint');
  t.is(x.sent, sendsAfter);
  t.is(toX.get(MsgType.HandshakeInit) ?? 0, 0, 'm never sent a handshake init to an endpoint that only called it');
  t.is(m.node.status().unknownPeers.count, 1, 'the fleet node, still unknown (not configured), still there');
  t.true(m.node.indexes.size <= 8, `indexes ${m.node.indexes.size}`);
  t.true(isUp(m, c) && isUp(m, l));
  t.true(c.node.sendTo(m.identity.address, Uint8Array.of(0xfe, 3)));
  w.clock.advance(50);
  t.is(got, expected + 1);
  pending.clear();
  const grown = heapMb() - before;
  t.log(`heap +${grown.toFixed(1)} MB over the attack`);
  t.true(grown < 30, `heap grew ${grown.toFixed(1)} MB`);
});

test('a stranger\'s link that goes down is removed, not re-dialled; the stranger coming back links again by calling', (t) => {
  const w = new MemWorld(5);
  const m = w.node('m', seedIdentity(11), { acceptUnknown: true });
  const s = w.node('s', seedIdentity(12));
  s.node.addPeer(m.identity.address, s.carrier, m.endpoint);
  m.node.start();
  s.node.start();
  t.not(w.clock.advanceUntil(() => isUp(m, s), 10_000), -1);
  let inits = 0;
  w.net.taps.push((from, _to, b) => {
    if (from === 'm' && b[1] === MsgType.HandshakeInit) inits++;
    return true;
  });
  s.node.stop(); // silent, as a crashed node
  t.not(w.clock.advanceUntil(() => !m.node.links.has(s.identity.address), 40_000, 100), -1, 'removed after going down');
  t.is(m.node.status().unknownPeers.expired, 1);
  w.clock.advance(60_000);
  t.is(inits, 0, 'no handshake retries to it');
  // It restarts (same identity, same endpoint) and calls again.
  s.carrier.close();
  const s2 = w.node('s', seedIdentity(12));
  s2.node.addPeer(m.identity.address, s2.carrier, m.endpoint);
  s2.node.start();
  t.not(w.clock.advanceUntil(() => isUp(m, s2) && isUp(s2, m), 10_000), -1);
  t.is(inits, 0);
});

test('a stranger configured later becomes an ordinary peer: it is no longer bounded and may dial', (t) => {
  const w = new MemWorld(5);
  const m = w.node('m', seedIdentity(21), { acceptUnknown: true });
  const s = w.node('s', seedIdentity(22));
  s.node.addPeer(m.identity.address, s.carrier, m.endpoint);
  m.node.start();
  s.node.start();
  t.not(w.clock.advanceUntil(() => isUp(m, s), 10_000), -1);
  t.is(m.node.status().unknownPeers.count, 1);
  const link = m.node.addPeer(s.identity.address, m.carrier, s.endpoint);
  t.false(link.responderOnly);
  t.is(m.node.status().unknownPeers.count, 0);
});
