import test from 'ava';
import { naclSuite } from '../src/identity/nacl-suite.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { MAX_RECORD_LINKS, RECORD_HEADER_BYTES, recordBytes, type RecordLink } from '../src/topology/link-record.ts';
import { decodeRecord, parseRecord, signRecord } from '../src/topology/record-codec.ts';
import { routeKeyPair } from '../src/topology/route-key.ts';
import { decodeTopoMsg, encodeRecordMsg, encodeSyncRequest, encodeRecordRequest } from '../src/topology/topology-wire.ts';
import { seedIdentity } from './helpers/mem-node.ts';

const node = nodeSuite();
const nacl = naclSuite();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ids = Array.from({ length: 6 }, (_, i) => seedIdentity(500 + i));
const me = ids[0]!;
const links: RecordLink[] = [
  { peer: ids[3]!.address, costMs: 12.4, lossPct: 3 },
  { peer: ids[1]!.address, costMs: 0, lossPct: 0 }, // clamped to 1
  { peer: ids[2]!.address, costMs: 99_999, lossPct: 150 }, // clamped to 65535, 100
];
const make = (suite = node, seq = 1_767_225_600_123) =>
  signRecord({ suite, identity: me, routeKey: routeKeyPair(suite, me).publicKey, seq, links });

test('round trip: a signed record decodes to the same origin, keys, seq and canonical links', (t) => {
  const r = make();
  t.is(r.bytes.length, recordBytes(3));
  const d = decodeRecord(node, r.bytes);
  if (!d.ok) return t.fail(d.reason);
  t.is(d.value.origin, me.address);
  t.is(hex(d.value.originKey), hex(me.publicKey));
  t.is(hex(d.value.routeKey), hex(r.routeKey));
  t.is(d.value.seq, 1_767_225_600_123);
  t.deepEqual(d.value.links, r.links);
  t.true(d.value.links.every((l) => l.costMs >= 1 && l.costMs <= 65535 && l.lossPct <= 100));
  t.deepEqual(d.value.links.map((l) => l.peer).sort(), links.map((l) => l.peer).sort());
  // Seq up to 2^53 - 1 survives the two 32-bit halves.
  const big = make(node, Number.MAX_SAFE_INTEGER);
  t.is((decodeRecord(node, big.bytes) as { value: { seq: number } }).value.seq, Number.MAX_SAFE_INTEGER);
});

test('node:crypto and tweetnacl suites give identical record bytes, route keys, and accept each other', (t) => {
  t.is(hex(routeKeyPair(node, me).publicKey), hex(routeKeyPair(nacl, me).publicKey));
  t.is(hex(routeKeyPair(node, me).secret), hex(routeKeyPair(nacl, me).secret));
  const a = make(node);
  const b = make(nacl);
  t.is(hex(a.bytes), hex(b.bytes));
  t.true(decodeRecord(nacl, a.bytes).ok);
  t.true(decodeRecord(node, b.bytes).ok);
});

test('route key: deterministic per identity, different across identities, a working X25519 pair', (t) => {
  const k0 = routeKeyPair(node, me);
  t.is(hex(routeKeyPair(node, identityFromSeed(node, me.secretKey.subarray(0, 32))).publicKey), hex(k0.publicKey));
  const k1 = routeKeyPair(node, ids[1]!);
  t.not(hex(k0.publicKey), hex(k1.publicKey));
  t.not(hex(k0.publicKey), hex(me.publicKey));
  t.is(hex(node.x25519(k0.secret, k1.publicKey)!), hex(node.x25519(k1.secret, k0.publicKey)!));
});

test('tampering with any signed byte or the signature gives bad-signature (or a structural drop)', (t) => {
  const r = make();
  const reasons = new Map<string, number>();
  for (let i = 0; i < r.bytes.length; i++) {
    const b = r.bytes.slice();
    b[i]! ^= 0x10; // a bit that keeps every cost non-zero
    const d = decodeRecord(node, b);
    t.false(d.ok, `byte ${i}`);
    if (!d.ok) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + 1);
    // Keys, seq (but its top byte, which would pass 2^53), costs and the signature keep the
    // structure valid: only the signature check catches them.
    const entry = i - RECORD_HEADER_BYTES;
    const costByte = entry >= 0 && i < r.bytes.length - 64 && entry % 19 >= 16 && entry % 19 < 18;
    if ((i >= 1 && i < 65) || (i >= 66 && i < 73) || costByte || i >= r.bytes.length - 64) {
      t.is(d.ok ? 'ok' : d.reason, 'bad-signature', `byte ${i}`);
    }
  }
  t.is(reasons.get('bad-version'), 1);
  t.true((reasons.get('bad-signature') ?? 0) > 150);
});

