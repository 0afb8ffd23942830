// The app lifecycle (machines/app.ts through actors/app-actor.ts) against a scripted process
// runtime in virtual time (mock process: no sandbox here; test/app-deploy.test.ts runs the
// real one). Asserts the states the issue names, backoff, commit and rollback.
import test from 'ava';
import { AppActor, type AppRuntime } from '../actors/app-actor.ts';
import { backoffMs } from '../machines/app.ts';
import { MemClock } from './helpers/mem-clock.ts';

interface Script { healthy: boolean; exitAfterMs?: number }

const world = (scripts: Record<string, Script>) => {
  const clock = new MemClock();
  const log: string[] = [];
  const disk = { current: 'v1', next: 'v2' as string | null, prev: null as string | null };
  let live: { exit: (code: number | null) => void } | undefined;
  const rt: AppRuntime = {
    spawn(onHealthy, onExit) {
      const s = scripts[disk.current]!;
      log.push(`spawn ${disk.current}`);
      let done = false;
      const exit = (code: number | null) => { if (!done) { done = true; live = undefined; onExit(code); } };
      live = { exit };
      if (s.healthy) clock.setTimeout(onHealthy, 50);
      if (s.exitAfterMs !== undefined) clock.setTimeout(() => exit(1), s.exitAfterMs);
      return { kill: (sig) => { log.push(`kill ${sig}`); clock.setTimeout(() => exit(null), 10); } };
    },
    healthTimeoutMs: () => 1000,
    swapInNext: () => { log.push('swap'); disk.prev = disk.current; disk.current = disk.next!; disk.next = null; },
    restorePrevious: () => { log.push('restore'); disk.current = disk.prev!; disk.prev = null; },
    commitUpdate: () => { log.push('commit'); disk.prev = null; },
  };
  const actor = new AppActor('demo', clock, rt);
  const states: string[] = [];
  actor.state$.subscribe((s) => states.push(s));
  return { clock, log, disk, actor, states, live: () => live };
};

test('start → starting → running once healthy; stop → stopping → installed after the process exits', (t) => {
  const w = world({ v1: { healthy: true } });
  w.actor.start();
  w.clock.advance(100);
  t.is(w.actor.state, 'running');
  w.actor.stop();
  t.is(w.actor.state, 'stopping');
  w.clock.advance(100);
  t.is(w.actor.state, 'installed');
  t.false(w.actor.running);
  t.deepEqual(w.states, ['installed', 'starting', 'running', 'stopping', 'installed']);
  t.deepEqual(w.log, ['spawn v1', 'kill SIGTERM']);
});

test('a crashing app restarts with exponential backoff, and the count resets once healthy', (t) => {
  const w = world({ v1: { healthy: false, exitAfterMs: 20 } });
  w.actor.start();
  w.clock.advance(25);
  t.is(w.actor.state, 'crashed');
  t.is(w.actor.restarts, 1);
  // Restart 1 after 2 s, restart 2 after 4 s: three spawns by t = 25 + 2000 + 20 + 4000 + 20.
  w.clock.advance(2000 + 20 + 4000 + 20);
  t.is(w.log.filter((l) => l.startsWith('spawn')).length, 3);
  t.is(w.actor.restarts, 3);
  t.deepEqual([backoffMs(1), backoffMs(2), backoffMs(10)], [2000, 4000, 60_000]);
});

test('an app that never becomes healthy is terminated at the health deadline and counted as a crash', (t) => {
  const w = world({ v1: { healthy: false } });
  w.actor.start();
  w.clock.advance(1000);
  t.is(w.actor.state, 'crashed');
  t.true(w.log.includes('kill SIGTERM'));
});

test('update: old stopped, new version tried, committed after its health check', async (t) => {
  const w = world({ v1: { healthy: true }, v2: { healthy: true } });
  w.actor.start();
  w.clock.advance(100);
  const outcome = w.actor.update();
  w.clock.advance(200);
  t.is(await outcome, 'committed');
  t.is(w.actor.state, 'running');
  t.is(w.disk.current, 'v2');
  t.is(w.disk.prev, null);
  t.deepEqual(w.log, ['spawn v1', 'kill SIGTERM', 'swap', 'spawn v2', 'commit']);
  t.deepEqual(w.states, ['installed', 'starting', 'running', 'updating', 'running']);
});

test('update to a version that never becomes healthy rolls back to the old one, which runs again', async (t) => {
  const w = world({ v1: { healthy: true }, v2: { healthy: false } });
  w.actor.start();
  w.clock.advance(100);
  const outcome = w.actor.update();
  w.clock.advance(2000);
  t.is(await outcome, 'rolled-back');
  t.is(w.actor.state, 'running');
  t.is(w.disk.current, 'v1');
  t.deepEqual(w.log, ['spawn v1', 'kill SIGTERM', 'swap', 'spawn v2', 'kill SIGTERM', 'restore', 'spawn v1']);
  t.deepEqual(w.states, ['installed', 'starting', 'running', 'updating', 'rolled-back', 'running']);
  t.is(w.actor.lastUpdate, 'rolled-back');
});

test('update to a version that crashes at once rolls back too', async (t) => {
  const w = world({ v1: { healthy: true }, v2: { healthy: false, exitAfterMs: 5 } });
  w.actor.start();
  w.clock.advance(100);
  const outcome = w.actor.update();
  w.clock.advance(500);
  t.is(await outcome, 'rolled-back');
  t.is(w.disk.current, 'v1');
  t.is(w.actor.state, 'running');
});

test('a late exit from a process already given up on does not count against its successor', (t) => {
  const clock = new MemClock();
  let spawns = 0;
  const rt: AppRuntime = {
    spawn(onHealthy, onExit) {
      const n = ++spawns;
      // The first instance hangs: it misses its health deadline and dies only 3 s after SIGTERM,
      // when its successor (started after the 2 s backoff) is already running.
      if (n > 1) clock.setTimeout(onHealthy, 50);
      return { kill: () => { clock.setTimeout(() => onExit(n === 1 ? 143 : null), n === 1 ? 3000 : 10); } };
    },
    healthTimeoutMs: () => 1000,
    swapInNext: () => {}, restorePrevious: () => {}, commitUpdate: () => {},
  };
  const a = new AppActor('slow', clock, rt);
  a.start();
  clock.advance(1000 + 2000 + 100);
  t.is(a.state, 'running');
  clock.advance(2000); // the first instance's exit arrives now
  t.is(a.state, 'running');
  t.is(spawns, 2);
});
