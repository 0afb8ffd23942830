import test from 'ava';
import {
  COOKIE_BYTES, INIT_BYTES, InnerType, MsgType, RESP_BYTES, TAG_BYTES, TRANSPORT_HEADER_BYTES, TRANSPORT_OVERHEAD, WIRE_VERSION,
} from '../src/wire/constants.ts';
import { decodeInit, encodeInit, type HandshakeInit } from '../src/wire/handshake-init.ts';
import { decodeResp, encodeResp, type HandshakeResp } from '../src/wire/handshake-resp.ts';
import { decodeCookie, encodeCookie, type CookieReply } from '../src/wire/cookie-reply.ts';
import { decodeTransportHeader, encodeTransportHeader } from '../src/wire/transport.ts';
import { decodeInner, encodeInner, type Inner } from '../src/wire/inner.ts';
import type { Decoded } from '../src/wire/result.ts';
import { SeededRandom } from './helpers/fuzz-random.ts';

const rnd = new SeededRandom(31337);

const sampleInit = (): HandshakeInit => ({
  senderIndex: 0xdeadbeef,
  ephemeral: rnd.bytes(32),
  staticKey: rnd.bytes(32),
  responder: rnd.bytes(16),
  timestamp: 1_700_000_123_456,
  signature: rnd.bytes(64),
  mac1: rnd.bytes(16),
  mac2: rnd.bytes(16),
});
const sampleResp = (): HandshakeResp => ({
  senderIndex: 7,
  receiverIndex: 0xffffffff,
  ephemeral: rnd.bytes(32),
  staticKey: rnd.bytes(32),
  signature: rnd.bytes(64),
  mac1: rnd.bytes(16),
});
const sampleCookie = (): CookieReply => ({ receiverIndex: 0x01020304, nonce: rnd.bytes(12), sealedCookie: rnd.bytes(32) });

const transportPacket = (receiverIndex: number, counter: number, bodyLen = TAG_BYTES): Uint8Array => {
  const b = new Uint8Array(TRANSPORT_HEADER_BYTES + bodyLen);
  encodeTransportHeader(b, receiverIndex, counter);
  b.set(rnd.bytes(bodyLen), TRANSPORT_HEADER_BYTES);
  return b;
};

const value = <T>(t: import('ava').ExecutionContext, d: Decoded<T>): T => {
  if (!d.ok) {
    t.fail(`expected ok, got drop ${d.reason}`);
    throw new Error('unreachable');
  }
  return d.value;
};
const reason = <T>(d: Decoded<T>): string => (d.ok ? 'ok' : d.reason);

// Every fixed-size codec: encoder, decoder, size, type byte, a sample value.
interface FixedCodec { name: string; size: number; type: number; encode: () => Uint8Array; decode: (b: Uint8Array) => Decoded<unknown> }
const fixed: FixedCodec[] = [
  { name: 'handshake-init', size: INIT_BYTES, type: MsgType.HandshakeInit, encode: () => encodeInit(sampleInit()), decode: decodeInit },
  { name: 'handshake-resp', size: RESP_BYTES, type: MsgType.HandshakeResp, encode: () => encodeResp(sampleResp()), decode: decodeResp },
  { name: 'cookie-reply', size: COOKIE_BYTES, type: MsgType.CookieReply, encode: () => encodeCookie(sampleCookie()), decode: decodeCookie },
];

test('wire sizes are the specified constants', (t) => {
  t.is(INIT_BYTES, 190);
  t.is(RESP_BYTES, 154);
  t.is(COOKIE_BYTES, 50);
  t.is(TRANSPORT_HEADER_BYTES, 14);
  t.is(TRANSPORT_OVERHEAD, 30);
});

test('handshake-init round-trips every field, at the documented offsets', (t) => {
  const m = sampleInit();
  const b = encodeInit(m);
  t.is(b.length, INIT_BYTES);
  t.is(b[0], WIRE_VERSION);
  t.is(b[1], MsgType.HandshakeInit);
  t.deepEqual(value(t, decodeInit(b)), m);
  t.deepEqual(b.subarray(38, 70), m.staticKey);
  t.deepEqual(b.subarray(158, 174), m.mac1);
  // Max safe timestamp and index 0 round-trip; a timestamp past 2^53 is malformed.
  const edge = { ...m, senderIndex: 0, timestamp: Number.MAX_SAFE_INTEGER };
  t.deepEqual(value(t, decodeInit(encodeInit(edge))), edge);
  const big = encodeInit(m);
  new DataView(big.buffer).setBigUint64(86, BigInt(Number.MAX_SAFE_INTEGER) + 1n);
  t.is(reason(decodeInit(big)), 'malformed');
});

test('handshake-resp round-trips every field', (t) => {
  const m = sampleResp();
  const b = encodeResp(m);
  t.is(b.length, RESP_BYTES);
  t.deepEqual(value(t, decodeResp(b)), m);
  t.deepEqual(b.subarray(74, 138), m.signature);
});

test('cookie-reply round-trips every field', (t) => {
  const m = sampleCookie();
  const b = encodeCookie(m);
  t.is(b.length, COOKIE_BYTES);
  t.deepEqual(value(t, decodeCookie(b)), m);
});

test('decoded fields are copies: mutating the packet afterwards does not change them', (t) => {
  const m = sampleInit();
  const b = encodeInit(m);
  const d = value(t, decodeInit(b));
  b.fill(0);
  t.deepEqual(d, m);
});

