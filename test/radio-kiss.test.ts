import test from 'ava';
import { KISS, KissCmd, KissDecoder, encodeKiss, kissData, kissParam } from '../src/radio/kiss.ts';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

test('a data frame escapes FEND and FESC per the KISS spec', (t) => {
  const f = kissData(bytes(0x01, 0xc0, 0x02, 0xdb, 0x03));
  t.deepEqual([...f], [0xc0, 0x00, 0x01, 0xdb, 0xdc, 0x02, 0xdb, 0xdd, 0x03, 0xc0]);
});

test('the command byte is port << 4 | command; parameters are one byte', (t) => {
  t.deepEqual([...kissParam(KissCmd.TxDelay, 30, 2)], [0xc0, 0x21, 30, 0xc0]);
  t.deepEqual([...kissParam(KissCmd.Persistence, 63)], [0xc0, 0x02, 63, 0xc0]);
  t.deepEqual([...kissParam(KissCmd.SlotTime, 10)], [0xc0, 0x03, 10, 0xc0]);
  t.deepEqual([...kissParam(KissCmd.TxTail, 999)], [0xc0, 0x04, 255, 0xc0]);
  t.deepEqual([...kissParam(KissCmd.FullDuplex, 1, 1)], [0xc0, 0x15, 1, 0xc0]);
  t.deepEqual([...encodeKiss({ port: 0, cmd: KissCmd.Return, data: new Uint8Array(0) })], [0xc0, 0xff, 0xc0]);
});

test('round trip, any split of the byte stream', (t) => {
  const payloads = [bytes(0xc0, 0xdb, 0xdc, 0xdd), bytes(1, 2, 3), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)];
  const stream = Buffer.concat(payloads.map((p, i) => Buffer.from(kissData(p, i))));
  for (const chunk of [1, 2, 3, 7, 64, stream.length]) {
    const d = new KissDecoder();
    const out = [];
    for (let i = 0; i < stream.length; i += chunk) out.push(...d.push(stream.subarray(i, i + chunk)));
    t.is(out.length, 3, `chunk ${chunk}`);
    out.forEach((f, i) => {
      t.is(f.port, i);
      t.is(f.cmd, KissCmd.Data);
      t.deepEqual([...f.data], [...payloads[i]!]);
    });
  }
});

test('garbage before the first FEND, empty frames, bad escapes and oversize frames are dropped and counted', (t) => {
  const d = new KissDecoder(16);
  const out = d.push(Buffer.concat([
    Buffer.from([1, 2, 3]), // joined mid-frame
    Buffer.from([KISS.FEND, KISS.FEND, KISS.FEND]),
    Buffer.from([0x00, 0x41, KISS.FESC, 0x41, KISS.FEND]), // FESC then neither TFEND nor TFESC
    Buffer.from([0x00, ...new Array<number>(40).fill(7), KISS.FEND]), // too big
    Buffer.from([0x00, 0x42, KISS.FEND]),
  ]));
  t.deepEqual(out.map((f) => [...f.data]), [[0x42]]);
  t.is(d.stats.badEscape, 1);
  t.is(d.stats.oversize, 1);
  t.is(d.stats.frames, 1);
  t.true(d.stats.empty >= 3);
});

test('a frame that ends in FESC is dropped, the next one survives', (t) => {
  const d = new KissDecoder();
  const out = d.push(bytes(0xc0, 0x00, 0x01, 0xdb, 0xc0, 0x00, 0x02, 0xc0));
  t.deepEqual(out.map((f) => [...f.data]), [[0x02]]);
  t.is(d.stats.badEscape, 1);
});