test('every truncation and every extension is malformed; never a throw', (t) => {
  const r = make();
  for (let n = 0; n < r.bytes.length; n++) {
    const d = decodeRecord(node, r.bytes.subarray(0, n));
    t.deepEqual(d, { ok: false, reason: 'malformed' }, `length ${n}`);
  }
  const longer = new Uint8Array(r.bytes.length + 1);
  longer.set(r.bytes);
  t.deepEqual(decodeRecord(node, longer), { ok: false, reason: 'malformed' });
  t.deepEqual(decodeRecord(node, Uint8Array.of(2)), { ok: false, reason: 'bad-version' });
});

test('non-canonical records are malformed: unsorted or duplicate peers, a self link, zero cost, loss over 100, seq ≥ 2^53', (t) => {
  const r = make();
  const at = (i: number) => RECORD_HEADER_BYTES + i * 19;
  const mutate = (f: (b: Uint8Array) => void) => { const b = r.bytes.slice(); f(b); return parseRecord(b); };
  t.deepEqual(mutate((b) => { const x = b.slice(at(0), at(1)); b.copyWithin(at(0), at(1), at(2)); b.set(x, at(1)); }), { ok: false, reason: 'malformed' });
  t.deepEqual(mutate((b) => b.copyWithin(at(1), at(0), at(1))), { ok: false, reason: 'malformed' });
  t.deepEqual(mutate((b) => b.set(me.addressBytes, at(0))), { ok: false, reason: 'malformed' });
  t.deepEqual(mutate((b) => { b[at(0) + 16] = 0; b[at(0) + 17] = 0; }), { ok: false, reason: 'malformed' });
  t.deepEqual(mutate((b) => { b[at(0) + 18] = 101; }), { ok: false, reason: 'malformed' });
  t.deepEqual(mutate((b) => { b[65] = 0x00; b[66] = 0x20; }), { ok: false, reason: 'malformed' });
  t.true(mutate((b) => { b[66] = 0x1f; b[67] = 0xff; b[68] = 0xff; }).ok, '2^53 - 1 range is structurally fine');
});

test('signRecord refuses more than MAX_RECORD_LINKS (2048) links and an unsafe seq (programmer errors)', (t) => {
  const many = Array.from({ length: MAX_RECORD_LINKS + 1 }, (_, i) => ({ peer: seedIdentity(9000 + i).address, costMs: 5, lossPct: 0 }));
  t.throws(() => signRecord({ suite: node, identity: me, routeKey: new Uint8Array(32), seq: 1, links: many }), { instanceOf: RangeError });
  t.throws(() => signRecord({ suite: node, identity: me, routeKey: new Uint8Array(32), seq: 2 ** 53, links: [] }), { instanceOf: RangeError });
  const full = signRecord({ suite: node, identity: me, routeKey: new Uint8Array(32), seq: 1, links: many.slice(0, MAX_RECORD_LINKS) });
  t.is(full.bytes.length, recordBytes(MAX_RECORD_LINKS));
  t.true(decodeRecord(node, full.bytes).ok);
});

test('topology messages: record, sync request (plain and stub) and record request round trip; wrong proto, subtype or length dropped', (t) => {
  const r = make();
  const m = decodeTopoMsg(encodeRecordMsg(r.bytes));
  t.true(m.ok && m.value.type === 'record' && hex(m.value.record) === hex(r.bytes));
  t.deepEqual(decodeTopoMsg(encodeSyncRequest()), { ok: true, value: { type: 'sync-request', stub: false } });
  t.deepEqual(decodeTopoMsg(encodeSyncRequest(true)), { ok: true, value: { type: 'sync-request', stub: true } });
  t.is(encodeSyncRequest().length, 2, 'a full node\'s request is unchanged on the wire');
  // Reserved flag bits are ignored; a flags byte of 0 is a plain request.
  t.deepEqual(decodeTopoMsg(Uint8Array.of(0x01, 0x02, 0x00)), { ok: true, value: { type: 'sync-request', stub: false } });
  t.deepEqual(decodeTopoMsg(Uint8Array.of(0x01, 0x02, 0xfe)), { ok: true, value: { type: 'sync-request', stub: false } });
  t.deepEqual(decodeTopoMsg(Uint8Array.of(0x01, 0x02, 0x01, 0x00)), { ok: false, reason: 'malformed' });
  const origin = new Uint8Array(16).fill(7);
  const req = decodeTopoMsg(encodeRecordRequest(origin));
  t.true(req.ok && req.value.type === 'record-request' && hex(req.value.origin) === hex(origin));
  t.deepEqual(decodeTopoMsg(encodeRecordRequest(origin).subarray(0, 17)), { ok: false, reason: 'malformed' });
  t.deepEqual(decodeTopoMsg(Uint8Array.of(0x02, 0x01)), { ok: false, reason: 'malformed' });
  t.deepEqual(decodeTopoMsg(Uint8Array.of(0x01, 0x09)), { ok: false, reason: 'unknown-type' });
  t.deepEqual(decodeTopoMsg(Uint8Array.of(0x01)), { ok: false, reason: 'malformed' });
});