for (const c of fixed) {
  test(`${c.name}: one byte short or long is 'malformed'; bad version 'bad-version'; wrong type 'unknown-type'`, (t) => {
    const b = c.encode();
    t.is(b.length, c.size);
    t.true(c.decode(b).ok);
    t.is(reason(c.decode(b.subarray(0, c.size - 1))), 'malformed');
    const longer = new Uint8Array(c.size + 1);
    longer.set(b);
    t.is(reason(c.decode(longer)), 'malformed');
    t.is(reason(c.decode(new Uint8Array(0))), 'malformed');
    t.is(reason(c.decode(b.subarray(0, 1))), 'malformed');
    t.is(reason(c.decode(b.subarray(0, 2))), 'malformed');
    for (const v of [0, 2, 0xff]) {
      const x = b.slice();
      x[0] = v;
      t.is(reason(c.decode(x)), 'bad-version', `version ${v}`);
    }
    for (const ty of [0, MsgType.HandshakeInit, MsgType.HandshakeResp, MsgType.CookieReply, MsgType.Transport, 0x05, 0xff]) {
      if (ty === c.type) continue;
      const x = b.slice();
      x[1] = ty;
      t.is(reason(c.decode(x)), 'unknown-type', `type ${ty}`);
    }
  });
}

test('transport header round-trips receiver index and counter, including counters above 2^32', (t) => {
  for (const [idx, ctr] of [[1, 0], [0xffffffff, 1], [42, 0xffffffff], [42, 0x1_0000_0000], [7, 2 ** 48], [9, Number.MAX_SAFE_INTEGER]] as const) {
    const p = transportPacket(idx, ctr);
    t.is(p[0], WIRE_VERSION);
    t.is(p[1], MsgType.Transport);
    t.deepEqual(value(t, decodeTransportHeader(p)), { receiverIndex: idx, counter: ctr }, `${idx}/${ctr}`);
  }
});

test('transport: shorter than header+tag is malformed, any longer length is fine; bad version/type; counter past 2^53 malformed', (t) => {
  const p = transportPacket(5, 9, TAG_BYTES);
  t.true(decodeTransportHeader(p).ok);
  t.is(reason(decodeTransportHeader(p.subarray(0, TRANSPORT_OVERHEAD - 1))), 'malformed');
  t.true(decodeTransportHeader(transportPacket(5, 9, TAG_BYTES + 1)).ok);
  t.true(decodeTransportHeader(transportPacket(5, 9, 1400)).ok);
  t.is(reason(decodeTransportHeader(new Uint8Array(0))), 'malformed');
  const v = p.slice();
  v[0] = 2;
  t.is(reason(decodeTransportHeader(v)), 'bad-version');
  const ty = p.slice();
  ty[1] = MsgType.HandshakeInit;
  t.is(reason(decodeTransportHeader(ty)), 'unknown-type');
  const big = p.slice();
  new DataView(big.buffer).setUint32(6, 0x200000); // hi word 2^21 → counter 2^53
  t.is(reason(decodeTransportHeader(big)), 'malformed');
});

test('inner messages round-trip: keepalive, ping, pong, payload (empty and large)', (t) => {
  const msgs: Inner[] = [
    { kind: 'keepalive' },
    { kind: 'ping', id: 0, sentAt: 0 },
    { kind: 'ping', id: 0xffffffff, sentAt: Number.MAX_SAFE_INTEGER },
    { kind: 'pong', id: 12345, sentAt: 987654321 },
    { kind: 'payload', bytes: new Uint8Array(0) },
    { kind: 'payload', bytes: rnd.bytes(1400) },
  ];
  for (const m of msgs) {
    const b = encodeInner(m);
    const d = value(t, decodeInner(b));
    t.deepEqual({ ...d, ...('bytes' in d ? { bytes: Uint8Array.from(d.bytes) } : {}) }, m, m.kind);
  }
  t.is(encodeInner({ kind: 'keepalive' }).length, 1);
  t.is(encodeInner({ kind: 'ping', id: 1, sentAt: 1 }).length, 13);
  t.is(encodeInner({ kind: 'payload', bytes: new Uint8Array(3) })[0], InnerType.Payload);
});

test('inner: exact lengths for keepalive/ping/pong, empty is malformed, unknown kind byte is unknown-type', (t) => {
  t.is(reason(decodeInner(new Uint8Array(0))), 'malformed');
  t.is(reason(decodeInner(Uint8Array.of(InnerType.Keepalive, 0))), 'malformed');
  for (const kind of ['ping', 'pong'] as const) {
    const b = encodeInner({ kind, id: 3, sentAt: 4 });
    t.is(reason(decodeInner(b.subarray(0, 12))), 'malformed', `${kind} short`);
    const long = new Uint8Array(14);
    long.set(b);
    t.is(reason(decodeInner(long)), 'malformed', `${kind} long`);
    const big = b.slice();
    new DataView(big.buffer).setBigUint64(5, BigInt(Number.MAX_SAFE_INTEGER) + 1n);
    t.is(reason(decodeInner(big)), 'malformed', `${kind} sentAt past 2^53`);
  }
  for (const k of [0x03, 0x0f, 0x11, 0xff]) t.is(reason(decodeInner(Uint8Array.of(k, 1, 2))), 'unknown-type', `kind ${k}`);
  t.true(decodeInner(Uint8Array.of(InnerType.Payload)).ok, 'an empty payload is valid');
});
