// The Duplex adapter and the mux: connect, backpressure, half-close, datagrams.
import test from 'ava';
import type { Duplex } from 'node:stream';
import { SeededRandom } from './helpers/fuzz-random.ts';
import { duplexWorld, settle, until } from './helpers/stream-duplex-world.ts';
import { sha256 } from './helpers/stream-world.ts';

const collect = (s: Duplex): { chunks: Buffer[]; ended: boolean; data: () => Buffer } => {
  const r = { chunks: [] as Buffer[], ended: false, data: () => Buffer.concat(r.chunks) };
  s.on('data', (c: Buffer) => r.chunks.push(c));
  s.on('end', () => (r.ended = true));
  return r;
};

test('dial emits connect; 1 MB written with backpressure arrives intact over a lossy pipe', async (t) => {
  const w = duplexWorld(1, { latencyMs: 10, loss: 0.01, reorder: 0.02 });
  let rx: ReturnType<typeof collect> | undefined;
  w.listen.set(80, (s) => (rx = collect(s)));
  const s = w.a.dial(80);
  let connected = false;
  s.on('connect', () => (connected = true));
  const data = new SeededRandom(3).bytes(1 << 20);
  let at = 0;
  const pump = (): void => {
    while (at < data.length) {
      const ok = s.write(data.subarray(at, at + 16_384));
      at += 16_384;
      if (!ok) return void s.once('drain', pump);
    }
    s.end();
  };
  pump();
  t.true((await until(w.clock, () => connected, 1_000, 1)) >= 0);
  t.true((await until(w.clock, () => rx?.ended === true, 120_000)) >= 0);
  t.is(sha256(rx!.data()), sha256(data));
  t.is(rx!.data().length, data.length);
});

test('a reader that does not read stalls the writer; reading resumes it', async (t) => {
  const w = duplexWorld(2, { latencyMs: 10 });
  let server: Duplex | undefined;
  w.listen.set(81, (s) => {
    server = s;
    s.pause();
  });
  const s = w.a.dial(81);
  let acked = 0;
  let stop = false;
  const chunk = new Uint8Array(16_384);
  const write = (): void => {
    if (!stop) s.write(chunk, () => ((acked += chunk.length), write()));
  };
  write();
  await settle(w.clock, 2_000);
  const stalledAt = acked;
  await settle(w.clock, 2_000);
  t.is(acked, stalledAt, 'no write completes while the reader sleeps');
  // What completed fits in the buffers: sender 256 KiB + receiver 256 KiB + Node's own.
  t.true(stalledAt > 256 * 1024 && stalledAt < 700 * 1024, `completed ${stalledAt}`);
  const core = (s as unknown as { core: { sender: { stats: { probes: number } } } }).core;
  t.true(core.sender.stats.probes > 0, 'the zero window was probed');
  let read = 0;
  server!.on('data', (c: Buffer) => (read += c.length));
  server!.resume();
  await settle(w.clock, 1_000);
  t.true(acked > stalledAt + 1024 * 1024, `resumed: ${acked - stalledAt} more`);
  stop = true;
  t.true(read > 1024 * 1024);
});

test('half-close: A ends, B still sends to A and A reads all of it', async (t) => {
  const w = duplexWorld(3, { latencyMs: 5, loss: 0.02 });
  let bRx: ReturnType<typeof collect> | undefined;
  const fromB = new SeededRandom(5).bytes(200_000);
  let bFinished = false;
  w.listen.set(82, (s) => {
    bRx = collect(s);
    s.on('end', () => {
      s.write(fromB);
      s.end(() => (bFinished = true));
    });
  });
  const a = w.a.dial(82);
  const aRx = collect(a);
  let aFinished = false;
  a.end(Buffer.from('request'), () => (aFinished = true));
  t.true((await until(w.clock, () => aRx.ended, 60_000)) >= 0);
  t.is(bRx!.data().toString(), 'request');
  t.true(aFinished);
  t.is(sha256(aRx.data()), sha256(fromB));
  await settle(w.clock, 200);
  t.true(bFinished);
  t.true(a.destroyed, 'both directions done: the Duplex closes itself');
});

test('datagrams go port to port and are refused beyond the mtu', async (t) => {
  const w = duplexWorld(4, { latencyMs: 5 });
  t.true(w.a.sendDatagram(1000, 53, Buffer.from('hello')));
  t.false(w.a.sendDatagram(1000, 53, new Uint8Array(1196)));
  t.true(w.a.sendDatagram(1000, 53, new Uint8Array(1195)));
  await settle(w.clock, 20);
  t.is(w.datagrams.length, 2);
  t.deepEqual({ ...w.datagrams[0]!, bytes: Buffer.from(w.datagrams[0]!.bytes).toString() }, { srcPort: 1000, dstPort: 53, bytes: 'hello' });
});
