import test from 'ava';
import { Heap } from '../simulator/heap.ts';
import { EventQueue } from '../simulator/event-queue.ts';
import { SimClock, SIM_EPOCH_MS } from '../simulator/sim-clock.ts';
import { SeededRandom } from '../simulator/sim-random.ts';
import { SimTrace } from '../simulator/trace-sink.ts';
import { firstDivergence } from '../simulator/determinism.ts';
import { tempDir } from './helpers/temp-dirs.ts';

test('heap pops in comparator order', (t) => {
  const h = new Heap<number>((a, b) => a - b);
  const r = SeededRandom.root('heap');
  const xs = Array.from({ length: 1000 }, () => r.int(100));
  for (const x of xs) h.push(x);
  const out: number[] = [];
  while (h.size > 0) out.push(h.pop()!);
  t.deepEqual(out, [...xs].sort((a, b) => a - b));
  t.is(h.pop(), undefined);
});

test('queue orders by time, then by scheduling order', (t) => {
  const q = new EventQueue();
  const seen: string[] = [];
  q.schedule(20, () => seen.push('c'));
  q.schedule(10, () => seen.push('a'));
  q.schedule(20, () => seen.push('d'));
  q.schedule(10, () => seen.push('b'));
  t.is(q.pending, 4);
  q.runUntil(100);
  t.deepEqual(seen, ['a', 'b', 'c', 'd']);
  t.is(q.now, 100);
  t.is(q.processed, 4);
  t.is(q.pending, 0);
});

test('queue clamps past times to now and rounds up fractions', (t) => {
  const q = new EventQueue();
  q.runUntil(50);
  const times: number[] = [];
  q.schedule(10, () => times.push(q.now));
  q.schedule(50.2, () => times.push(q.now));
  q.schedule(Number.NaN, () => times.push(q.now));
  q.runUntil(60);
  t.deepEqual(times, [50, 50, 51]);
});

test('runUntil stops at t and runs events scheduled meanwhile', (t) => {
  const q = new EventQueue();
  const seen: number[] = [];
  q.schedule(5, () => {
    seen.push(q.now);
    q.schedule(q.now + 5, () => seen.push(q.now));
    q.schedule(q.now + 50, () => seen.push(q.now));
  });
  q.runUntil(20);
  t.deepEqual(seen, [5, 10]);
  t.is(q.now, 20);
  t.is(q.pending, 1);
  t.true(q.step());
  t.deepEqual(seen, [5, 10, 55]);
  t.false(q.step());
});

test('cancel and cancelOwner drop events, and only those', (t) => {
  const q = new EventQueue();
  const seen: string[] = [];
  const a = q.schedule(1, () => seen.push('a'));
  q.schedule(2, () => seen.push('n1-x'), 'n1');
  q.schedule(3, () => seen.push('n2-y'), 'n2');
  q.schedule(4, () => seen.push('n1-z'), 'n1');
  q.cancel(a);
  q.cancel(a); // twice is harmless
  t.is(q.cancelOwner('n1'), 2);
  t.is(q.pending, 1);
  q.runUntil(10);
  t.deepEqual(seen, ['n2-y']);
  q.cancel(a);
  t.is(q.pending, 0);
});

test('a stale handle never cancels the event that reused its slot', (t) => {
  const q = new EventQueue();
  const seen: string[] = [];
  const old = q.schedule(1, () => seen.push('old'));
  q.runUntil(1);
  q.schedule(5, () => seen.push('new'));
  q.cancel(old);
  q.cancel(-3);
  q.cancel(1.5);
  t.is(q.pending, 1);
  q.runUntil(10);
  t.deepEqual(seen, ['old', 'new']);
});

test('a cancelled head does not make runUntil run a later event', (t) => {
  const q = new EventQueue();
  const seen: number[] = [];
  const first = q.schedule(5, () => seen.push(5));
  q.schedule(30, () => seen.push(30));
  q.cancel(first);
  q.runUntil(10);
  t.deepEqual(seen, []);
  t.is(q.now, 10);
});

test('mass cancellation compacts and keeps order', (t) => {
  const q = new EventQueue();
  const seen: number[] = [];
  const ids = [];
  for (let i = 0; i < 20_000; i++) ids.push(q.schedule(i % 997, () => seen.push(i)));
  for (let i = 0; i < 20_000; i++) if (i % 10 !== 0) q.cancel(ids[i]);
  t.is(q.pending, 2000);
  q.runUntil(1000);
  t.is(seen.length, 2000);
  const key = (i: number) => (i % 997) * 1e6 + i;
  t.deepEqual(seen, [...seen].sort((a, b) => key(a) - key(b)));
});

