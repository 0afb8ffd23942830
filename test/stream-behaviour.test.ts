// Protocol behaviour at the sans-IO level: ids, memory bounds, probes, lingering, delayed ACKs.
import test from 'ava';
import { SeededRandom } from './helpers/fuzz-random.ts';
import { drain, pump, sha256, world } from './helpers/stream-world.ts';
import { decodeSegment } from '../src/stream/segment.ts';
import { Flag } from '../src/stream/stream-wire.ts';

test('both ends dial at once: ids never collide and both streams carry their data', (t) => {
  const w = world(1, { latencyMs: 10, reorder: 0.1 }, { listenA: true });
  const fromA = new SeededRandom(1).bytes(100_000);
  const fromB = new SeededRandom(2).bytes(100_000);
  const ids = new Set<number>();
  for (let i = 0; i < 20; i++) {
    ids.add(w.a.dial(100 + i).id);
    ids.add(w.b.dial(100 + i).id);
  }
  t.is(ids.size, 40);
  const sa = w.a.dial(7);
  const sb = w.b.dial(7);
  pump(sa, fromA);
  pump(sb, fromB);
  w.clock.advance(50);
  const atB = w.accepted.find((c) => c.id === sa.id)!;
  const atA = w.acceptedA.find((c) => c.id === sb.id)!;
  const rb = drain(atB);
  const ra = drain(atA);
  t.true(w.clock.advanceUntil(() => rb.ended() && ra.ended(), 30_000) >= 0);
  t.is(sha256(rb.data()), sha256(fromA));
  t.is(sha256(ra.data()), sha256(fromB));
});

test('a receiver that does not read holds at most its window, whatever the network does', (t) => {
  const limit = 64 * 1024;
  const w = world(2, { latencyMs: 10, loss: 0.05, dup: 0.05, reorder: 0.2 }, { config: { receiveBufferBytes: limit } });
  const dialer = w.a.dial(7);
  pump(dialer, new SeededRandom(3).bytes(500_000));
  let peak = 0;
  for (let i = 0; i < 3_000; i++) {
    w.clock.advance(5);
    for (const c of w.accepted) peak = Math.max(peak, c.rcv.held);
  }
  t.is(peak, limit, 'filled to the window, not beyond');
  t.true(dialer.sender.stats.probes > 0, 'the shut window was probed');
  t.is(dialer.error, null, 'a peer that answers probes is alive: no timeout');
});

test('a lost window update is recovered by the persist probe', (t) => {
  const w = world(3, { latencyMs: 10 }, { config: { receiveBufferBytes: 32 * 1024 } });
  const data = new SeededRandom(4).bytes(200_000);
  const dialer = w.a.dial(7);
  pump(dialer, data);
  w.clock.advance(500);
  const acceptor = w.accepted[0]!;
  t.is(acceptor.readableLength, 32 * 1024);
  w.ba.blackout = true; // the window update the read causes is lost
  const got: Uint8Array[] = [];
  for (let b = acceptor.read(); b; b = acceptor.read()) got.push(b);
  w.clock.advance(5);
  w.ba.blackout = false;
  const rx = drain(acceptor);
  t.true(w.clock.advanceUntil(() => rx.ended(), 60_000) >= 0);
  t.is(sha256(Buffer.concat([...got, rx.data()])), sha256(data));
});

test('a listener may write before the dialer says anything (server greeting)', (t) => {
  const w = world(4, { latencyMs: 10 });
  const dialer = w.a.dial(7);
  const rx = drain(dialer);
  w.clock.advanceUntil(() => w.accepted.length > 0, 1_000, 1);
  w.accepted[0]!.write(Buffer.from('220 hello'));
  w.accepted[0]!.end();
  t.true(w.clock.advanceUntil(() => rx.ended(), 1_000, 1) >= 0);
  t.is(rx.data().toString(), '220 hello');
});

test('the last ACK lost: the lingering end re-acknowledges the FIN, nobody is reset', (t) => {
  const w = world(5, { latencyMs: 10 });
  const a = w.a.dial(7);
  w.clock.advance(100);
  const b = w.accepted[0]!;
  a.end();
  w.clock.advance(100);
  t.true(a.finAcked);
  w.ab.dropNext = 1;
  b.end();
  w.clock.advance(100);
  t.is(a.state, 'closed');
  t.is(b.state, 'open', "b's FIN is not acknowledged yet");
  w.clock.advance(2_000);
  t.is(b.state, 'closed');
  t.is(b.error, null);
  t.is(w.a.streams.size, 1, 'a lingers');
  w.clock.advance(60_000);
  t.is(w.a.streams.size + w.b.streams.size, 0);
});

test('a lone segment is acknowledged after the delayed-ACK time, a pair at once', (t) => {
  const w = world(6, { latencyMs: 10 });
  const a = w.a.dial(7);
  w.clock.advance(100);
  const acks: number[] = [];
  const send = w.ba.send.bind(w.ba);
  w.ba.send = (bytes) => {
    const d = decodeSegment(bytes);
    if (d.ok && d.value.flags === Flag.ACK && d.value.data.length === 0) acks.push(w.clock.now());
    send(bytes);
  };
  a.write(new Uint8Array(100));
  const sentAt = w.clock.now();
  w.clock.advance(100);
  t.deepEqual(acks, [sentAt + 10 + 20]);
  acks.length = 0;
  a.write(new Uint8Array(2 * 1170));
  const pairAt = w.clock.now();
  w.clock.advance(100);
  t.deepEqual(acks, [pairAt + 10]);
});

test('garbage never throws and is counted', (t) => {
  const w = world(7, { latencyMs: 5 });
  const a = w.a.dial(7);
  w.clock.advance(50);
  const rnd = new SeededRandom(8);
  for (let i = 0; i < 3_000; i++) {
    const b = rnd.bytes(rnd.int(60));
    if (b.length > 0) b[0] = 1 + (i % 3);
    t.notThrows(() => w.b.receive(b));
  }
  t.true(Object.values(w.b.drops).reduce((x, y) => x + y, 0) > 0);
  const rx = drain(w.accepted[0]!);
  pump(a, new Uint8Array(10_000));
  t.true(w.clock.advanceUntil(() => rx.ended(), 5_000) >= 0, 'the real stream is unharmed');
});
