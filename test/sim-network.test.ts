import test from 'ava';
import type { TraceEvent } from '../src/env/trace.ts';
import { EventQueue } from '../simulator/event-queue.ts';
import type { LinkParams } from '../simulator/link-params.ts';
import type { SimCarrier } from '../simulator/sim-carrier.ts';
import { SimNetwork } from '../simulator/sim-network.ts';
import { SeededRandom } from '../simulator/sim-random.ts';

interface Got { t: number; from: string; bytes: Uint8Array }

const world = (defaults: Partial<LinkParams> = {}, seed = 1) => {
  const queue = new EventQueue();
  const events: TraceEvent[] = [];
  const net = new SimNetwork({ queue, random: SeededRandom.root(seed).split('network'), trace: { emit: (e) => events.push(e) }, defaults: { latencyMs: 10, ...defaults } });
  const got = new Map<string, Got[]>();
  const listen = (c: SimCarrier): SimCarrier => {
    const list = got.get(c.local) ?? [];
    got.set(c.local, list);
    c.received$.subscribe((d) => list.push({ t: queue.now, from: d.from, bytes: d.bytes }));
    return c;
  };
  const carriers = new Map(['a', 'b', 'c'].map((n) => [n, listen(net.attach(n))]));
  const at = (n: string): SimCarrier => carriers.get(n)!;
  return { queue, net, events, got: (n: string) => got.get(n)!, at, listen, carriers };
};

const one = (x: number) => Uint8Array.of(x & 0xff, x >> 8);
const num = (b: Uint8Array) => b[0]! | (b[1]! << 8);

test('delivery goes through the queue, with latency plus jitter within bounds', (t) => {
  const w = world({ latencyMs: 20, jitterMs: 5 });
  w.net.connect('a', 'b');
  w.at('a').send('b', one(0));
  t.is(w.got('b').length, 0, 'never synchronous');
  const delays = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const sentAt = w.queue.now;
    w.at('a').send('b', one(i));
    w.queue.runUntil(sentAt + 100);
    const last = w.got('b').at(-1)!;
    delays.add(last.t - sentAt);
  }
  t.deepEqual([...delays].sort((x, y) => x - y), [20, 21, 22, 23, 24, 25]);
  t.is(w.net.stats.delivered, 2001);
  t.deepEqual(w.got('b')[0]!.from, 'a');
});

test('loss rate is near the configured probability, and every drop is traced', (t) => {
  const w = world({ loss: 0.1, latencyMs: 1 });
  w.net.connect('a', 'b');
  for (let i = 0; i < 10_000; i++) w.at('a').send('b', one(i));
  w.queue.runUntil(10);
  const lost = w.net.stats.dropped.loss ?? 0;
  t.true(lost > 800 && lost < 1200, `lost ${lost}`);
  t.is(w.got('b').length, 10_000 - lost);
  t.is(w.net.stats.sent, 10_000);
  t.is(w.events.filter((e) => e.reason === 'loss').length, lost);
  t.deepEqual(w.events[0], { t: 0, ev: 'net.drop', from: 'a', to: 'b', reason: 'loss' });
});

test('bandwidth adds exact serialisation delay, queued FIFO', (t) => {
  const w = world({ latencyMs: 10, bandwidthBps: 80_000 });
  w.net.connect('a', 'b');
  // 1000 bytes at 80 kbit/s take exactly 100 ms each, back to back.
  for (let i = 0; i < 3; i++) w.at('a').send('b', new Uint8Array(1000).fill(i));
  w.queue.runUntil(1000);
  t.deepEqual(w.got('b').map((g) => [g.t, g.bytes[0]]), [[110, 0], [210, 1], [310, 2]]);
  // The other direction has its own queue.
  w.at('b').send('a', new Uint8Array(1000));
  w.queue.runUntil(2000);
  t.deepEqual(w.got('a').map((g) => g.t), [1110]);
});

test('a full transmit queue tail-drops, then drains with time', (t) => {
  const w = world({ latencyMs: 0, bandwidthBps: 8000, queueBytes: 2500 });
  w.net.connect('a', 'b');
  for (let i = 0; i < 3; i++) w.at('a').send('b', new Uint8Array(1000).fill(i));
  t.is(w.net.stats.dropped['queue-full'], 1);
  t.is(w.net.link('a', 'b')!.backlog(0), 2000);
  w.queue.runUntil(1000); // the first datagram has left
  w.at('a').send('b', new Uint8Array(1000).fill(9));
  t.is(w.net.stats.dropped['queue-full'], 1);
  w.queue.runUntil(10_000);
  t.deepEqual(w.got('b').map((g) => [g.t, g.bytes[0]]), [[1000, 0], [2000, 1], [3000, 9]]);
});

test('cut drops new and in-flight datagrams; restore brings the link back', (t) => {
  const w = world({ latencyMs: 50 });
  w.net.connect('a', 'b');
  w.at('a').send('b', one(1));
  w.queue.runUntil(10);
  t.true(w.net.cut('b', 'a'));
  w.at('a').send('b', one(2));
  w.at('b').send('a', one(3));
  w.queue.runUntil(200);
  t.is(w.got('b').length, 0);
  t.is(w.got('a').length, 0);
  t.is(w.net.stats.dropped.cut, 3);
  t.true(w.net.restore('a', 'b'));
  w.at('a').send('b', one(4));
  w.queue.runUntil(400);
  t.deepEqual(w.got('b').map((g) => num(g.bytes)), [4]);
  t.false(w.net.cut('a', 'c'), 'no such link');
});

