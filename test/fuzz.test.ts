import test from 'ava';
import { performance } from 'node:perf_hooks';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { decodeInit, encodeInit } from '../src/wire/handshake-init.ts';
import { decodeResp, encodeResp } from '../src/wire/handshake-resp.ts';
import { decodeCookie, encodeCookie } from '../src/wire/cookie-reply.ts';
import { decodeTransportHeader, encodeTransportHeader } from '../src/wire/transport.ts';
import { decodeInner, encodeInner, type Inner } from '../src/wire/inner.ts';
import { MsgType, TRANSPORT_HEADER_BYTES } from '../src/wire/constants.ts';
import type { Decoded, DropReason } from '../src/wire/result.ts';
import { checkInitMacs, consumeResp, createInit, createResp, mac1Key, verifyInit, type HandshakeCtx } from '../src/link/handshake.ts';
import { mac16 } from '../src/link/kdf.ts';
import { openCookie } from '../src/link/cookie-open.ts';
import { HandshakeGuard } from '../src/link/handshake-guard.ts';
import { Session } from '../src/link/session.ts';
import { SeededRandom } from './helpers/fuzz-random.ts';
import { fuzzPacket, type Corpus } from './helpers/fuzz-packets.ts';
import { MemClock } from './helpers/mem-clock.ts';
import { MemWorld, dropTotal, seedIdentity, stateOf } from './helpers/mem-node.ts';

const REASONS = new Set<string>([
  'malformed', 'bad-version', 'unknown-type', 'bad-mac', 'bad-signature', 'bad-key', 'wrong-identity', 'unknown-peer',
  'unknown-index', 'bad-tag', 'replay', 'stale-init', 'rate-limited', 'cookie-sent', 'handshake-race', 'no-session', 'too-big',
  'unexpected',
] satisfies DropReason[]);

const eq = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;
/** Inits that pass mac1 for `responder` but fail later: a bad signature, or signed for another address. */
const forgedInits = (ctx: HandshakeCtx, responder: Uint8Array, other: Uint8Array, r: SeededRandom, ts: number): Uint8Array[] => {
  const badSig = createInit(ctx, { responder, senderIndex: 77, ephemeralSecret: r.bytes(32), timestamp: ts });
  const b1 = badSig.bytes.slice();
  b1[100]! ^= 0x40;
  b1.set(mac16(mac1Key(responder), b1.subarray(0, 158)), 158);
  const elsewhere = createInit(ctx, { responder: other, senderIndex: 78, ephemeralSecret: r.bytes(32), timestamp: ts + 1 });
  const b2 = elsewhere.bytes.slice();
  b2.set(mac16(mac1Key(responder), b2.subarray(0, 158)), 158);
  return [b1, b2];
};

const INNERS: Inner[] = [
  { kind: 'keepalive' }, { kind: 'ping', id: 1, sentAt: 5 }, { kind: 'pong', id: 9, sentAt: 77 },
  { kind: 'payload', bytes: new Uint8Array(0) }, { kind: 'payload', bytes: new TextEncoder().encode('hello fuzz') },
];

