import test from 'ava';
import { decodeSegment, encodeSegment, segmentLength, type Segment } from '../src/stream/segment.ts';
import { decodeDatagram, encodeDatagram } from '../src/stream/datagram.ts';
import { DATAGRAM_HEADER_BYTES, Flag, SEGMENT_HEADER_BYTES, StreamKind, SYN_PORT_BYTES } from '../src/stream/stream-wire.ts';
import { ByteQueue } from '../src/stream/byte-queue.ts';
import { ChunkQueue } from '../src/stream/chunk-queue.ts';
import { Reassembly } from '../src/stream/reassembly.ts';
import type { Decoded } from '../src/wire/result.ts';
import { SeededRandom } from './helpers/fuzz-random.ts';

const rnd = new SeededRandom(4242);
const reason = <T>(d: Decoded<T>): string => (d.ok ? 'ok' : d.reason);

const seg = (over: Partial<Segment> = {}): Segment => ({
  id: 0x8000_0001, flags: Flag.ACK, seq: 2 ** 48 - 1000, ack: 123_456_789_012, window: 0xffff_ffff,
  ts: 0xdead_beef, echo: 7, port: 0, data: rnd.bytes(100), ...over,
});

test('header sizes are the documented constants', (t) => {
  t.is(SEGMENT_HEADER_BYTES, 30);
  t.is(SYN_PORT_BYTES, 2);
  t.is(DATAGRAM_HEADER_BYTES, 5);
  t.is(encodeSegment(seg({ data: new Uint8Array(0) })).length, 30);
  t.is(encodeSegment(seg({ flags: Flag.SYN, data: new Uint8Array(0), port: 80 })).length, 32);
});

test('segments round-trip, every kind of flags', (t) => {
  const cases: Segment[] = [
    seg(),
    seg({ flags: Flag.SYN, data: new Uint8Array(0), port: 65535, ack: 0 }),
    seg({ flags: Flag.SYN | Flag.ACK, data: new Uint8Array(0), port: 1 }),
    seg({ flags: Flag.ACK | Flag.FIN, data: new Uint8Array(0) }),
    seg({ flags: Flag.ACK | Flag.FIN }),
    seg({ flags: Flag.RST, data: new Uint8Array(0), seq: 0, ack: 0 }),
    seg({ data: rnd.bytes(1200), seq: 0, ack: 1 }),
  ];
  for (const s of cases) {
    const d = decodeSegment(encodeSegment(s));
    t.true(d.ok);
    if (d.ok) t.deepEqual({ ...d.value, data: [...d.value.data] }, { ...s, data: [...s.data] });
  }
  t.is(segmentLength(seg({ flags: Flag.SYN, data: new Uint8Array(0) })), 1);
  t.is(segmentLength(seg({ flags: Flag.ACK | Flag.FIN, data: new Uint8Array(5) })), 6);
});

test('segment decoding refuses truncation, bad flags and data where none belongs', (t) => {
  const full = encodeSegment(seg());
  for (let n = 0; n < SEGMENT_HEADER_BYTES; n++) t.is(reason(decodeSegment(full.subarray(0, n))), 'malformed', `len ${n}`);
  const syn = encodeSegment(seg({ flags: Flag.SYN, data: new Uint8Array(0), port: 9 }));
  t.is(reason(decodeSegment(syn.subarray(0, 31))), 'malformed');
  t.is(reason(decodeSegment(Uint8Array.of(...syn, 1))), 'malformed', 'SYN carries no data');
  const rst = encodeSegment(seg({ flags: Flag.RST, data: new Uint8Array(0) }));
  t.is(reason(decodeSegment(Uint8Array.of(...rst, 1))), 'malformed', 'RST carries no data');
  const bad = full.slice();
  bad[5] = 0x10;
  t.is(reason(decodeSegment(bad)), 'malformed', 'unknown flag bit');
  bad[5] = Flag.SYN | Flag.FIN;
  t.is(reason(decodeSegment(bad.subarray(0, 32))), 'malformed', 'SYN|FIN');
  bad[0] = StreamKind.Datagram;
  t.is(reason(decodeSegment(bad)), 'unknown-type');
  const beyond = encodeSegment(seg({ seq: 2 ** 48 - 10, data: rnd.bytes(20) }));
  t.is(reason(decodeSegment(beyond)), 'malformed', 'sequence space ends at 2^48');
});

