// Bulk transfers at the sans-IO level over lossy in-memory pipes, in virtual time.
import test from 'ava';
import { SeededRandom } from './helpers/fuzz-random.ts';
import { drain, pump, sha256, world, type World } from './helpers/stream-world.ts';
import type { PipeParams } from './helpers/stream-pipe.ts';
import { decodeSegment } from '../src/stream/segment.ts';

const MB = 1 << 20;
const payload = (n: number, seed = 9): Uint8Array => new SeededRandom(seed).bytes(n);

/** Dials from a, pumps `data` with FIN, drains at b; returns when b has read the FIN. */
const transfer = (w: World, data: Uint8Array, limitMs = 600_000, step = 10) => {
  const dialer = w.a.dial(7);
  pump(dialer, data);
  w.clock.advanceUntil(() => w.accepted.length > 0, 60_000, 1);
  const acceptor = w.accepted[0]!;
  const rx = drain(acceptor);
  const elapsed = w.clock.advanceUntil(() => rx.ended(), limitMs, step);
  return { dialer, acceptor, rx, elapsed };
};

const intact = (t: import('ava').ExecutionContext, got: Buffer, data: Uint8Array): void => {
  t.is(got.length, data.length, 'every byte exactly once');
  t.is(sha256(got), sha256(data), 'in order, unchanged');
};

test('1 MB over a clean pipe arrives intact and in order, with no retransmission', (t) => {
  const w = world(1, { latencyMs: 20 });
  const data = payload(MB);
  const { dialer, rx, elapsed } = transfer(w, data);
  t.true(elapsed >= 0);
  intact(t, rx.data(), data);
  t.is(dialer.sender.stats.retransmits, 0);
  t.is(dialer.sender.stats.timeouts, 0);
});

test('1 MB with 5% loss, reordering and duplication arrives intact', (t) => {
  const lossy: PipeParams = { latencyMs: 20, jitterMs: 5, loss: 0.05, dup: 0.03, reorder: 0.05 };
  for (const seed of [11, 12]) {
    const w = world(seed, lossy);
    const data = payload(MB, seed);
    const { dialer, acceptor, rx, elapsed } = transfer(w, data);
    t.true(elapsed >= 0, `seed ${seed} finished`);
    intact(t, rx.data(), data);
    t.true(dialer.sender.stats.fastRetransmits > 0 && w.ab.stats.lost > 0 && w.ab.stats.duplicated > 0);
    // Both ends close cleanly once the acceptor ends its side too.
    acceptor.end();
    w.clock.advance(5_000);
    t.is(dialer.state, 'closed');
    t.is(acceptor.state, 'closed');
  }
});

test('a single lost segment is repaired by fast retransmit, not by the timer', (t) => {
  const w = world(2, { latencyMs: 10 });
  let dataSeen = 0;
  w.ab.dropIf = (_i, b) => {
    const d = decodeSegment(b);
    return d.ok && d.value.data.length > 0 && ++dataSeen === 30;
  };
  const data = payload(200_000);
  const { dialer, rx } = transfer(w, data);
  intact(t, rx.data(), data);
  t.is(w.ab.stats.lost, 1);
  t.is(dialer.sender.stats.fastRetransmits, 1);
  t.is(dialer.sender.stats.timeouts, 0);
  t.is(dialer.sender.stats.retransmits, 1);
});

test('the RTT estimate converges to the pipe RTT and bounds the RTO', (t) => {
  for (const oneWay of [50, 250]) {
    const w = world(3, { latencyMs: oneWay, jitterMs: 2 });
    const { dialer } = transfer(w, payload(300_000));
    const rtt = dialer.sender.rtt;
    // The echoed timestamp is the oldest unacknowledged segment's (RFC 7323), so a sample also
    // holds the receiver's ACK delay: at most delayedAckMs (20) with decimated ACKs.
    t.true(rtt.srtt! > 0.9 * 2 * oneWay && rtt.srtt! < 1.1 * 2 * oneWay + 20, `srtt ${rtt.srtt} for rtt ${2 * oneWay}`);
    t.true(rtt.rto >= Math.max(200, rtt.srtt!) && rtt.rto < 2 * oneWay + 250, `rto ${rtt.rto}`);
  }
});