test('SimClock: timers on the queue, owner cancellation, wall offset', (t) => {
  const q = new EventQueue();
  const c = new SimClock(q, 'n3');
  const fired: number[] = [];
  c.setTimeout(() => fired.push(c.now()), 10.2);
  const h = c.setTimeout(() => fired.push(-1), 5);
  c.setTimeout(() => fired.push(c.now()), -4);
  c.clearTimeout(h);
  c.clearTimeout(undefined);
  q.runUntil(100);
  t.deepEqual(fired, [0, 11]);
  t.is(c.wallMs(), SIM_EPOCH_MS + 100);
  c.offsetMs = -2500;
  t.is(c.wallMs(), SIM_EPOCH_MS + 100 - 2500);
  t.is(c.now(), 100);
  c.setTimeout(() => fired.push(99), 1);
  q.cancelOwner('n3');
  q.runUntil(200);
  t.deepEqual(fired, [0, 11]);
});

test('SeededRandom: same seed same stream, different seeds differ', (t) => {
  const a = SeededRandom.root(7), b = SeededRandom.root(7), c = SeededRandom.root(8);
  const x = a.bytes(32);
  t.is(x.length, 32);
  t.deepEqual(x, b.bytes(32));
  t.notDeepEqual(x, c.bytes(32));
  t.deepEqual(a.bytes(7), b.bytes(7));
  t.is(a.int(1000), b.int(1000));
  t.is(a.float(), b.float());
});

test('SeededRandom: split streams ignore the parent state and each other', (t) => {
  const fresh = SeededRandom.root(1);
  const used = SeededRandom.root(1);
  used.bytes(100);
  // Splitting after draws gives the same child: a new node never perturbs existing streams.
  t.deepEqual(fresh.split('node:n1').bytes(32), used.split('node:n1').bytes(32));
  t.notDeepEqual(fresh.split('node:n1').bytes(32), fresh.split('node:n2').bytes(32));
  t.notDeepEqual(fresh.split('a/b').split('c').bytes(16), fresh.split('a').split('b/c').bytes(16));
  // Drawing from one child does not move a sibling.
  const s1 = fresh.split('x'), s2 = fresh.split('y');
  const before = fresh.split('y').bytes(16);
  s1.bytes(1000);
  t.deepEqual(s2.bytes(16), before);
});

test('SeededRandom: int and float ranges and rough uniformity', (t) => {
  const r = SeededRandom.root('uniform');
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 20_000; i++) {
    const f = r.float();
    t.true(f >= 0 && f < 1);
    const k = r.int(10);
    counts[k]!++;
  }
  for (const c of counts) t.true(c > 1700 && c < 2300, `bucket count ${c}`);
  t.is(r.int(1), 0);
  const big = r.int(2 ** 40);
  t.true(Number.isInteger(big) && big >= 0 && big < 2 ** 40);
  t.throws(() => r.int(0), { message: /positive/ });
  // Byte values cover the whole range.
  const seen = new Set(r.bytes(4096));
  t.is(seen.size, 256);
});

test('SimTrace hash is stable, sensitive to any change, and matches the file', async (t) => {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(tempDir('simtrace-'), 'trace.jsonl');
  const run = (tweak: boolean, path?: string) => {
    const s = new SimTrace({ file: path, keepLines: 3, keepTail: 2 });
    s.emit({ t: 0, ev: 'sim.start', seed: 1 });
    s.emit({ t: 5, node: 'n1', ev: 'link.state', state: 'up', peer: 'n2' });
    s.emit({ t: tweak ? 8 : 7, ev: 'net.drop', from: 'n1', to: 'n2', reason: 'loss' });
    s.emit({ t: 9, ev: 'sim.end' });
    return s;
  };
  const a = run(false, file), b = run(false), c = run(true);
  await a.close();
  t.is(a.lines, 4);
  t.is(a.hash(), b.hash());
  t.not(a.hash(), c.hash());
  t.regex(a.hash(), /^[0-9a-f]{64}$/);
  const text = readFileSync(file, 'utf8');
  t.is(createHash('sha256').update(text).digest('hex'), a.hash());
  t.is(text.split('\n')[1], '{"ev":"link.state","node":"n1","peer":"n2","state":"up","t":5}');
  t.deepEqual(a.kept(), text.split('\n').slice(0, 3));
  t.deepEqual(a.tail(), text.split('\n').slice(2, 4));
  t.deepEqual(firstDivergence(a.kept(), c.kept()), { index: 2, a: a.kept()[2], b: c.kept()[2] });
});

test('firstDivergence: identical, differing and shorter runs', (t) => {
  t.is(firstDivergence(['a', 'b'], ['a', 'b']), null);
  t.deepEqual(firstDivergence(['a', 'b', 'c'], ['a', 'x', 'c']), { index: 1, a: 'b', b: 'x' });
  t.deepEqual(firstDivergence(['a'], ['a', 'b']), { index: 1, a: undefined, b: 'b' });
});