test('100,000+ random and mutated packets through every decoder: no throw, ok or a known drop reason, ok re-encodes to the same bytes', (t) => {
  const suite = nodeSuite();
  const r = new SeededRandom(0xf022);
  const idA = seedIdentity(11);
  const idB = seedIdentity(12);
  const ctxA: HandshakeCtx = { suite, identity: idA };
  const ctxB: HandshakeCtx = { suite, identity: idB };
  const pending = createInit(ctxA, { responder: idB.addressBytes, senderIndex: 0x1234, ephemeralSecret: r.bytes(32), timestamp: 1_700_000_000_000 });
  const withCookie = createInit(ctxA, { responder: idB.addressBytes, senderIndex: 0x4321, ephemeralSecret: r.bytes(32), timestamp: 1_700_000_000_001, cookie: r.bytes(16) });
  const init = decodeInit(pending.bytes);
  if (!init.ok) throw new Error('setup');
  const resp = createResp(ctxB, pending.bytes, init.value, { senderIndex: 0x5678, ephemeralSecret: r.bytes(32) });
  if (!resp.ok) throw new Error('setup');
  const keysA = consumeResp(ctxA, pending, resp.value.bytes);
  if (!keysA.ok) throw new Error('setup');
  const sessA = new Session(keysA.value, 0);
  const sessB = new Session(resp.value.keys, 0);
  const guard = new HandshakeGuard(new MemClock(), r, idA.addressBytes);
  const corpus: Corpus = {
    init: [pending.bytes, withCookie.bytes],
    forged: forgedInits(ctxA, idB.addressBytes, seedIdentity(13).addressBytes, r, 1_700_000_000_002),
    resp: [resp.value.bytes],
    cookie: [guard.cookieReply('x', 0x1234, pending.bytes.subarray(158, 174))],
    transport: INNERS.map((m) => sessA.seal(encodeInner(m))!),
    inner: INNERS.map(encodeInner),
  };
  // The corpus itself decodes: otherwise the mutations test nothing deep.
  const cookie0 = decodeCookie(corpus.cookie![0]!);
  t.true(cookie0.ok && openCookie(idA.addressBytes, pending.bytes, cookie0.value) !== null);

  const tally = new Map<string, Map<string, number>>();
  const count = (decoder: string, d: Decoded<unknown> | string): void => {
    const key = typeof d === 'string' ? d : d.ok ? 'ok' : d.reason;
    if (typeof d !== 'string' && !d.ok) t.true(REASONS.has(d.reason), `${decoder}: unknown reason ${d.reason}`);
    const m = tally.get(decoder) ?? new Map<string, number>();
    m.set(key, (m.get(key) ?? 0) + 1);
    tally.set(decoder, m);
  };
  let reencodeFailures = 0;
  let unexpectedOk = 0;
  let opened = 0;
  const N = 110_000;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const p = fuzzPacket(r, corpus);
    const b = p.bytes;
    try {
      const di = decodeInit(b);
      count('init', di);
      if (di.ok && !eq(encodeInit(di.value), b)) reencodeFailures++;
      const dr = decodeResp(b);
      count('resp', dr);
      if (dr.ok && !eq(encodeResp(dr.value), b)) reencodeFailures++;
      const dc = decodeCookie(b);
      count('cookie', dc);
      if (dc.ok) {
        if (!eq(encodeCookie(dc.value), b)) reencodeFailures++;
        const c = openCookie(idA.addressBytes, pending.bytes, dc.value);
        count('openCookie', c ? 'ok' : 'null');
      }
      const dt = decodeTransportHeader(b);
      count('transport', dt);
      if (dt.ok) {
        const h = new Uint8Array(TRANSPORT_HEADER_BYTES);
        encodeTransportHeader(h, dt.value.receiverIndex, dt.value.counter);
        if (!eq(h, b.subarray(0, TRANSPORT_HEADER_BYTES))) reencodeFailures++;
        // A copy: a session opens in place, and `b` is compared with the corpus below.
        const o = sessB.open(b.slice(), dt.value.counter);
        count('session.open', typeof o === 'string' ? o : 'ok');
        if (typeof o !== 'string') {
          opened++;
          // A mutation can leave the bytes as they were (two flips of one bit, a same-value store).
          if (!corpus.transport!.some((c) => eq(c, b))) unexpectedOk++;
          t.true(decodeInner(o).ok, 'an authenticated plaintext is a valid inner message');
        }
      }
      const dn = decodeInner(b);
      count('inner', dn);
      if (dn.ok && !eq(encodeInner(dn.value), b)) reencodeFailures++;
      const mac = checkInitMacs(ctxB, b);
      count('checkInitMacs', mac);
      if (mac.ok) {
        const v = verifyInit(ctxB, mac.value, b);
        count('verifyInit', v);
        if (v.ok && !eq(b.subarray(0, 158), pending.bytes.subarray(0, 158)) && !eq(b.subarray(0, 158), withCookie.bytes.subarray(0, 158))) unexpectedOk++;
      }
      const cr = consumeResp(ctxA, pending, b);
      count('consumeResp', cr);
      if (cr.ok && !eq(b, resp.value.bytes)) unexpectedOk++;
    } catch (e) {
      t.fail(`decoder threw on packet #${i} (${p.mutation} of ${p.base}) ${Buffer.from(b).toString('hex')}: ${String(e)}`);
      return;
    }
  }
  const ms = performance.now() - t0;
  t.log(`${N} packets × 10 decoders in ${Math.round(ms)} ms`);
  t.log(JSON.stringify(Object.fromEntries([...tally].map(([k, v]) => [k, Object.fromEntries(v)]))));
  t.is(reencodeFailures, 0, 'every ok decode re-encodes to the same bytes');
  t.is(unexpectedOk, 0, 'only verbatim packets authenticate');
  t.true(opened <= corpus.transport!.length, 'each sealed packet opens at most once (the rest are replays)');
  // Coverage: every decoder both accepted and rejected something, with several reasons.
  for (const name of ['init', 'resp', 'cookie', 'transport', 'inner', 'checkInitMacs', 'verifyInit', 'consumeResp', 'session.open']) {
    const m = tally.get(name);
    t.truthy(m, `${name} was reached`);
    t.true((m?.get('ok') ?? 0) > 0, `${name} accepted something`);
    t.true([...(m?.keys() ?? [])].filter((k) => k !== 'ok').length >= 1, `${name} rejected something`);
  }
  for (const reason of ['bad-signature', 'wrong-identity']) t.true((tally.get('verifyInit')?.get(reason) ?? 0) > 10, `verifyInit saw ${reason}`);
  for (const reason of ['malformed', 'bad-version', 'unknown-type']) t.true((tally.get('init')?.get(reason) ?? 0) > 100, `init saw ${reason}`);
  t.true((tally.get('checkInitMacs')?.get('bad-mac') ?? 0) > 100);
  t.true((tally.get('session.open')?.get('bad-tag') ?? 0) > 100);
  t.true((tally.get('session.open')?.get('replay') ?? 0) > 10);
});

