import test from 'ava';
import { KissDecoder, kissData } from '../src/radio/kiss.ts';
import { decodeUi, encodeUi, parseStation } from '../src/radio/ax25.ts';
import { SeededRandom } from './helpers/fuzz-random.ts';

test('the KISS decoder never throws and never yields more than was framed (100k random chunks)', (t) => {
  const r = new SeededRandom(5);
  const d = new KissDecoder(600);
  let frames = 0;
  for (let i = 0; i < 100_000; i++) {
    const chunk = r.bytes(r.int(64));
    // Bias towards the special bytes so escapes and boundaries get exercised.
    for (let j = 0; j < chunk.length; j++) if (r.int(4) === 0) chunk[j] = [0xc0, 0xdb, 0xdc, 0xdd][r.int(4)]!;
    for (const f of d.push(chunk)) {
      frames++;
      t.true(f.data.length < 600);
    }
  }
  t.true(frames > 0);
});

test('valid frames survive interleaved with noise', (t) => {
  const r = new SeededRandom(7);
  const d = new KissDecoder();
  let want = 0;
  let got = 0;
  for (let i = 0; i < 2000; i++) {
    const payload = r.bytes(1 + r.int(300));
    // Noise never contains FEND here, so it only damages the frame it lands in, never a later one.
    const noise = r.bytes(r.int(10)).map((b) => (b === 0xc0 ? 0 : b));
    const framed = kissData(payload);
    const out = [...d.push(noise), ...d.push(framed)];
    want++;
    got += out.filter((f) => f.data.length === payload.length && f.data.every((b, k) => b === payload[k])).length;
  }
  t.is(got, want);
});

test('the AX.25 decoder never throws on random bytes', (t) => {
  const r = new SeededRandom(9);
  const src = parseStation('N0CALL-7');
  const dest = parseStation('SKYWIR');
  const good = encodeUi({ dest, src, info: r.bytes(40) });
  for (let i = 0; i < 50_000; i++) {
    const b = i % 2 === 0 ? r.bytes(r.int(80)) : good.map((x) => (r.int(20) === 0 ? r.int(256) : x));
    t.notThrows(() => decodeUi(b));
  }
});