test('a 3 s blackout (route repair) loses and duplicates nothing', (t) => {
  const w = world(4, { latencyMs: 20, jitterMs: 2 });
  const data = payload(MB);
  const dialer = w.a.dial(7);
  pump(dialer, data);
  w.clock.advanceUntil(() => w.accepted.length > 0, 60_000, 1);
  const rx = drain(w.accepted[0]!);
  w.clock.advance(150);
  t.true(rx.bytes() > 0 && rx.bytes() < data.length, 'mid-transfer');
  w.ab.blackout = w.ba.blackout = true;
  w.clock.advance(3_000);
  w.ab.blackout = w.ba.blackout = false;
  t.true(w.clock.advanceUntil(() => rx.ended(), 60_000) >= 0);
  intact(t, rx.data(), data);
  t.true(dialer.sender.stats.timeouts >= 3, 'the blackout was felt');
  t.is(dialer.error, null);
});

test('after a repair, setMtu makes a stream stalled by backoff retransmit at once', (t) => {
  const w = world(4, { latencyMs: 20 });
  const data = payload(300_000);
  const dialer = w.a.dial(7);
  pump(dialer, data);
  w.clock.advanceUntil(() => w.accepted.length > 0, 60_000, 1);
  const rx = drain(w.accepted[0]!);
  w.clock.advance(100);
  w.ab.blackout = w.ba.blackout = true;
  w.clock.advance(3_500);
  t.true(dialer.sender.rtt.rto >= 3_200, 'backed off');
  const before = rx.bytes();
  w.ab.blackout = w.ba.blackout = false;
  w.a.setMtu(1000);
  w.b.setMtu(1000);
  w.clock.advance(100);
  t.true(rx.bytes() > before, 'moving again within one RTT or two, not after the backed-off RTO');
  t.true(w.clock.advanceUntil(() => rx.ended(), 60_000) >= 0);
  intact(t, rx.data(), data);
});

test('an mtu change mid-stream re-cuts buffered data and loses nothing', (t) => {
  const w = world(5, { latencyMs: 15, loss: 0.02 });
  const data = payload(400_000);
  const sizes: number[] = [];
  const send = w.ab.send.bind(w.ab);
  w.ab.send = (b) => (sizes.push(b.length), send(b));
  const dialer = w.a.dial(7);
  pump(dialer, data);
  w.clock.advanceUntil(() => w.accepted.length > 0, 60_000, 1);
  const rx = drain(w.accepted[0]!);
  w.clock.advance(100);
  const at = sizes.length;
  w.a.setMtu(240);
  w.b.setMtu(240);
  t.true(w.clock.advanceUntil(() => rx.ended(), 600_000) >= 0);
  intact(t, rx.data(), data);
  t.true(sizes.slice(0, at).some((n) => n > 240));
  t.true(sizes.slice(at).every((n) => n <= 240));
});

test('congestion control reaches most of a 10 ms RTT bottleneck (8 Mbit/s, 30 kB queue)', (t) => {
  const bps = 8_000_000;
  const w = world(6, { latencyMs: 5, bandwidthBps: bps, queueBytes: 30_000 });
  const data = payload(4 * MB);
  const { dialer, rx, elapsed } = transfer(w, data, 600_000, 1);
  intact(t, rx.data(), data);
  const share = (data.length * 8) / (elapsed / 1000) / bps;
  t.log(`share of bandwidth ${(share * 100).toFixed(1)}%, queue drops ${w.ab.stats.queueDrops}, fast retransmits ${dialer.sender.stats.fastRetransmits}`);
  t.true(w.ab.stats.queueDrops > 0, 'the queue overflowed, so congestion control had to react');
  t.true(share > 0.5, `share ${share}`);
});