test('a live link survives 100,000 garbage datagrams: every one counted as a drop, link stays up, payload still flows', (t) => {
  const w = new MemWorld(5);
  const cfg = { keepaliveMs: 1000, deadAfterMs: 3500, handshakeRetryMs: 500 };
  // Identity order decides who wins the opening race; both orders are interesting, take the one
  // where B (the target) wins, so A's race-dropped init is in the corpus.
  const [i1, i2] = [seedIdentity(21), seedIdentity(22)];
  const [ib, ia] = i1.address < i2.address ? [i1, i2] : [i2, i1];
  const a = w.node('A', ia, cfg);
  const b = w.node('B', ib, cfg);
  const corpus: Corpus = { init: [], resp: [], cookie: [], transport: [], stranger: [] };
  const typeName: Record<number, string> = { [MsgType.HandshakeInit]: 'init', [MsgType.HandshakeResp]: 'resp', [MsgType.CookieReply]: 'cookie', [MsgType.Transport]: 'transport' };
  let capturing = true;
  w.net.taps.push((_from, _to, bytes) => {
    if (capturing && bytes.length >= 2) corpus[typeName[bytes[1]!] ?? 'other']?.push(bytes.slice());
  });
  w.peer(a, b);
  t.true(w.linkUp(a, b) >= 0, 'link up');
  const payloads: string[] = [];
  b.node.payload$.subscribe((p) => payloads.push(new TextDecoder().decode(p.bytes)));
  for (let i = 0; i < 20; i++) {
    a.node.sendTo(b.identity.address, new TextEncoder().encode(`warmup ${i}`));
    b.node.sendTo(a.identity.address, new TextEncoder().encode(`warmup back ${i}`));
  }
  w.clock.advance(2500); // a couple of ping rounds into the corpus
  capturing = false;
  t.is(payloads.length, 20);
  // Handshake-shaped packets from strangers: valid mac1 for B, valid signatures, unknown keys.
  const suite = nodeSuite();
  const r = new SeededRandom(0xbeef);
  for (let i = 0; i < 8; i++) {
    const stranger = { suite, identity: seedIdentity(500 + i) };
    corpus.stranger!.push(createInit(stranger, { responder: b.identity.addressBytes, senderIndex: 1 + i, ephemeralSecret: r.bytes(32), timestamp: w.clock.wallMs() + i }).bytes);
  }
  corpus.forged = forgedInits({ suite, identity: a.identity }, b.identity.addressBytes, seedIdentity(23).addressBytes, r, w.clock.wallMs() + 100);
  corpus.cookie!.push(b.node.guard.cookieReply('A', 42, corpus.init![0]!.subarray(158, 174)));
  t.true(corpus.init!.length >= 1 && corpus.resp!.length >= 1 && corpus.transport!.length >= 20, JSON.stringify(Object.fromEntries(Object.entries(corpus).map(([k, v]) => [k, v.length]))));

  const sources = ['X1', 'X2', 'X3', 'X4', 'A']; // garbage also arrives spoofing A's endpoint
  const bLink = b.node.links.get(a.identity.address)!;
  const aLink = a.node.links.get(b.identity.address)!;
  const states: string[] = [];
  bLink.state$.subscribe((s) => states.push(`B:${s}`));
  aLink.state$.subscribe((s) => states.push(`A:${s}`));
  states.length = 0;
  let bCookiesOut = 0;
  let bRespOut = 0;
  let bNoticesOut = 0;
  let injecting = false;
  w.net.taps.push((from, _to, bytes) => {
    if (from === 'B' && injecting && bytes[1] === MsgType.CookieReply) bCookiesOut++;
    if (from === 'B' && injecting && bytes[1] === MsgType.HandshakeResp) bRespOut++;
    if (from === 'B' && injecting && bytes[1] === MsgType.Misaddressed) bNoticesOut++;
  });
  const dropsBefore = { ...b.node.drops } as Record<string, number>;
  const N = 100_000;
  const BATCH = 1000;
  let counted = 0;
  let notCounted = 0;
  let dropsDuringTraffic = 0;
  const pingsBefore = aLink.stats.view().packetsIn;
  const t0 = performance.now();
  for (let sent = 0; sent < N; sent += BATCH) {
    injecting = true;
    for (let i = 0; i < BATCH; i++) {
      const p = fuzzPacket(r, corpus);
      const before = dropTotal(b.node.drops);
      try {
        b.carrier.inject(sources[r.int(sources.length)]!, p.bytes);
      } catch (e) {
        t.fail(`dispatch threw on ${p.mutation} of ${p.base}: ${String(e)}`);
        return;
      }
      const d = dropTotal(b.node.drops) - before;
      if (d === 1) counted++;
      else notCounted++;
    }
    injecting = false;
    // Let real traffic run between batches: 50 ms of virtual time each, 5 s in all.
    const before = dropTotal(b.node.drops);
    w.clock.advance(50);
    dropsDuringTraffic += dropTotal(b.node.drops) - before;
  }
  const ms = performance.now() - t0;
  const delta: Record<string, number> = {};
  for (const [k, v] of Object.entries(b.node.drops)) if (v! - (dropsBefore[k] ?? 0) > 0) delta[k] = v! - (dropsBefore[k] ?? 0);
  t.log(`${N} garbage datagrams in ${Math.round(ms)} ms; drops by reason: ${JSON.stringify(delta)}`);
  t.is(counted, N, `every garbage datagram counts exactly one drop (${notCounted} did not)`);
  t.is(dropTotal(delta), N);
  t.is(dropsDuringTraffic, 0, 'the real traffic between batches caused no drops');
  t.is(bRespOut, 0, 'B never answered garbage with a handshake response');
  // Inits for another address get a 22-byte notice, at most 10 a second plus a burst of 10.
  t.true(bNoticesOut <= 10 + 10 * 5 + 1, `${bNoticesOut} misaddressed notices in 5 s of virtual time`);
  t.is(bCookiesOut, delta['cookie-sent'] ?? 0, 'B answered garbage only with cookie replies, one per cookie-sent drop');
  for (const reason of ['malformed', 'bad-version', 'unknown-type', 'unknown-index', 'bad-tag', 'replay', 'bad-mac']) {
    t.true((delta[reason] ?? 0) > 0, `saw ${reason}`);
  }
  t.true((delta['stale-init'] ?? 0) + (delta['unknown-peer'] ?? 0) + (delta['cookie-sent'] ?? 0) + (delta['rate-limited'] ?? 0) > 0, 'some inits passed mac1 and met the guard');
  // The link never flapped, kept pinging, and B's endpoint for A was never moved by garbage.
  t.deepEqual(states, []);
  t.is(stateOf(a, b), 'up');
  t.is(stateOf(b, a), 'up');
  t.is(bLink.endpoint, 'A');
  t.is(aLink.stats.handshakes, 1, 'no rehandshake was needed');
  t.true(aLink.stats.view().packetsIn > pingsBefore, 'A kept hearing from B during the flood');
  // And real payloads still flow both ways.
  const back: string[] = [];
  a.node.payload$.subscribe((p) => back.push(new TextDecoder().decode(p.bytes)));
  t.true(a.node.sendTo(b.identity.address, new TextEncoder().encode('after the storm')));
  t.true(b.node.sendTo(a.identity.address, new TextEncoder().encode('and back')));
  w.clock.advance(20);
  t.is(payloads.at(-1), 'after the storm');
  t.is(payloads.length, 21, 'no garbage was ever delivered as a payload');
  t.deepEqual(back.slice(-1), ['and back']);
  a.node.stop();
  b.node.stop();
});
