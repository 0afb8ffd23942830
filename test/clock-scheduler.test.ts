import test from 'ava';
import { interval, timer, take, toArray, firstValueFrom, of, delay, timeout, NEVER, catchError } from 'rxjs';
import { clockScheduler } from '../src/env/clock-scheduler.ts';
import type { Clock } from '../src/env/clock.ts';

// A manual clock: time moves only when the test says so.
const manualClock = () => {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock & { advance(ms: number): void } = {
    now: () => now,
    wallMs: () => now,
    setTimeout: (fn, ms) => (timers.set(++seq, { at: now + ms, fn }), seq),
    clearTimeout: (h) => void timers.delete(h as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
  return clock;
};

test('interval, timer and delay run on the injected clock, not real time', async (t) => {
  const clock = manualClock();
  const s = clockScheduler(clock);
  const seen: number[] = [];
  const sub = interval(100, s).pipe(take(3)).subscribe((v) => seen.push(clock.now() * 10 + v));
  clock.advance(250);
  t.deepEqual(seen, [1000, 2001]);
  clock.advance(100);
  t.deepEqual(seen, [1000, 2001, 3002]);
  t.true(sub.closed);
  const got = firstValueFrom(of(7).pipe(delay(500, s), toArray()));
  clock.advance(499);
  let done = false;
  void got.then(() => (done = true));
  await Promise.resolve();
  t.false(done);
  clock.advance(1);
  t.deepEqual(await got, [7]);
  const fired: number[] = [];
  const start = clock.now();
  timer(50, s).subscribe(() => fired.push(clock.now() - start));
  clock.advance(60);
  t.deepEqual(fired, [50]);
});

test('timeout fires at the virtual deadline and unsubscribing cancels pending timers', async (t) => {
  const clock = manualClock();
  const s = clockScheduler(clock);
  const res = firstValueFrom(NEVER.pipe(timeout({ first: 1000, scheduler: s }), catchError(() => of(`timeout@${clock.now()}`))));
  clock.advance(1000);
  t.is(await res, 'timeout@1000');
  const fired: number[] = [];
  const sub = interval(10, s).subscribe((v) => fired.push(v));
  clock.advance(25);
  sub.unsubscribe();
  clock.advance(100);
  t.deepEqual(fired, [0, 1]);
});