test('datagrams round-trip and refuse truncation', (t) => {
  const d = { srcPort: 1, dstPort: 65535, bytes: rnd.bytes(50) };
  const b = encodeDatagram(d);
  t.is(b.length, 55);
  const back = decodeDatagram(b);
  t.true(back.ok && back.value.srcPort === 1 && back.value.dstPort === 65535 && Buffer.from(back.value.bytes).equals(Buffer.from(d.bytes)));
  const empty = decodeDatagram(encodeDatagram({ srcPort: 2, dstPort: 3, bytes: new Uint8Array(0) }));
  t.true(empty.ok && empty.value.bytes.length === 0);
  for (let n = 0; n < DATAGRAM_HEADER_BYTES; n++) t.is(reason(decodeDatagram(b.subarray(0, n))), 'malformed');
});

test('random bytes never throw in the decoders', (t) => {
  for (let i = 0; i < 5000; i++) {
    const b = rnd.bytes(rnd.int(80));
    if (b.length > 0 && i % 2 === 0) b[0] = StreamKind.Segment;
    t.notThrows(() => (decodeSegment(b), decodeDatagram(b)));
  }
});

test('byte queue: copies on push, reads any range, drops the front', (t) => {
  const q = new ByteQueue();
  const all = rnd.bytes(50_000);
  const src = all.slice(0, 20_000);
  q.push(src);
  src.fill(0);
  q.push(all.subarray(20_000));
  t.is(q.length, 50_000);
  t.deepEqual([...q.peek(16_000, 1000)], [...all.subarray(16_000, 17_000)], 'across a block edge');
  q.drop(30_000);
  t.deepEqual([...q.peek(0, 10)], [...all.subarray(30_000, 30_010)]);
  const parts: number[] = [];
  for (let b = q.shift(7000); b; b = q.shift(7000)) parts.push(...b);
  t.deepEqual(parts, [...all.subarray(30_000)]);
  t.is(q.length, 0);
});

test('chunk queue: large pieces pass as views, small ones are copied and coalesced, order kept', (t) => {
  const q = new ChunkQueue();
  const big = rnd.bytes(1400);
  q.push(big);
  const smalls = Array.from({ length: 50 }, () => rnd.bytes(100));
  for (const s of smalls) q.push(s.slice());
  // A 300-byte cut of a 64 KB datagram would hold the whole datagram: copied.
  const jumbo = rnd.bytes(65_000);
  q.push(jumbo.subarray(100, 400));
  t.is(q.length, 1400 + 5000 + 300);
  const first = q.shift()!;
  t.is(first.buffer, big.buffer, 'a 1,400-byte segment is handed on without a copy');
  const got: number[] = [];
  for (let b = q.shift(777); b; b = q.shift(777)) {
    t.not(b.buffer, jumbo.buffer);
    got.push(...b);
  }
  t.deepEqual(got, [...smalls.flatMap((s) => [...s]), ...jumbo.subarray(100, 400)]);
  t.is(q.length, 0);
  // Appending after a partial read must not touch bytes the reader already holds.
  q.push(new Uint8Array(10).fill(1));
  const held = q.shift(5)!;
  q.push(new Uint8Array(10).fill(2));
  t.deepEqual([...held], [1, 1, 1, 1, 1]);
  t.deepEqual([...q.shift()!, ...q.shift()!], [1, 1, 1, 1, 1, ...new Array(10).fill(2)]);
  t.is(q.shift(), null);
});

test('reassembly trims overlaps and hands back contiguous bytes', (t) => {
  const r = new Reassembly();
  const all = rnd.bytes(100);
  r.insert(20, all.subarray(20, 40));
  r.insert(30, all.subarray(30, 60));
  r.insert(10, all.subarray(10, 70));
  r.insert(80, all.subarray(80, 90));
  t.is(r.bytes, 70);
  t.is(r.takeFrom(5).chunks.length, 0);
  const { chunks, next } = r.takeFrom(10);
  t.is(next, 70);
  t.deepEqual([...Buffer.concat(chunks)], [...all.subarray(10, 70)]);
  t.is(r.bytes, 10);
});