test('partition separates the two groups only, heal removes it', (t) => {
  const w = world();
  w.net.connect('a', 'b');
  w.net.connect('a', 'c');
  w.net.connect('b', 'c');
  w.net.partition(['a'], ['b']);
  w.at('a').send('b', one(1));
  w.at('b').send('a', one(2));
  w.at('a').send('c', one(3));
  w.at('c').send('b', one(4));
  w.queue.runUntil(100);
  t.is(w.net.stats.dropped.partition, 2);
  t.deepEqual(w.got('c').map((g) => num(g.bytes)), [3]);
  t.deepEqual(w.got('b').map((g) => num(g.bytes)), [4]);
  w.net.heal();
  w.at('a').send('b', one(5));
  w.queue.runUntil(200);
  t.deepEqual(w.got('b').map((g) => num(g.bytes)), [4, 5]);
});

test('detach: a crashed node neither sends nor receives; reattach gives a fresh carrier', (t) => {
  const w = world({ latencyMs: 30 });
  w.net.connect('a', 'b');
  w.at('a').send('b', one(1));
  let completed = false;
  w.at('b').received$.subscribe({ complete: () => (completed = true) });
  w.queue.runUntil(10);
  w.net.detach('b');
  t.true(completed);
  t.false(w.at('b').attached);
  w.at('b').send('a', one(2)); // the dead process's carrier
  w.at('a').send('b', one(3));
  w.queue.runUntil(100);
  t.is(w.got('b').length, 0);
  t.is(w.got('a').length, 0);
  t.is(w.net.stats.dropped.detached, 3);
  const b2 = w.listen(w.net.reattach('b'));
  t.not(b2, w.at('b'));
  w.at('a').send('b', one(4));
  b2.send('a', one(5));
  w.queue.runUntil(200);
  t.deepEqual(w.got('b').map((g) => num(g.bytes)), [4]);
  t.deepEqual(w.got('a').map((g) => num(g.bytes)), [5]);
  t.throws(() => w.net.attach('b'), { message: /already attached/ });
});

test('the receiver is resolved on arrival: late boot receives, a crash in flight loses', (t) => {
  const w = world({ latencyMs: 30 });
  w.net.connect('a', 'd');
  w.at('a').send('d', one(1)); // d has not booted yet
  const d = w.listen(w.net.attach('d'));
  w.queue.runUntil(50);
  t.deepEqual(w.got('d').map((g) => num(g.bytes)), [1]);
  w.at('a').send('d', one(2));
  w.queue.runUntil(60);
  w.net.detach('d');
  w.listen(w.net.reattach('d')); // restarted before the datagram lands
  w.queue.runUntil(200);
  t.deepEqual(w.got('d').map((g) => num(g.bytes)), [1]);
  t.is(w.net.stats.dropped.detached, 1);
  t.false(d.attached);
});

test('duplicates arrive twice as separate copies', (t) => {
  const w = world({ duplicate: 1, jitterMs: 3 });
  w.net.connect('a', 'b');
  for (let i = 0; i < 50; i++) w.at('a').send('b', one(i));
  w.queue.runUntil(100);
  const got = w.got('b');
  t.is(got.length, 100);
  t.is(w.net.stats.duplicated, 50);
  t.is(w.net.stats.delivered, 100);
  for (let i = 0; i < 50; i++) t.is(got.filter((g) => num(g.bytes) === i).length, 2);
  const [x, y] = got.filter((g) => num(g.bytes) === 7);
  t.not(x!.bytes, y!.bytes);
});

test('bytes are copied on send, unknown peers and oversize datagrams are counted drops', (t) => {
  const w = world();
  w.net.connect('a', 'b');
  const buf = one(42);
  w.at('a').send('b', buf);
  buf[0] = 0;
  w.at('a').send('zz', one(1));
  w.at('a').send('c', one(1));
  w.at('a').send('b', new Uint8Array(1401));
  w.queue.runUntil(100);
  t.is(num(w.got('b')[0]!.bytes), 42);
  t.is(w.net.stats.dropped['no-link'], 2);
  t.is(w.net.stats.dropped['too-big'], 1);
  t.deepEqual(w.events.map((e) => e.to), ['zz', 'c', 'b']);
  t.throws(() => w.net.connect('a', 'a'));
});

test('without jitter or reorder order is kept; reorder makes some datagrams overtake', (t) => {
  const order = (reorder: number) => {
    const w = world({ latencyMs: 10, reorder });
    w.net.connect('a', 'b');
    for (let i = 0; i < 200; i++) {
      w.at('a').send('b', one(i));
      w.queue.runUntil(w.queue.now + 1);
    }
    w.queue.runUntil(1000);
    return w.got('b').map((g) => num(g.bytes));
  };
  const plain = order(0);
  t.deepEqual(plain, [...plain].sort((x, y) => x - y));
  const mixed = order(0.3);
  t.is(mixed.length, 200);
  t.notDeepEqual(mixed, [...mixed].sort((x, y) => x - y));
});

test('same seed gives the same deliveries; another seed differs', (t) => {
  const run = (seed: number) => {
    const w = world({ latencyMs: 5, jitterMs: 20, loss: 0.2, duplicate: 0.1, reorder: 0.1 }, seed);
    w.net.connect('a', 'b');
    w.net.connect('b', 'c');
    for (let i = 0; i < 300; i++) {
      w.at(['a', 'b', 'c'][i % 3]!).send(['b', 'c', 'b'][i % 3]!, one(i));
      if (i % 7 === 0) w.queue.runUntil(w.queue.now + 3);
    }
    w.queue.runUntil(10_000);
    return ['a', 'b', 'c'].map((n) => w.got(n).map((g) => `${g.t}:${g.from}:${num(g.bytes)}`).join(','));
  };
  t.deepEqual(run(3), run(3));
  t.notDeepEqual(run(3), run(4));
});
