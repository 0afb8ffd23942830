// DurableFile and DiskHealth on a real full disk (a small tmpfs) with the injected clock, so the
// backoff is exact: retries at 1, 2, 4, 8 s then capped, every failure recorded with the file and
// errno, a success clears it, save() waits for the disk and saveOrFail() does not.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/config/atomic-write.ts';
import { DiskHealth } from '../src/node/disk-health.ts';
import { MemClock } from './helpers/mem-clock.ts';
import { mountSmallDisk } from './helpers/tmpfs.ts';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const logs = (): { lines: string[]; info(m: string): void; warn(m: string): void } => {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(`info ${m}`), warn: (m) => void lines.push(`warn ${m}`) };
};

test('a failing write is retried with doubling backoff up to the cap, shown with file and errno, and cleared by the write that succeeds', async (t) => {
  const disk = mountSmallDisk(t, 'retry');
  const clock = new MemClock();
  const log = logs();
  const health = new DiskHealth(clock, log, { retryMinMs: 1000, retryMaxMs: 8000 });
  const path = join(disk.dir, 'state.json');
  const data = { n: 0, pad: 'x'.repeat(8192) };
  const f = health.file(path, () => writeFileAtomic(path, JSON.stringify(data)));
  disk.fill();
  f.request();
  await settle();
  const first = health.status().failing[0]!;
  t.like(first, { file: path, errno: 'ENOSPC', retries: 0, since: clock.wallMs(), nextRetryAt: clock.wallMs() + 1000 });
  const gaps: number[] = [];
  for (let i = 0; i < 5; i++) {
    const next = health.status().failing[0]!.nextRetryAt!;
    gaps.push(next - clock.wallMs());
    clock.advance(next - clock.wallMs());
    await settle();
  }
  t.deepEqual(gaps, [1000, 2000, 4000, 8000, 8000]);
  t.like(health.status(), { ok: false });
  t.is(health.status().failing[0]!.retries, 5);
  t.is(health.status().failing[0]!.since, first.since, 'since stays the first failure');
  t.is(log.lines.filter((l) => l.startsWith(`warn cannot write ${path} (ENOSPC`)).length, 6);

  data.n = 42; // changed while failing: the retry writes the latest data
  disk.free();
  clock.advance(8000);
  await settle();
  t.deepEqual(health.status(), { ok: true, failing: [] });
  t.is((JSON.parse(readFileSync(path, 'utf8')) as { n: number }).n, 42);
  t.regex(log.lines.at(-1)!, new RegExp(`^info wrote ${path} after 6 failed attempt\\(s\\) \\(ENOSPC since`));
  t.is(clock.pending, 0, 'no retry left armed');
});

test('save() resolves only once the data is on disk; saveOrFail() rejects with the errno at once; close() makes one last try and says', async (t) => {
  const disk = mountSmallDisk(t, 'save');
  const clock = new MemClock();
  const health = new DiskHealth(clock, logs());
  const path = join(disk.dir, 'sms.json');
  const f = health.file(path, () => writeFileAtomic(path, 'y'.repeat(16384)));
  disk.fill();
  let saved = false;
  f.save().then(() => { saved = true; }, () => t.fail('save() rejected'));
  await settle();
  clock.advance(10_000);
  await settle();
  t.false(saved);
  t.true(f.pending);
  const err = await f.saveOrFail().then(() => null, (e: NodeJS.ErrnoException) => e);
  t.is(err?.code, 'ENOSPC');
  t.false(saved);
  disk.free();
  await f.saveOrFail(); // tried at once, not at the next backoff
  t.true(saved, 'the waiting save() resolved with it');
  t.false(f.pending);
  t.true(health.status().ok);

  disk.fill();
  const late = f.save();
  await settle();
  t.false(health.status().ok);
  t.false(await health.close(), 'closing on a full disk: not saved');
  t.is(health.status().failing[0]!.nextRetryAt, null, 'no more retries');
  t.is(((await late.then(() => null, (e: NodeJS.ErrnoException) => e))?.code), 'ENOSPC', 'its waiter is told');
  t.is(clock.pending, 0);
});

test('writes are single-flight: many requests while one write runs make exactly one more write', async (t) => {
  const clock = new MemClock();
  const health = new DiskHealth(clock, logs());
  let writes = 0;
  let release: () => void = () => undefined;
  const f = health.file('/nowhere/state.json', () => {
    writes++;
    return new Promise<void>((r) => { release = r; });
  });
  for (let i = 0; i < 100; i++) f.request();
  await settle();
  t.is(writes, 1);
  const waits = Array.from({ length: 10 }, () => f.save());
  for (let i = 0; i < 100; i++) f.request();
  release();
  await settle();
  t.is(writes, 2, 'one write carries everything asked for during the first');
  release();
  await Promise.all(waits);
  await settle();
  t.is(writes, 2);
  t.false(f.pending);
});
